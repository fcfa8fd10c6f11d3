package io.pdu4j.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A plain route that answers by the request's {@code Accept} header, as {@code /metrics} does. */
class RouteAcceptTest {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private ControlServer server;

  @BeforeEach
  void start() {
    server =
        ControlServer.builder()
            .monitoring(new InetSocketAddress("127.0.0.1", 0))
            .route("/metrics", accept -> new TextResponse(200, "text/plain", "[" + accept + "]"))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String get(String... accept) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + server.monitoringAddress().orElseThrow().getPort()
                        + "/metrics"))
            .timeout(Duration.ofSeconds(5));
    for (String a : accept) {
      b.header("Accept", a);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void theRouteSeesTheAcceptHeaderOrNothing() throws Exception {
    assertThat(get()).isEqualTo("[]");
    assertThat(get("application/openmetrics-text; version=1.0.0"))
        .isEqualTo("[application/openmetrics-text; version=1.0.0]");
    assertThat(get("text/plain", "application/openmetrics-text"))
        .isEqualTo("[text/plain, application/openmetrics-text]");
  }
}

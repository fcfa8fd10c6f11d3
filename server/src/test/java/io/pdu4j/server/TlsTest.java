package io.pdu4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.ApiConfig;
import io.pdu4j.runtime.config.ApiRole;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.TlsConfig;
import io.pdu4j.runtime.config.TokenConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API over HTTPS with a key store made at test time (a self-signed certificate for 127.0.0.1 by
 * the JDK's keytool: no private key is checked in), and the clear errors of a bad store.
 */
class TlsTest {
  static final String TOKEN = "op-0123456789abcdef0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private IsoTekSimulator sim;
  private PowerRuntime runtime;
  private SupervisedDevice rack;
  private ControlServer server;
  private Path keystore;
  private String storePassword;
  private Path passwordFile;
  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    storePassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
    keystore = dir.resolve("api.p12");
    keytool(keystore, storePassword);
    passwordFile = Files.writeString(dir.resolve("keystore.pw"), storePassword + "\n");
    sim = IsoTekSimulator.builder().outlets(8).jitter(false).initialState(5, false).build().start();
    runtime = PowerRuntime.builder().build();
    rack = runtime.supervise(DeviceConfig.of("rack", "isotek:tcp://127.0.0.1:" + sim.port()));
    await().atMost(Duration.ofSeconds(10)).until(() -> rack.health().isConnected());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    runtime.close();
    sim.close();
  }

  /** A PKCS12 store with one EC key and a self-signed certificate for 127.0.0.1 and localhost. */
  private static void keytool(Path store, String password) throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "pdu4j",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                password,
                "-keypass",
                password)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool ends").isTrue();
    assertThat(p.exitValue()).as(out).isZero();
  }

  private ControlServer.Builder builder(TlsConfig tls) throws IOException {
    Path f = Files.writeString(dir.resolve("op.token"), TOKEN + "\n");
    TokenConfig t = new TokenConfig("ci-bot", "file:" + f, ApiRole.OPERATOR, List.of());
    return ControlServer.builder()
        .devices(List.of(rack))
        .api(
            new ApiConfig("127.0.0.1", 0, true, Map.of("ci-bot", t), Optional.empty()).withTls(tls))
        .log(log::add);
  }

  /** A client that trusts the store's certificate and nothing else. */
  private HttpClient trusting() throws Exception {
    return HttpClient.newBuilder()
        .sslContext(trustingContext())
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private SSLContext trustingContext() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, storePassword.toCharArray());
    }
    Certificate cert = ks.getCertificate("pdu4j");
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("pdu4j", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private HttpRequest.Builder request(String scheme, String path) {
    int port = server.apiAddress().orElseThrow().getPort();
    return HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + TOKEN)
        .timeout(Duration.ofSeconds(20));
  }

  @Test
  void theApiIsServedOverHttpsToAClientTrustingTheCertificate() throws Exception {
    server = builder(new TlsConfig(keystore, "file:" + passwordFile, "PKCS12")).start();
    HttpClient https = trusting();

    HttpResponse<String> list =
        https.send(request("https", "/api/v1/devices").GET().build(), ofString());
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(list.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(JSON.readTree(list.body()).path("devices").get(0).path("name").asText())
        .isEqualTo("rack");

    HttpResponse<String> on =
        https.send(
            request("https", "/api/v1/devices/rack/outlets/5/on")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            ofString());
    assertThat(on.statusCode()).as(on.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(on.body());
    assertThat(body.path("outlet").path("state").asText()).isEqualTo("ON");
    assertThat(sim.outletState(5)).isTrue();

    // a second request on the same kept-alive connection is served too
    HttpResponse<String> again =
        https.send(request("https", "/api/v1/devices/rack").GET().build(), ofString());
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);

    assertThat(log).anyMatch(l -> l.startsWith("API at https://127.0.0.1:"));
    assertThat(String.join("\n", log)).doesNotContain(storePassword);

    // a client that does not trust the certificate gets no answer at all
    HttpClient stranger = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(
            () -> stranger.send(request("https", "/api/v1/devices").GET().build(), ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aServedTlsConnectionIsNotCutByTheHeaderTimeout() throws Exception {
    server =
        builder(new TlsConfig(keystore, "file:" + passwordFile, "PKCS12"))
            .headerTimeout(Duration.ofSeconds(1))
            .start();
    int port = server.apiAddress().orElseThrow().getPort();
    String get =
        "GET /api/v1/devices HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
            + TOKEN
            + "\r\n\r\n";
    try (SSLSocket socket =
        (SSLSocket) trustingContext().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      var in =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      socket.getOutputStream().write(get.getBytes(StandardCharsets.UTF_8));
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
      // the TLS connection around the served HTTP one is no longer under the header timeout
      long start = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> System.nanoTime() - start > Duration.ofSeconds(2).toNanos());
      socket.getOutputStream().write(get.getBytes(StandardCharsets.UTF_8));
      assertThat(readResponse(in)).startsWith("HTTP/1.1 200");
    }
  }

  /** Reads one response with a Content-Length body; returns its status line. */
  private static String readResponse(java.io.BufferedReader in) throws IOException {
    String status = in.readLine();
    assertThat(status).as("a response, not a closed connection").isNotNull();
    int length = 0;
    for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
      if (h.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(h.substring(15).strip());
      }
    }
    char[] body = new char[length];
    int read = 0;
    while (read < length) {
      int n = in.read(body, read, length - read);
      assertThat(n).as("the whole body").isPositive();
      read += n;
    }
    return status;
  }

  @Test
  void aMissingKeyStoreIsAClearErrorAtStart() throws Exception {
    Path nowhere = dir.resolve("nope.p12");
    InvalidArgumentException e =
        catchThrowableOfType(
            InvalidArgumentException.class,
            () -> builder(new TlsConfig(nowhere, "file:" + passwordFile, "PKCS12")).start());
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("api.tls.keystore: no key store file at " + nowhere);
  }

  @Test
  void aWrongPasswordIsAClearErrorThatHoldsNeitherPassword() throws Exception {
    String wrong = "wrong-" + storePassword.substring(0, 8);
    Path wrongFile = Files.writeString(dir.resolve("wrong.pw"), wrong + "\n");
    InvalidArgumentException e =
        catchThrowableOfType(
            InvalidArgumentException.class,
            () -> builder(new TlsConfig(keystore, "file:" + wrongFile, "PKCS12")).start());
    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("cannot open the key store " + keystore)
        .contains("the password (api.tls.password) is wrong")
        .doesNotContain(wrong)
        .doesNotContain(storePassword);
    assertThat(e.getCause()).isNull();
    assertThat(String.join("\n", log)).doesNotContain(wrong).doesNotContain(storePassword);

    InvalidArgumentException unset =
        catchThrowableOfType(
            InvalidArgumentException.class,
            () ->
                builder(new TlsConfig(keystore, "env:PDU4J_TEST_UNSET_VARIABLE", "PKCS12"))
                    .start());
    assertThat(unset).isNotNull();
    assertThat(unset.getMessage())
        .contains("api.tls.password: environment variable PDU4J_TEST_UNSET_VARIABLE is not set");
  }

  @Test
  void aFileThatIsNotAKeyStoreIsAClearError() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.p12"), "not a key store\n");
    InvalidArgumentException e =
        catchThrowableOfType(
            InvalidArgumentException.class,
            () -> builder(new TlsConfig(text, "file:" + passwordFile, "PKCS12")).start());
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("or the file is not a PKCS12 key store");
  }

  private static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }
}

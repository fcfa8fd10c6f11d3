package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged {@code pdu4j serve --config FILE} as a separate process, run in the config's
 * directory, with its log in {@code serve.err} there, and its HTTP endpoints read over loopback.
 */
final class ServeProcess implements AutoCloseable {
  private static final Path JAR =
      Path.of(System.getProperty("pdu4j.jar", "../cli/target/pdu4j.jar"));
  private static final Pattern LISTENING =
      Pattern.compile("metrics at http://127\\.0\\.0\\.1:(\\d+)/metrics");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final Process process;
  private final Path log;
  private final int httpPort;

  private ServeProcess(Process process, Path log, int httpPort) {
    this.process = process;
    this.log = log;
    this.httpPort = httpPort;
  }

  /** Starts serving {@code config} and waits until its HTTP server listens. */
  static ServeProcess start(Path config) throws Exception {
    return start(config, "serve");
  }

  /**
   * Starts {@code pdu4j serve --config config EXTRA...} with its log in {@code NAME.err}, and waits
   * until its HTTP server listens.
   */
  static ServeProcess start(Path config, String name, String... extra) throws Exception {
    assertThat(JAR).as("the packaged CLI jar").exists();
    return start(
        config,
        name,
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            JAR.toString()),
        extra);
  }

  /**
   * Starts serving {@code config} with this command (e.g. a tarball's launcher, or java of another
   * runtime and the jar) and waits until its HTTP server listens.
   */
  static ServeProcess start(Path config, List<String> pdu4j) throws Exception {
    return start(config, "serve", pdu4j);
  }

  /**
   * Starts {@code PDU4J... serve --config config EXTRA...} with its log in {@code NAME.err}, and
   * waits until its HTTP server listens.
   */
  static ServeProcess start(Path config, String name, List<String> pdu4j, String... extra)
      throws Exception {
    Path dir = config.toAbsolutePath().getParent();
    Path err = dir.resolve(name + ".err");
    List<String> command = new java.util.ArrayList<>(pdu4j);
    command.addAll(List.of("serve", "--config", config.toString()));
    command.addAll(List.of(extra));
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve(name + ".out").toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> LISTENING.matcher(Files.readString(err, StandardCharsets.UTF_8)).find());
    } catch (RuntimeException e) {
      p.destroyForcibly();
      throw e;
    }
    Matcher m = LISTENING.matcher(Files.readString(err, StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    return new ServeProcess(p, err, Integer.parseInt(m.group(1)));
  }

  /** The port of the control API, once serve logged it ({@code API at http://...}). */
  int apiPort() throws IOException {
    Pattern api = Pattern.compile("API at http://127\\.0\\.0\\.1:(\\d+)/api/v1");
    await().atMost(Duration.ofSeconds(10)).until(() -> api.matcher(log()).find());
    Matcher m = api.matcher(log());
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /**
   * The port of the pdudaemon listener, once serve logged it ({@code pdudaemon requests at
   * http://...}).
   */
  int pdudaemonPort() throws IOException {
    Pattern pd =
        Pattern.compile("pdudaemon requests at http://127\\.0\\.0\\.1:(\\d+)/power/control");
    await().atMost(Duration.ofSeconds(10)).until(() -> pd.matcher(log()).find());
    Matcher m = pd.matcher(log());
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** The port of /metrics and /health. */
  int port() {
    return httpPort;
  }

  /** A GET of {@code path} on the HTTP server. */
  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code /metrics}, which must answer 200. */
  String metrics() throws Exception {
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The {@code /health} entry of {@code device} (200 required). */
  JsonNode health(String device) throws Exception {
    HttpResponse<String> r = get("/health");
    assertThat(r.statusCode()).isEqualTo(200);
    return json.readTree(r.body()).path("devices").path(device);
  }

  /** What serve logged so far. */
  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** Sends SIGTERM and says whether serve ended within 30 s. */
  boolean stopGracefully() throws InterruptedException {
    process.destroy();
    return process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Kills serve (SIGKILL): it has no chance to say goodbye; waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}

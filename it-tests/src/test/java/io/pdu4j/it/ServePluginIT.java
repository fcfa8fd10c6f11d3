package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.testkit.PluginJarMaker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code pdu4j serve} with broken plugins: one whose driver throws an {@link Error}
 * from its static initializer (skipped, reported), one whose driver throws an {@link Error} from
 * {@code open()} (its device OFFLINE with CONFIGURATION_ERROR); a built-in device runs beside them
 * and {@code /health} is never UP.
 */
class ServePluginIT {
  private IsoTekSimulator sim;
  private ServeProcess serve;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (serve != null) {
      serve.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private void brokenJar(Path plugins, String code, PluginJarMaker.Throws where, String error)
      throws Exception {
    String cls = "com.example." + code + ".Broken";
    Path jar =
        PluginJarMaker.jar(
            dir,
            code + ".jar",
            Map.of(cls, PluginJarMaker.brokenDriverSource(cls, code, where, error)),
            Map.of(PowerDriver.class.getName(), cls + "\n"),
            "1.0");
    Files.move(jar, plugins.resolve(code + ".jar"));
  }

  @Test
  void brokenPluginsAreReportedAndServeRunsTheRestAndIsNeverUp() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    brokenJar(
        plugins, "initbomb", PluginJarMaker.Throws.STATIC_INIT, "new AssertionError(\"init\")");
    brokenJar(plugins, "openbomb", PluginJarMaker.Throws.OPEN, "new StackOverflowError(\"open\")");
    sim = IsoTekSimulator.builder().outlets(8).tcpPort(0).build().start();
    Path config =
        Files.writeString(
            dir.resolve("devices.yaml"),
            """
            devices:
              broken:
                uri: "openbomb:tcp://127.0.0.1:1"
              missing:
                uri: "initbomb:tcp://127.0.0.1:1"
              rack:
                uri: "isotek:tcp://127.0.0.1:%d"
            metrics:
              prometheus:
                host: 127.0.0.1
                port: 0
            plugins:
              dir: ./plugins
            """
                .formatted(sim.port()));
    serve = ServeProcess.start(config);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> serve.health("rack").path("state").asText(), "CONNECTED"::equals);
    JsonNode broken = serve.health("broken");
    assertThat(broken.path("state").asText()).isEqualTo("OFFLINE");
    assertThat(broken.path("problem").asText()).isEqualTo("CONFIGURATION_ERROR");
    assertThat(broken.path("message").asText())
        .contains("com.example.openbomb.Broken")
        .contains("StackOverflowError: open");
    JsonNode missing = serve.health("missing");
    assertThat(missing.path("problem").asText()).isEqualTo("CONFIGURATION_ERROR");
    assertThat(missing.path("message").asText()).contains("unknown driver 'initbomb'");
    JsonNode all = new ObjectMapper().readTree(serve.get("/health").body());
    assertThat(all.path("status").asText()).isEqualTo("DEGRADED");
    assertThat(serve.log())
        .containsPattern("plugin \\S*initbomb\\.jar skipped: .*AssertionError: init")
        .contains("broken: OFFLINE configuration_error");
    assertThat(serve.metrics())
        .containsPattern(
            "(?m)^pdu_device_health\\{device=\"broken\",problem=\"configuration_error\","
                + "state=\"offline\"} 1");
    assertThat(serve.stopGracefully()).as("serve still runs and stops on SIGTERM").isTrue();
  }
}

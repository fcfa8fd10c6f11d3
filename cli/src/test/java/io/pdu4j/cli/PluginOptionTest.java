package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.runtime.config.Pdu4jConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --plugins DIR} and {@code plugins.dir}: a broken jar is reported and the command still
 * works with the built-in drivers. Loading a working plugin is in it-tests (PluginIT), where its
 * jar is on no class path.
 */
class PluginOptionTest {
  @TempDir Path dir;
  private IsoTekSimulator sim;

  @BeforeEach
  void start() throws IOException {
    sim = IsoTekSimulator.builder().outlets(8).jitter(false).build().start();
    Files.write(dir.resolve("x.jar"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void offWithABrokenPluginReportsItAndStillSwitches() {
    CliTest.Result r =
        CliTest.run(
            "off", "isotek:tcp://127.0.0.1:" + sim.port(), "2", "--plugins", dir.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(ExitCodes.OK);
    assertThat(r.err())
        .contains("plugin " + dir.resolve("x.jar").toAbsolutePath().normalize())
        .contains("skipped: not a readable jar");
    assertThat(sim.outletState(2)).isFalse();
  }

  @Test
  void serveReportsPluginProblemsOfTheConfiguredDirectory() {
    String yaml =
        """
        devices:
          rack:
            uri: "isotek:tcp://127.0.0.1:%d"
        metrics:
          prometheus:
            host: 127.0.0.1
            port: 0
        plugins:
          dir: plugins
        """
            .formatted(sim.port());
    Pdu4jConfig config = Pdu4jConfig.parse(new StringReader(yaml), "test.yaml", dir);
    assertThat(config.pluginsDir()).contains(dir.resolve("plugins"));
    StringWriter log = new StringWriter();
    FleetServer server = FleetServer.start(config, new PrintWriter(log, true));
    server.close();
    assertThat(log.toString()).contains("plugin " + dir.resolve("plugins")).contains("skipped");
    StringWriter log2 = new StringWriter();
    FleetServer other =
        FleetServer.start(config, java.util.Optional.of(dir), new PrintWriter(log2, true));
    other.close();
    assertThat(log2.toString()).contains("x.jar skipped: not a readable jar");
  }
}

package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.DriverInfo;
import io.pdu4j.runtime.PluginProblem;
import io.pdu4j.runtime.PluginSource;
import io.pdu4j.runtime.PowerModule;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.testkit.PluginJarMaker;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin (examples/example-driver) loaded from its jar, which is on no class path of
 * this module, by the runtime and by the packaged CLI, against its simulator run from that jar in a
 * separate process; next to it a corrupt jar and a jar whose driver throws, both skipped.
 */
class PluginIT {
  private static final Path EXAMPLE_JAR =
      Path.of(
          System.getProperty(
              "pdu4j.example.jar",
              "../examples/example-driver/target/pdu4j-example-driver-0.1.0-SNAPSHOT.jar"));

  /** The example's test jar, which holds the board's simulator. */
  private static final Path EXAMPLE_SIMULATOR_JAR =
      Path.of(
          System.getProperty(
              "pdu4j.example.tests.jar",
              "../examples/example-driver/target/pdu4j-example-driver-0.1.0-SNAPSHOT-tests.jar"));

  private static final String EXAMPLE_DRIVER = "io.pdu4j.example.relay.LineRelayDriver";

  @TempDir Path work;
  private Path plugins;
  private Path exampleInPlugins;
  private Process simulator;
  private int port;

  @BeforeEach
  void start() throws IOException {
    assertThat(EXAMPLE_JAR).as("the example plugin's jar").exists();
    plugins = Files.createDirectories(work.resolve("plugins"));
    exampleInPlugins =
        Files.copy(
            EXAMPLE_JAR, plugins.resolve("line-relay.jar"), StandardCopyOption.REPLACE_EXISTING);
    byte[] noise = new byte[1024];
    new Random(7).nextBytes(noise);
    Files.write(plugins.resolve("x.jar"), noise);
    Path throwing =
        PluginJarMaker.jar(
            work,
            "throwing.jar",
            Map.of(
                "com.example.bad.BadDriver",
                PluginJarMaker.driverSource("com.example.bad.BadDriver", "bad", true)),
            Map.of(PowerDriver.class.getName(), "com.example.bad.BadDriver\n"),
            "6.6.6");
    Files.move(throwing, plugins.resolve("throwing.jar"));

    simulator =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                EXAMPLE_JAR + java.io.File.pathSeparator + EXAMPLE_SIMULATOR_JAR,
                "io.pdu4j.example.relay.LineRelaySimulator",
                "0",
                "4")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader out =
        new BufferedReader(
            new InputStreamReader(simulator.getInputStream(), StandardCharsets.US_ASCII));
    String first = out.readLine();
    assertThat(first).as("the simulator's first line").startsWith("listening on port ");
    port = Integer.parseInt(first.substring("listening on port ".length()).strip());
  }

  @AfterEach
  void stop() throws InterruptedException {
    simulator.destroy();
    if (!simulator.waitFor(10, TimeUnit.SECONDS)) {
      simulator.destroyForcibly();
    }
  }

  /** The board's relays, read over a connection of its own. */
  private String relays() throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream o = s.getOutputStream();
      o.write("STATUS\n".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      return new BufferedReader(
              new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    }
  }

  @Test
  void theRuntimeLoadsTheExamplePluginFromItsJarAndSwitchesARelay() throws Exception {
    assertThatThrownBy(() -> Class.forName(EXAMPLE_DRIVER))
        .as("the example driver is on no class path here")
        .isInstanceOf(ClassNotFoundException.class);
    try (PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(plugins).build()) {
      DriverInfo relay =
          runtime.drivers().stream()
              .filter(d -> d.code().equals("linerelay"))
              .findFirst()
              .orElseThrow();
      assertThat(relay.className()).isEqualTo(EXAMPLE_DRIVER);
      assertThat(relay.plugin())
          .contains(
              new PluginSource(
                  exampleInPlugins.toAbsolutePath().normalize(),
                  System.getProperty("pdu4j.version", "0.1.0-SNAPSHOT")));
      assertThat(runtime.drivers()).extracting(DriverInfo::code).contains("isotek", "enistic");
      assertThat(runtime.drivers()).extracting(DriverInfo::code).doesNotContain("bad");

      List<PluginProblem> problems = runtime.pluginProblems();
      assertThat(problems)
          .extracting(p -> p.jar().getFileName().toString())
          .containsExactlyInAnyOrder("x.jar", "throwing.jar");
      assertThat(problems)
          .filteredOn(p -> p.jar().endsWith("throwing.jar"))
          .singleElement()
          .satisfies(p -> assertThat(p.message()).contains("BadDriver").contains("no licence"));

      PowerDevice board = runtime.open("linerelay:tcp://127.0.0.1:" + port);
      assertThat(board.outlets()).hasSize(4);
      assertThat(board.outlet(2).switchOn().toCompletableFuture().get(10, TimeUnit.SECONDS).state())
          .isEqualTo(OutletState.ON);
      assertThat(relays()).isEqualTo("RELAYS 0 1 0 0");
      assertThat(
              board.outlet(2).switchOff().toCompletableFuture().get(10, TimeUnit.SECONDS).state())
          .isEqualTo(OutletState.OFF);
      assertThat(relays()).isEqualTo("RELAYS 0 0 0 0");
    }
  }

  @Test
  void aGuiceInjectorWithPowerModuleLoadsTheExamplePlugin() throws Exception {
    Injector injector = Guice.createInjector(PowerModule.withPluginDirectory(plugins));
    try (PowerRuntime runtime = injector.getInstance(PowerRuntime.class)) {
      assertThat(runtime.drivers())
          .filteredOn(d -> d.code().equals("linerelay"))
          .singleElement()
          .satisfies(
              d ->
                  assertThat(d.plugin().map(PluginSource::jar))
                      .contains(exampleInPlugins.toAbsolutePath().normalize()));
      assertThat(runtime.pluginProblems()).hasSize(2);
      PowerDevice board = runtime.open("linerelay:tcp://127.0.0.1:" + port);
      assertThat(board.outlet(4).switchOn().toCompletableFuture().get(10, TimeUnit.SECONDS).state())
          .isEqualTo(OutletState.ON);
      assertThat(relays()).isEqualTo("RELAYS 0 0 0 1");
    }

    // another module's binding wins over the directory the module was made with
    Path empty = Files.createDirectories(work.resolve("empty"));
    Injector bound =
        Guice.createInjector(
            PowerModule.withPluginDirectory(empty),
            new AbstractModule() {
              @Override
              protected void configure() {
                PowerModule.pluginDirectoryBinder(binder()).setBinding().toInstance(plugins);
              }
            });
    try (PowerRuntime runtime = bound.getInstance(PowerRuntime.class)) {
      assertThat(runtime.drivers()).extracting(DriverInfo::code).contains("linerelay");
    }

    try (PowerRuntime runtime =
        Guice.createInjector(new PowerModule()).getInstance(PowerRuntime.class)) {
      assertThat(runtime.drivers()).extracting(DriverInfo::code).doesNotContain("linerelay");
      assertThat(runtime.pluginProblems()).isEmpty();
    }
  }

  @Test
  void theCliSwitchesThroughThePluginAndReportsTheBrokenJars() throws Exception {
    CliIT.Run on =
        CliIT.pdu4j(
            "on", "linerelay:tcp://127.0.0.1:" + port, "3", "--plugins", plugins.toString());
    assertThat(on.exit()).as(on.err()).isZero();
    assertThat(relays()).isEqualTo("RELAYS 0 0 1 0");
    assertThat(on.err()).contains("x.jar skipped").contains("throwing.jar skipped");

    CliIT.Run status =
        CliIT.pdu4j(
            "status",
            "linerelay:tcp://127.0.0.1:" + port,
            "--json",
            "--plugins",
            plugins.toString());
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("linerelay");

    CliIT.Run without = CliIT.pdu4j("status", "linerelay:tcp://127.0.0.1:" + port);
    assertThat(without.exit()).as("no plugin directory, no such driver").isEqualTo(2);
    assertThat(without.err()).contains("unknown driver 'linerelay'");
  }
}

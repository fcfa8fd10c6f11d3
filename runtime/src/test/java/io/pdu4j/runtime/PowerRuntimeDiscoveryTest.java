package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.spi.DeviceDiscoverer;
import io.pdu4j.testkit.PluginJarMaker;
import io.pdu4j.testkit.Stages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerRuntimeDiscoveryTest {
  private static final String SERVICE = DeviceDiscoverer.class.getName();

  @TempDir Path work;

  /**
   * A discoverer that finds {@code count} made-up devices at once, named after the request's
   * address and port, or (with {@code fail}) fails as a port in use would.
   */
  private static String discovererSource(String className, String code, int count, boolean fail) {
    int dot = className.lastIndexOf('.');
    return "package "
        + className.substring(0, dot)
        + ";\n"
        + "import io.pdu4j.spi.DeviceDiscoverer;\n"
        + "import java.util.*;\n"
        + "import java.util.concurrent.*;\n"
        + "public final class "
        + className.substring(dot + 1)
        + " implements DeviceDiscoverer {\n"
        + "  public String driver() { return \""
        + code
        + "\"; }\n"
        + "  public int defaultPort() { return 4000; }\n"
        + "  public CompletionStage<Result> discover(Request r, io.pdu4j.spi.DiscoveryContext c) {\n"
        + (fail
            ? "    return CompletableFuture.failedFuture(new io.pdu4j.api.DeviceUnreachableException("
                + "\"UDP port \" + r.port() + \" is in use\"));\n"
            : "    List<Found> found = new ArrayList<>();\n"
                + "    for (int i = 1; i <= "
                + count
                + "; i++) {\n"
                + "      found.add(new Found(\""
                + code
                + "\", \""
                + code
                + ":tcp://\" + r.broadcast() + \":\" + r.port() + \"/\" + i, \"SN-\" + i,"
                + " Optional.empty()));\n"
                + "    }\n"
                + "    return CompletableFuture.completedFuture(new Result(found, 2));\n")
        + "  }\n"
        + "}\n";
  }

  private Path plugin(String jarName, String pkg, String code, int count, boolean fail)
      throws IOException {
    Path dir = Files.createDirectories(work.resolve("plugins"));
    String cls = pkg + ".PlugDiscoverer";
    Path jar =
        PluginJarMaker.jar(
            work,
            jarName,
            Map.of(cls, discovererSource(cls, code, count, fail)),
            Map.of(SERVICE, cls + "\n"),
            "2.0");
    Files.move(jar, dir.resolve(jarName));
    return dir;
  }

  @Test
  void aDiscovererInAPluginJarIsFoundListedAndAsked() throws Exception {
    Path dir = plugin("plugd.jar", "com.example.plugd", "plugd", 2, false);
    try (PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(dir).build()) {
      assertThat(runtime.discoverers())
          .extracting(DiscovererInfo::driver)
          .containsExactly("enistic", "isotek", "plugd");
      DiscovererInfo plugd = runtime.discoverers().get(2);
      assertThat(plugd.plugin()).hasValueSatisfying(p -> assertThat(p.version()).isEqualTo("2.0"));
      assertThat(plugd.defaultPort()).isEqualTo(4000);
      assertThat(plugd.sendsRequest()).isTrue();

      DiscoveryResult r =
          Stages.get(
              runtime.discover(
                  DiscoveryRequest.of(Duration.ofMillis(200))
                      .withDrivers(Set.of("PlugD"))
                      .withBroadcast("127.0.0.1")
                      .withPort("plugd", 4242)));
      assertThat(r.devices())
          .extracting(DeviceDiscoverer.Found::uri)
          .containsExactly("plugd:tcp://127.0.0.1:4242/1", "plugd:tcp://127.0.0.1:4242/2");
      assertThat(r.failures()).isEmpty();
      assertThat(r.ignored()).isEqualTo(2);
      assertThat(r.dropped()).isZero();
    }
  }

  @Test
  void resultsAreBoundedAndTheRestCounted() throws Exception {
    Path dir = plugin("many.jar", "com.example.many", "many", 50, false);
    try (PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(dir).build()) {
      DiscoveryResult r =
          Stages.get(
              runtime.discover(
                  DiscoveryRequest.of(Duration.ofMillis(100))
                      .withDrivers(Set.of("many"))
                      .withMaxDevices(10)));
      assertThat(r.devices()).hasSize(10);
      assertThat(r.devices().get(0).serial()).isEqualTo("SN-1");
      assertThat(r.dropped()).isEqualTo(40);
    }
  }

  @Test
  void oneDriverThatCannotLookFailsAloneAndTheOthersStillFind() throws Exception {
    Path dir = plugin("busy.jar", "com.example.busy", "busy", 0, true);
    try (IsoTekSimulator sim =
            IsoTekSimulator.builder()
                .outlets(8)
                .udpDiscoveryPort(0)
                .serialNumber("RT-DISC")
                .build()
                .start();
        PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(dir).build()) {
      DiscoveryResult r =
          Stages.get(
              runtime.discover(
                  DiscoveryRequest.of(Duration.ofMillis(400))
                      .withDrivers(Set.of("isotek", "busy"))
                      .withBroadcast("127.0.0.1")
                      .withPort("isotek", sim.udpPort().getAsInt())));
      assertThat(r.devices())
          .extracting(DeviceDiscoverer.Found::uri)
          .containsExactly("isotek:tcp://127.0.0.1:" + sim.port());
      assertThat(r.failures()).containsOnlyKeys("busy");
      assertThat(r.failures().get("busy").kind()).isEqualTo(PowerDeviceException.Kind.UNREACHABLE);
      assertThat(r.failures().get("busy")).hasMessageContaining("in use");
    }
  }

  @Test
  void aBadRequestFailsTheStageAndAClosedRuntimeRefuses() throws Exception {
    PowerRuntime runtime = PowerRuntime.builder().build();
    try {
      assertThat(
              Stages.failure(
                  runtime.discover(
                      DiscoveryRequest.of(Duration.ofMillis(100)).withDrivers(Set.of("nope")))))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("no driver named 'nope' can discover devices");
      assertThat(
              Stages.failure(
                  runtime.discover(
                      DiscoveryRequest.of(Duration.ofMillis(100))
                          .withPort("isotek", 5010)
                          .withPort("enistic", 5010))))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("enistic would listen on port 5010");
      assertThat(Stages.failure(runtime.discover(null)))
          .isInstanceOf(InvalidArgumentException.class);
      runtime.close();
      assertThat(Stages.failure(runtime.discover(DiscoveryRequest.of(Duration.ofMillis(100)))))
          .isInstanceOf(DeviceClosedException.class);
    } finally {
      runtime.close();
    }
  }
}

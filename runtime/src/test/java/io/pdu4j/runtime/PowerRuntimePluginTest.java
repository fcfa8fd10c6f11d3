package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.pdu4j.runtime.internal.RuntimeCore;
import io.pdu4j.spi.PowerDriver;
import io.pdu4j.testkit.PluginJarMaker;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerRuntimePluginTest {
  private static final String DRIVER_SERVICE = PowerDriver.class.getName();

  @TempDir Path work;

  private Path plugins() throws IOException {
    return Files.createDirectories(work.resolve("plugins"));
  }

  private Path goodJar(Path dir, String name, String pkg, String code, String version)
      throws IOException {
    Path jar =
        PluginJarMaker.jar(
            work,
            name,
            Map.of(
                pkg + ".PlugDriver", PluginJarMaker.driverSource(pkg + ".PlugDriver", code, false)),
            Map.of(DRIVER_SERVICE, "# a comment\n" + pkg + ".PlugDriver\n"),
            version);
    return Files.move(jar, dir.resolve(name));
  }

  @Test
  void aDriverInAPluginJarIsLoadedInItsOwnClassLoaderAndReportedWithItsVersion()
      throws IOException {
    Path dir = plugins();
    Path jar = goodJar(dir, "plug.jar", "com.example.plug", "plug", "1.2.3");
    Injector injector = Guice.createInjector(PowerRuntime.builder().pluginDirectory(dir).module());
    URLClassLoader pluginLoader;
    try (PowerRuntime runtime = injector.getInstance(PowerRuntime.class)) {
      DriverInfo plug =
          runtime.drivers().stream().filter(d -> d.code().equals("plug")).findFirst().orElseThrow();
      assertThat(plug.vendor()).isEqualTo("Plug Co");
      assertThat(plug.embedded()).isFalse();
      assertThat(plug.plugin())
          .contains(new PluginSource(jar.toAbsolutePath().normalize(), "1.2.3"));
      assertThat(plug.location()).hasValueSatisfying(l -> assertThat(l).endsWith("plug.jar"));
      assertThat(runtime.pluginProblems()).isEmpty();
      // the class path drivers are still there, and not from a plugin
      assertThat(runtime.drivers())
          .filteredOn(d -> d.code().equals("isotek"))
          .singleElement()
          .satisfies(d -> assertThat(d.plugin()).isEmpty());
      assertThat(runtime.transports()).extracting(TransportInfo::scheme).contains("tcp");
      assertThatThrownBy(() -> Class.forName(plug.className()))
          .as("the plugin is on no class path")
          .isInstanceOf(ClassNotFoundException.class);

      Object instance =
          injector.getInstance(RuntimeCore.class).drivers().stream()
              .filter(e -> e.code().equals("plug"))
              .findFirst()
              .orElseThrow()
              .provider();
      assertThat(instance.getClass().getClassLoader()).isInstanceOf(URLClassLoader.class);
      pluginLoader = (URLClassLoader) instance.getClass().getClassLoader();
      assertThat(pluginLoader.getParent()).isSameAs(Thread.currentThread().getContextClassLoader());
      assertThat(pluginLoader.findResource("META-INF/MANIFEST.MF")).isNotNull();
    }
    assertThat(pluginLoader.findResource("META-INF/MANIFEST.MF"))
        .as("the plugin's class loader is closed with the runtime")
        .isNull();
  }

  @Test
  void aJarWithoutAVersionIsUnknown() throws IOException {
    Path dir = plugins();
    goodJar(dir, "plug.jar", "com.example.nover", "nover", null);
    try (PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(dir).build()) {
      assertThat(runtime.drivers())
          .filteredOn(d -> d.code().equals("nover"))
          .singleElement()
          .satisfies(d -> assertThat(d.plugin().orElseThrow().version()).isEqualTo("unknown"));
    }
  }

  @Test
  void brokenJarsAreReportedAndSkippedAndTheGoodOnesStillLoad() throws IOException {
    Path dir = plugins();
    byte[] noise = new byte[512];
    new Random(42).nextBytes(noise);
    Files.write(dir.resolve("x.jar"), noise);
    Path throwing =
        Files.move(
            PluginJarMaker.jar(
                work,
                "throwing.jar",
                Map.of(
                    "com.example.bad.BadDriver",
                    PluginJarMaker.driverSource("com.example.bad.BadDriver", "bad", true)),
                Map.of(DRIVER_SERVICE, "com.example.bad.BadDriver\ncom.example.bad.Missing\n"),
                "0.1"),
            dir.resolve("throwing.jar"));
    goodJar(dir, "dup.jar", "com.example.dup", "isotek", "9");
    goodJar(dir, "plug.jar", "com.example.plug", "plug", "1.2.3");
    Files.writeString(dir.resolve("notes.txt"), "not a jar, not looked at");

    try (PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(dir).build()) {
      assertThat(runtime.drivers()).extracting(DriverInfo::code).contains("plug", "isotek");
      assertThat(runtime.drivers()).extracting(DriverInfo::code).doesNotContain("bad");
      assertThat(runtime.drivers())
          .filteredOn(d -> d.code().equals("isotek"))
          .singleElement()
          .satisfies(d -> assertThat(d.plugin()).as("the class path one wins").isEmpty());
      assertThat(runtime.pluginProblems())
          .extracting(p -> p.jar().getFileName().toString() + ": " + p.message())
          .anySatisfy(m -> assertThat(m).startsWith("x.jar: not a readable jar"))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith("throwing.jar: driver com.example.bad.BadDriver failed to start")
                      .contains("no licence"))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith("throwing.jar: cannot load driver com.example.bad.Missing")
                      .contains("ClassNotFoundException"))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith("dup.jar: two drivers have the code 'isotek'")
                      .contains("dup.jar"))
          .hasSize(4);
      assertThat(runtime.pluginProblems())
          .filteredOn(p -> p.jar().getFileName().toString().equals("throwing.jar"))
          .allSatisfy(p -> assertThat(p.jar()).isEqualTo(throwing.toAbsolutePath().normalize()));
    }
  }

  @Test
  void aMissingDirectoryIsAProblemNotAFailure() {
    Path missing = work.resolve("nowhere");
    try (PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(missing).build()) {
      assertThat(runtime.pluginProblems())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.jar()).isEqualTo(missing);
                assertThat(p.message()).contains("does not exist");
              });
      assertThat(runtime.drivers()).extracting(DriverInfo::code).contains("isotek");
    }
  }

  @Test
  void aTransportInAPluginJarIsLoadedToo() throws IOException {
    Path dir = plugins();
    String source =
        "package com.example.wire;\n"
            + "import io.pdu4j.spi.*;\n"
            + "import io.pdu4j.spi.transport.*;\n"
            + "public final class WireTransport implements TransportProvider {\n"
            + "  public String scheme() { return \"wire\"; }\n"
            + "  public String description() { return \"a test transport\"; }\n"
            + "  public Link create(DeviceAddress a, TransportContext c) {\n"
            + "    throw new UnsupportedOperationException(\"no wire\");\n"
            + "  }\n"
            + "}\n";
    Path jar =
        Files.move(
            PluginJarMaker.jar(
                work,
                "wire.jar",
                Map.of("com.example.wire.WireTransport", source),
                Map.of(
                    io.pdu4j.spi.transport.TransportProvider.class.getName(),
                    "com.example.wire.WireTransport\n"),
                "2.0"),
            dir.resolve("wire.jar"));
    try (PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(dir).build()) {
      assertThat(runtime.transports())
          .filteredOn(t -> t.scheme().equals("wire"))
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.description()).isEqualTo("a test transport");
                assertThat(t.plugin())
                    .contains(new PluginSource(jar.toAbsolutePath().normalize(), "2.0"));
              });
      assertThat(runtime.transports())
          .filteredOn(t -> t.scheme().equals("tcp"))
          .singleElement()
          .satisfies(t -> assertThat(t.plugin()).isEmpty());
      assertThat(runtime.pluginProblems()).isEmpty();
    }
  }

  private Path brokenDriverJar(Path dir, String name, PluginJarMaker.Throws where, String throwable)
      throws IOException {
    String cls = "com.example." + name + ".Broken";
    return Files.move(
        PluginJarMaker.jar(
            work,
            name + ".jar",
            Map.of(cls, PluginJarMaker.brokenDriverSource(cls, name, where, throwable)),
            Map.of(DRIVER_SERVICE, cls + "\n"),
            "1"),
        dir.resolve(name + ".jar"));
  }

  private Path brokenTransportJar(
      Path dir, String name, PluginJarMaker.Throws where, String throwable) throws IOException {
    String cls = "com.example." + name + ".Broken";
    return Files.move(
        PluginJarMaker.jar(
            work,
            name + ".jar",
            Map.of(cls, PluginJarMaker.brokenTransportSource(cls, name, where, throwable)),
            Map.of(io.pdu4j.spi.transport.TransportProvider.class.getName(), cls + "\n"),
            "1"),
        dir.resolve(name + ".jar"));
  }

  @Test
  void aPluginThatThrowsAnyErrorWhileLoadingIsSkippedAndTheRuntimeStarts() throws IOException {
    Path dir = plugins();
    PluginJarMaker.Throws init = PluginJarMaker.Throws.STATIC_INIT;
    brokenDriverJar(dir, "assertion", init, "new AssertionError(\"static boom\")");
    brokenDriverJar(dir, "wrapped", init, "new IllegalStateException(\"static state\")");
    brokenDriverJar(dir, "overflow", init, "new StackOverflowError(\"deep\")");
    brokenDriverJar(dir, "oom", init, "new OutOfMemoryError(\"on purpose\")");
    brokenDriverJar(dir, "internal", init, "new InternalError(\"jvm-like\")");
    brokenDriverJar(
        dir, "ctor", PluginJarMaker.Throws.CONSTRUCTOR, "new LinkageError(\"ctor link\")");
    brokenDriverJar(dir, "coder", PluginJarMaker.Throws.CODE, "new AssertionError(\"no code\")");
    brokenTransportJar(dir, "tinit", init, "new AssertionError(\"transport boom\")");
    brokenTransportJar(
        dir, "tcode", PluginJarMaker.Throws.CODE, "new NoClassDefFoundError(\"x/Y\")");
    goodJar(dir, "plug.jar", "com.example.plug", "plug", "1.2.3");

    try (PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(dir).build()) {
      assertThat(runtime.drivers())
          .extracting(DriverInfo::code)
          .contains("isotek", "plug")
          .doesNotContain("assertion", "wrapped", "overflow", "oom", "internal", "ctor", "coder");
      assertThat(runtime.transports()).extracting(TransportInfo::scheme).contains("tcp");
      assertThat(runtime.transports()).extracting(TransportInfo::scheme).doesNotContain("tinit");
      assertThat(runtime.pluginProblems())
          .extracting(p -> p.jar().getFileName() + ": " + p.message())
          .anySatisfy(m -> assertThat(m).startsWith("assertion.jar").contains("static boom"))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith("wrapped.jar")
                      .contains("ExceptionInInitializerError")
                      .contains("static state"))
          .anySatisfy(m -> assertThat(m).startsWith("overflow.jar").contains("StackOverflowError"))
          .anySatisfy(m -> assertThat(m).startsWith("oom.jar").contains("OutOfMemoryError"))
          .anySatisfy(m -> assertThat(m).startsWith("internal.jar").contains("InternalError"))
          .anySatisfy(m -> assertThat(m).startsWith("ctor.jar").contains("ctor link"))
          .anySatisfy(m -> assertThat(m).startsWith("coder.jar").contains("no code"))
          .anySatisfy(m -> assertThat(m).startsWith("tinit.jar").contains("transport boom"))
          .anySatisfy(m -> assertThat(m).startsWith("tcode.jar").contains("x/Y"))
          .hasSize(9);
    }
  }

  @Test
  void aDeviceWhoseDriverOrTransportThrowsAnErrorOnOpenIsAConfigurationError() throws Exception {
    Path dir = plugins();
    brokenDriverJar(dir, "opener", PluginJarMaker.Throws.OPEN, "new AssertionError(\"open boom\")");
    brokenTransportJar(
        dir, "wire", PluginJarMaker.Throws.OPEN, "new StackOverflowError(\"create boom\")");
    try (PowerRuntime runtime = PowerRuntime.builder().pluginDirectory(dir).build()) {
      assertThat(runtime.pluginProblems()).isEmpty();
      assertThat(
              catchThrowableOfType(
                  io.pdu4j.api.InvalidArgumentException.class,
                  () -> runtime.open("opener:tcp://127.0.0.1:1")))
          .hasMessageContaining("com.example.opener.Broken")
          .hasMessageContaining("open boom");
      assertThat(
              catchThrowableOfType(
                  io.pdu4j.api.InvalidArgumentException.class,
                  () -> runtime.open("isotek:wire://127.0.0.1:1")))
          .hasMessageContaining("com.example.wire.Broken")
          .hasMessageContaining("create boom");

      SupervisedDevice broken =
          runtime.supervise(
              new io.pdu4j.runtime.config.DeviceConfig(
                  "broken",
                  "opener:tcp://127.0.0.1:1",
                  java.util.Optional.empty(),
                  java.util.Optional.empty()));
      SupervisedDevice wired =
          runtime.supervise(
              new io.pdu4j.runtime.config.DeviceConfig(
                  "wired",
                  "isotek:wire://127.0.0.1:1",
                  java.util.Optional.empty(),
                  java.util.Optional.empty()));
      for (SupervisedDevice s : java.util.List.of(broken, wired)) {
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(10))
            .until(() -> s.health().state() == io.pdu4j.api.ConnectionState.OFFLINE);
        assertThat(s.health().problem())
            .contains(io.pdu4j.api.ConnectionProblem.CONFIGURATION_ERROR);
        assertThat(s.device()).isEmpty();
      }
      assertThat(broken.health().message().orElseThrow()).contains("open boom");
      assertThat(wired.health().message().orElseThrow()).contains("create boom");
      assertThat(runtime.devices()).isEmpty();
    }
  }
}

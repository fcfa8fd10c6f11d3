package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
                    io.pdu4j.spi.TransportProvider.class.getName(),
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
}

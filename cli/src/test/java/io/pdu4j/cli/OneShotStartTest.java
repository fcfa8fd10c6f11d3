package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a one-shot command loads, in a JVM of its own started through {@link Main} as {@code
 * pdu4j.jar} is: no Guice, no Jackson unless it prints JSON, no native epoll, no Flight Recorder,
 * no other subcommand, and for a plain {@code status}, {@code on} or {@code off} line no picocli at
 * all; and no string concatenation or record method linked through a bootstrap method (each spins
 * method-handle classes at every start). These are most of a short command's start
 * (docs/benchmarks.md, "CLI start"); the class-load log and the JDK's linkage trace are the
 * witnesses.
 */
class OneShotStartTest {
  private IsoTekSimulator sim;
  private String uri;
  @TempDir Path dir;

  @BeforeEach
  void startSimulator() {
    sim = IsoTekSimulator.builder().outlets(8).jitter(false).build().start();
    uri = "isotek:tcp://127.0.0.1:" + sim.port();
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  record Run(int code, String out, List<String> classes) {}

  private Run pdu4j(String... args) throws IOException, InterruptedException {
    return pdu4j(List.of(), args);
  }

  private Run pdu4j(List<String> jvmOptions, String... args)
      throws IOException, InterruptedException {
    Path log = dir.resolve("classes-" + System.nanoTime() + ".log");
    Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xlog:class+load=info:file=" + log);
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()))
            .start();
    // a backstop against a hung child, not a measure of speed
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the command ended").isTrue();
    List<String> classes =
        Files.readAllLines(log).stream()
            .map(l -> l.replaceFirst("^\\[[^]]*\\]\\[[^]]*\\]\\[[^]]*\\]\\s*", ""))
            .map(l -> l.split(" ", 2)[0])
            .toList();
    return new Run(p.exitValue(), Files.readString(out), classes);
  }

  private static void assertLight(Run r) {
    assertThat(r.classes()).as("the log lists what loaded").contains(Main.class.getName());
    assertThat(r.classes())
        .as("Netty loaded, on NIO")
        .anyMatch(c -> c.startsWith("io.netty.channel.nio."));
    // the verifier may load a few Jackson node types of a method's signature; the cost is in
    // making an ObjectMapper (hundreds of classes), in Netty's native library and in JFR's metadata
    assertThat(r.classes())
        .noneMatch(c -> c.startsWith("com.google.inject."))
        .doesNotContain(
            "com.fasterxml.jackson.databind.ObjectMapper",
            "io.netty.channel.epoll.Native",
            "io.netty.channel.epoll.EpollIoHandler",
            "jdk.jfr.internal.MetadataLoader")
        // what picocli's model of sim and demo would load (the other commands are not modelled)
        .doesNotContain("io.pdu4j.sim.isotek.IsoTekSimulator", DemoSteps.class.getName())
        // a plain status, on or off line is read without picocli (ShortLine)
        .noneMatch(c -> c.startsWith("picocli."));
  }

  @Test
  void statusLoadsNoGuiceNoJacksonAndNoNativeEpoll() throws Exception {
    Run r = pdu4j("status", uri);
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).contains(uri).containsPattern("(?m)^\\s+8\\s+\\S.*\\s+ON\\s+230\\.0\\s");
    assertLight(r);
    assertThat(r.classes())
        .as("the table's numbers need no locale data")
        .doesNotContain(
            "java.text.DecimalFormatSymbols", "sun.util.cldr.CLDRLocaleProviderAdapter");
  }

  @Test
  void aPlainStatusLinksNoStringConcatenationAndNoRecordMethodByBootstrap() throws Exception {
    // every call site linked is printed, with its bootstrap method
    Run r =
        pdu4j(List.of("-Djava.lang.invoke.MethodHandle.TRACE_METHOD_LINKAGE=true"), "status", uri);
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out()).as("the linkage trace is on").contains("linkCallSite");
    assertThat(r.out().lines().filter(l -> l.startsWith("linkCallSite io.pdu4j.")))
        .as("string concatenation is compiled inline in the modules on the path")
        .noneMatch(l -> l.contains("StringConcatFactory"))
        .as("DeviceStatus and OutletStatus write their equals and hashCode out")
        .noneMatch(l -> l.contains("ObjectMethods"));
  }

  @Test
  void offLoadsNoGuiceNoJacksonAndSwitches() throws Exception {
    Run r = pdu4j("off", uri, "3");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(sim.outletState(3)).isFalse();
    assertLight(r);
  }

  @Test
  void statusJsonStillPrintsJson() throws Exception {
    Run r = pdu4j("status", uri, "--json");
    assertThat(r.code()).as(r.out()).isZero();
    assertThat(r.out().strip()).startsWith("{\"device\":{");
    assertThat(r.classes())
        .contains("com.fasterxml.jackson.databind.ObjectMapper")
        .noneMatch(c -> c.startsWith("com.google.inject."));
  }
}

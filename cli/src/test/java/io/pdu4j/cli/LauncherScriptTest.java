package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launchers: the tarball's {@code bin/pdu4j} (cli/src/dist/bin/pdu4j), which chooses every
 * command's JVM options, run against a stand-in {@code java} that prints its arguments; and the
 * repository's {@code ./pdu4j}, which runs it after its up-to-date check.
 */
class LauncherScriptTest {
  private static final Path LAUNCHER = Path.of("src", "dist", "bin", "pdu4j");
  private static final Path REPOSITORY_LAUNCHER = Path.of("..", "pdu4j");

  @TempDir Path dir;

  @Test
  void aShortCommandRunsWithC1AloneAndTheSerialCollector() throws Exception {
    List<String> args = javaArguments(Map.of(), "status", "isotek:tcp://127.0.0.1:1");

    assertThat(args)
        .contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData")
        .containsSubsequence("-jar", jar().toString(), "status", "isotek:tcp://127.0.0.1:1");
  }

  @Test
  void serveKeepsTheFullCompilerAndTheSerialCollector() throws Exception {
    List<String> args = javaArguments(Map.of(), "serve", "--config", "devices.yaml");

    assertThat(args).contains("-XX:+UseSerialGC").doesNotContain("-XX:TieredStopAtLevel=1");
    assertThat(args).endsWith("-jar", jar().toString(), "serve", "--config", "devices.yaml");
  }

  @Test
  void serveStartsWithASmallHeapAndRoomForItsClassesUnlessTheOptionsSizeTheHeap() throws Exception {
    assertThat(javaArguments(Map.of(), "serve"))
        .containsSubsequence("-Xms128m", "-XX:MetaspaceSize=128m", "-jar");
    assertThat(javaArguments(Map.of(), "status", "isotek:tcp://127.0.0.1:1"))
        .doesNotContain("-Xms128m", "-XX:MetaspaceSize=128m");

    List<String> sized = javaArguments(Map.of("PDU4J_JAVA_OPTS", "-Xmx64m"), "serve");
    assertThat(sized).doesNotContain("-Xms128m").contains("-XX:MetaspaceSize=128m");
    assertThat(sized).containsSubsequence("-XX:MetaspaceSize=128m", "-Xmx64m", "-jar");
  }

  @Test
  void aCollectorNamedInTheOptionsReplacesTheSerialOneAndTheOptionsComeLast() throws Exception {
    List<String> args = javaArguments(Map.of("PDU4J_JAVA_OPTS", "-XX:+UseG1GC -Xmx64m"), "serve");

    assertThat(args).doesNotContain("-XX:+UseSerialGC");
    assertThat(args).containsSubsequence("-XX:+UseG1GC", "-Xmx64m", "-jar");
  }

  @Test
  void theRepositoryLauncherWatchesExactlyTheModulesInTheJar() throws IOException {
    String script = Files.readString(REPOSITORY_LAUNCHER);
    Matcher m = Pattern.compile("(?m)^modules=\"([^\"]*)\"").matcher(script);
    assertThat(m.find()).as("./pdu4j names its modules").isTrue();
    Set<String> watched = new TreeSet<>(Arrays.asList(m.group(1).trim().split("\\s+")));

    // the jar holds cli and every pdu4j module cli depends on
    Set<String> inJar = new TreeSet<>(Set.of("cli"));
    Matcher dep =
        Pattern.compile("<groupId>io\\.pdu4j</groupId><artifactId>pdu4j-([a-z-]+)</artifactId>")
            .matcher(Files.readString(Path.of("pom.xml")));
    while (dep.find()) {
      inJar.add(dep.group(1));
    }
    assertThat(watched).isEqualTo(inJar);
    for (String module : watched) {
      assertThat(Path.of("..", module, "pom.xml")).as(module).exists();
    }
    assertThat(script)
        .as("it runs the tarball's launcher, which alone chooses the JVM options")
        .contains("exec \"$root/cli/src/dist/bin/pdu4j\"")
        .doesNotContain("-XX:");
  }

  private Path jar() {
    return dir.resolve("pdu4j.jar");
  }

  /** What the launcher hands java, with a jar of its own (PDU4J_JAR) and no archive. */
  private List<String> javaArguments(Map<String, String> env, String... command) throws Exception {
    Path home = dir.resolve("jdk");
    Path java = home.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.write(jar(), new byte[0]);
    List<String> cmd = new ArrayList<>(List.of("sh", LAUNCHER.toString()));
    cmd.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> e = new HashMap<>(env);
    e.put("JAVA_HOME", home.toString());
    e.put("PDU4J_JAR", jar().toString());
    e.put("PDU4J_CDS", "off");
    pb.environment().remove("PDU4J_JAVA_OPTS");
    pb.environment().putAll(e);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }
}

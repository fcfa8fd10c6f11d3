package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
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
 * command's JVM options and keys its class-data-sharing archives, run against a stand-in {@code
 * java} that prints its arguments (and "makes" an archive when asked to); and the repository's
 * {@code ./pdu4j}, which runs it after its up-to-date check.
 */
class LauncherScriptTest {
  private static final Path LAUNCHER = Path.of("src", "dist", "bin", "pdu4j");
  private static final Path REPOSITORY_LAUNCHER = Path.of("..", "pdu4j");
  private static final String MAIN_CLASS = "io.pdu4j.cli.Main";

  @TempDir Path dir;

  @Test
  void aShortCommandRunsWithC1AloneAndTheSerialCollector() throws Exception {
    List<String> args = javaArguments(Map.of(), "status", "isotek:tcp://127.0.0.1:1");

    assertThat(args)
        .contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData")
        .containsSubsequence(
            "-cp", jar().toString(), MAIN_CLASS, "status", "isotek:tcp://127.0.0.1:1");
  }

  @Test
  void serveKeepsTheFullCompilerAndRunsTheParallelCollectorSizedForAFleet() throws Exception {
    List<String> args = javaArguments(Map.of(), "serve", "--config", "devices.yaml");

    assertThat(args)
        .contains("-XX:+UseParallelGC", "-XX:GCTimeRatio=4", "-XX:InitialSurvivorRatio=4")
        .doesNotContain("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    assertThat(args)
        .endsWith("-cp", jar().toString(), MAIN_CLASS, "serve", "--config", "devices.yaml");
  }

  @Test
  void serveStartsWithASmallHeapAndRoomForItsClassesUnlessTheOptionsSizeTheHeap() throws Exception {
    assertThat(javaArguments(Map.of(), "serve"))
        .containsSubsequence("-Xms128m", "-XX:MetaspaceSize=128m", "-cp");
    assertThat(javaArguments(Map.of(), "status", "isotek:tcp://127.0.0.1:1"))
        .doesNotContain("-Xms128m", "-XX:MetaspaceSize=128m");

    List<String> sized = javaArguments(Map.of("PDU4J_JAVA_OPTS", "-Xmx64m"), "serve");
    assertThat(sized).doesNotContain("-Xms128m").contains("-XX:MetaspaceSize=128m");
    assertThat(sized).containsSubsequence("-XX:MetaspaceSize=128m", "-Xmx64m", "-cp");
  }

  @Test
  void serveAsksForTransparentHugePagesWhereTheKernelOffersThem() throws Exception {
    Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    String mode = Files.isReadable(setting) ? Files.readString(setting) : "";
    boolean offered = mode.contains("[always]") || mode.contains("[madvise]");

    List<String> serve = javaArguments(Map.of(), "serve");
    if (offered) {
      assertThat(serve).containsSubsequence("-XX:+UseTransparentHugePages", "-cp");
    } else {
      assertThat(serve).doesNotContain("-XX:+UseTransparentHugePages"); // the JVM would warn
    }
    assertThat(javaArguments(Map.of(), "status", "isotek:tcp://127.0.0.1:1"))
        .doesNotContain("-XX:+UseTransparentHugePages");
    // the user's options come after the launcher's, so they can turn it off
    List<String> off =
        javaArguments(Map.of("PDU4J_JAVA_OPTS", "-XX:-UseTransparentHugePages"), "serve");
    assertThat(off.lastIndexOf("-XX:-UseTransparentHugePages"))
        .isGreaterThan(off.lastIndexOf("-XX:+UseTransparentHugePages"));
  }

  @Test
  void aCollectorNamedInTheOptionsReplacesTheLaunchersAndTheOptionsComeLast() throws Exception {
    List<String> args = javaArguments(Map.of("PDU4J_JAVA_OPTS", "-XX:+UseG1GC -Xmx64m"), "serve");

    assertThat(args)
        .doesNotContain(
            "-XX:+UseSerialGC",
            "-XX:+UseParallelGC",
            "-XX:GCTimeRatio=4",
            "-XX:InitialSurvivorRatio=4");
    assertThat(args).containsSubsequence("-XX:+UseG1GC", "-Xmx64m", "-cp");
    // a short command likewise
    assertThat(
            javaArguments(
                Map.of("PDU4J_JAVA_OPTS", "-XX:+UseParallelGC"),
                "status",
                "isotek:tcp://127.0.0.1:1"))
        .doesNotContain("-XX:+UseSerialGC")
        .contains("-XX:+UseParallelGC");
  }

  @Test
  void theMainClassTheLauncherNamesIsTheJarsOwn() throws IOException {
    assertThat(Files.readString(Path.of("pom.xml")))
        .contains("<mainClass>" + MAIN_CLASS + "</mainClass>");
    assertThat(Files.readString(LAUNCHER)).contains("-cp \"$jar\" " + MAIN_CLASS);
  }

  @Test
  void aJarPathWithAColonIsRunWithJar() throws Exception {
    Path odd = dir.resolve("a:b/pdu4j.jar");
    Files.createDirectories(odd.getParent());
    Files.write(odd, new byte[0]);

    assertThat(javaArguments(Map.of("PDU4J_JAR", odd.toString()), "status", "x"))
        .containsSubsequence("-jar", odd.toString(), "status", "x")
        .doesNotContain("-cp", MAIN_CLASS);
  }

  @Test
  void theFirstShortCommandMakesAnArchiveForThisJarAndJavaAndTheNextOnesUseIt() throws Exception {
    Map<String, String> cds = Map.of("PDU4J_CDS", "on");
    List<String> first = javaArguments(cds, "status", "x");
    Path archive = archive(java());
    assertThat(archive.getFileName().toString())
        .isEqualTo("pdu4j-" + java().toString().substring(1).replace('/', '_') + ".jsa");
    assertThat(archive).exists();
    assertThat(Files.readAllLines(Path.of(archive + ".key")))
        .containsExactly(jar().toString(), java().toString());
    assertThat(Files.getLastModifiedTime(Path.of(archive + ".key")))
        .isEqualTo(Files.getLastModifiedTime(java()));
    assertThat(first).contains("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
    FileTime made = Files.getLastModifiedTime(archive);

    List<String> second = javaArguments(cds, "status", "x");
    assertThat(second).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(Files.getLastModifiedTime(archive)).as("not made again").isEqualTo(made);
    assertThat(trainingRuns()).isEqualTo(1);
  }

  @Test
  void withAnArchiveInPlaceAStartRunsNoProgramButJava() throws Exception {
    javaArguments(Map.of("PDU4J_CDS", "on"), "status", "x");
    Path archive = archive(java());

    // nothing on the PATH but the JDK's bin: readlink, ls, cksum, find... would fail
    List<String> args =
        javaArguments(
            Map.of("PDU4J_CDS", "on", "PATH", java().getParent().toString()), "status", "x");
    assertThat(args).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(trainingRuns()).isEqualTo(1);
  }

  @Test
  void aNewerJarOrAnotherJavaBinaryBehindThePathMakesANewArchive() throws Exception {
    Map<String, String> cds = Map.of("PDU4J_CDS", "on");
    javaArguments(cds, "status", "x");
    Path archive = archive(java());

    // a jar newer than the archive (an upgrade in place)
    Files.setLastModifiedTime(
        jar(), FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 10_000));
    assertThat(javaArguments(cds, "status", "x")).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(trainingRuns()).isEqualTo(2);

    // the JDK updated at the same path: its java binary has another time, older or newer
    Files.setLastModifiedTime(
        java(), FileTime.fromMillis(Files.getLastModifiedTime(java()).toMillis() - 86_400_000));
    assertThat(javaArguments(cds, "status", "x")).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(trainingRuns()).isEqualTo(3);
    assertThat(Files.getLastModifiedTime(Path.of(archive + ".key")))
        .isEqualTo(Files.getLastModifiedTime(java()));

    // a key written for another jar is not this one's
    Path key = Path.of(archive + ".key");
    FileTime keyTime = Files.getLastModifiedTime(key);
    Files.write(key, List.of(dir.resolve("other.jar").toString(), java().toString()));
    Files.setLastModifiedTime(key, keyTime);
    assertThat(javaArguments(cds, "status", "x")).contains("-XX:SharedArchiveFile=" + archive);
    assertThat(trainingRuns()).isEqualTo(4);
    assertThat(Files.readAllLines(key)).containsExactly(jar().toString(), java().toString());
  }

  @Test
  void anotherJavaCommandMakesItsOwnArchiveAndBothStay() throws Exception {
    Map<String, String> cds = Map.of("PDU4J_CDS", "on");
    javaArguments(cds, "status", "x");
    Path first = archive(java());
    Path otherHome = dir.resolve("jdk2");
    standInJava(otherHome);
    Path other = otherHome.resolve("bin/java");
    Files.setLastModifiedTime(
        other, FileTime.fromMillis(Files.getLastModifiedTime(java()).toMillis() - 86_400_000));

    assertThat(javaArguments(Map.of("PDU4J_CDS", "on", "JAVA_HOME", otherHome.toString()), "on"))
        .contains("-XX:SharedArchiveFile=" + archive(other));
    assertThat(archive(other)).isNotEqualTo(first).exists();
    assertThat(trainingRuns()).isEqualTo(2);

    assertThat(javaArguments(cds, "off")).contains("-XX:SharedArchiveFile=" + first);
    assertThat(javaArguments(Map.of("PDU4J_CDS", "on", "JAVA_HOME", otherHome.toString()), "on"))
        .contains("-XX:SharedArchiveFile=" + archive(other));
    assertThat(trainingRuns()).as("neither made again").isEqualTo(2);
  }

  @Test
  void anotherJavaCommandLeadingToTheSameBinaryUsesItsArchive() throws Exception {
    Map<String, String> cds = Map.of("PDU4J_CDS", "on");
    javaArguments(cds, "status", "x");
    Path archive = archive(java());
    // as /usr/bin/java leads to /usr/lib/jvm/.../bin/java
    Path linked = dir.resolve("linked");
    Files.createDirectories(linked.resolve("bin"));
    Files.createSymbolicLink(linked.resolve("bin/java"), java());

    assertThat(javaArguments(Map.of("PDU4J_CDS", "on", "JAVA_HOME", linked.toString()), "on"))
        .contains("-XX:SharedArchiveFile=" + archive);
    assertThat(trainingRuns()).isEqualTo(1);
    assertThat(archive(linked.resolve("bin/java"))).doesNotExist();
  }

  @Test
  void aFailedTrainingRunIsNotTriedAgainForThatJar() throws Exception {
    Map<String, String> cds = Map.of("PDU4J_CDS", "on", "STAND_IN_TRAINING", "fail");
    assertThat(javaArguments(cds, "status", "x")).noneMatch(a -> a.startsWith("-XX:SharedArchive"));
    assertThat(javaArguments(cds, "status", "x")).noneMatch(a -> a.startsWith("-XX:SharedArchive"));
    assertThat(trainingRuns()).isEqualTo(1);
    assertThat(Path.of(archive(java()) + ".failed")).exists();
    assertThat(archive(java())).doesNotExist();
    assertThat(Path.of(archive(java()) + ".key")).doesNotExist();
  }

  @Test
  void serveUsesAnArchiveButDoesNotMakeOne() throws Exception {
    Map<String, String> cds = Map.of("PDU4J_CDS", "on");
    assertThat(javaArguments(cds, "serve")).noneMatch(a -> a.startsWith("-XX:SharedArchive"));
    assertThat(trainingRuns()).isZero();
    javaArguments(cds, "status", "x");
    assertThat(javaArguments(cds, "serve")).contains("-XX:SharedArchiveFile=" + archive(java()));
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
        .contains(". \"$root/cli/src/dist/bin/pdu4j\"")
        .doesNotContain("-XX:");
  }

  @Test
  void theRepositoryLauncherRebuildsOnlyForANewerSourceOfTheJarsModules() throws Exception {
    Path root = dir.resolve("repo");
    Path launcher = root.resolve("pdu4j");
    Files.createDirectories(root.resolve("cli/src/dist/bin"));
    Files.copy(REPOSITORY_LAUNCHER, launcher);
    Files.copy(LAUNCHER, root.resolve("cli/src/dist/bin/pdu4j"));
    // the build: a stand-in mvnw that counts its runs and leaves a jar
    Path mvnw = root.resolve("mvnw");
    Files.writeString(
        mvnw,
        "#!/bin/sh\necho built >>\"$0.runs\"\nmkdir -p cli/target\n: >cli/target/pdu4j.jar\n");
    Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path source = root.resolve("runtime/src/main/java/io/pdu4j/runtime/deep/Some.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "class Some {}");
    Path elsewhere = root.resolve("bench/src/main/java/Bench.java");
    Files.createDirectories(elsewhere.getParent());
    Files.writeString(elsewhere, "class Bench {}");

    run(launcher, Map.of("PDU4J_CDS", "off"), "status", "x");
    assertThat(Files.readAllLines(Path.of(mvnw + ".runs"))).as("no jar yet").hasSize(1);
    Path jar = root.resolve("cli/target/pdu4j.jar");
    FileTime built = Files.getLastModifiedTime(jar);

    Files.setLastModifiedTime(elsewhere, FileTime.fromMillis(built.toMillis() + 5_000));
    List<String> args = run(launcher, Map.of("PDU4J_CDS", "off"), "status", "x");
    assertThat(Files.readAllLines(Path.of(mvnw + ".runs")))
        .as("bench is not in the jar")
        .hasSize(1);
    assertThat(args).containsSubsequence("-cp", jar.toRealPath().toString(), MAIN_CLASS, "status");

    Files.setLastModifiedTime(source, FileTime.fromMillis(built.toMillis() + 5_000));
    run(launcher, Map.of("PDU4J_CDS", "off"), "status", "x");
    assertThat(Files.readAllLines(Path.of(mvnw + ".runs"))).as("a deeper source, newer").hasSize(2);
  }

  private Path jar() {
    return dir.resolve("pdu4j.jar");
  }

  private Path java() {
    return dir.resolve("jdk/bin/java");
  }

  /** The archive the launcher names for the java command {@code java}, beside the jar. */
  private Path archive(Path java) {
    return dir.resolve("pdu4j-" + java.toString().substring(1).replace('/', '_') + ".jsa");
  }

  /** How many training runs the stand-in JVMs had. */
  private int trainingRuns() throws IOException {
    Path log = dir.resolve("training.log");
    return Files.exists(log) ? Files.readAllLines(log).size() : 0;
  }

  /**
   * A JDK whose java prints its arguments; a training run ({@code -XX:ArchiveClassesAtExit}) is
   * logged in training.log and leaves the archive, unless STAND_IN_TRAINING=fail.
   */
  private void standInJava(Path home) throws IOException {
    Path java = home.resolve("bin/java");
    Files.createDirectories(java.getParent());
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "for a in \"$@\"; do\n"
            + "  case $a in\n"
            + "    -XX:ArchiveClassesAtExit=*)\n"
            + "      echo \"$a\" >>'"
            + dir.resolve("training.log")
            + "'\n"
            + "      [ \"$STAND_IN_TRAINING\" = fail ] && exit 1\n"
            + "      : >\"${a#*=}\"\n"
            + "      exit 0 ;;\n"
            + "    -version) exit 0 ;;\n"
            + "  esac\n"
            + "done\n"
            + "printf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /**
   * What the launcher hands java, with a jar of its own (PDU4J_JAR) and, unless {@code env} says
   * otherwise, no archive.
   */
  private List<String> javaArguments(Map<String, String> env, String... command) throws Exception {
    if (!Files.exists(java())) {
      standInJava(java().getParent().getParent());
    }
    if (!Files.exists(jar())) {
      Files.write(jar(), new byte[0]);
    }
    Map<String, String> e = new HashMap<>();
    e.put("JAVA_HOME", java().getParent().getParent().toString());
    e.put("PDU4J_JAR", jar().toString());
    e.put("PDU4J_CDS", "off");
    e.putAll(env);
    return run(LAUNCHER, e, command);
  }

  /** Runs a launcher with /bin/sh and this environment added; its output, one line each. */
  private List<String> run(Path script, Map<String, String> env, String... command)
      throws Exception {
    if (!Files.exists(java())) {
      standInJava(java().getParent().getParent());
    }
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", script.toString()));
    cmd.addAll(List.of(command));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().remove("PDU4J_JAVA_OPTS");
    pb.environment().remove("PDU4J_JAR");
    pb.environment().put("JAVA_HOME", java().getParent().getParent().toString());
    pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().toList();
  }
}

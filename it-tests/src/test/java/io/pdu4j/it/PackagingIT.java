package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What docs/install.md installs: the tarball unpacked and run through its launcher, its systemd
 * unit verified by {@code systemd-analyze}, and the Dockerfile's runtime (its jlink modules) built
 * here and running {@code serve} with the image's health check. No container engine is needed.
 */
class PackagingIT {
  private static final Path ROOT = Path.of(System.getProperty("pdu4j.root", "..")).toAbsolutePath();
  private static final String VERSION = System.getProperty("pdu4j.version", "0.1.0-SNAPSHOT");

  @TempDir static Path tmp;
  private static Path home;
  private static IsoTekSimulator sim;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void unpack() throws Exception {
    Path tarball = ROOT.resolve("cli/target/pdu4j-" + VERSION + ".tar.gz");
    assertThat(tarball).as("the tarball of mvn package").exists();
    Run r = run(Map.of(), List.of("tar", "-xzf", tarball.toString(), "-C", tmp.toString()));
    assertThat(r.exit()).as(r.err()).isZero();
    home = tmp.resolve("pdu4j-" + VERSION);
    sim = IsoTekSimulator.builder().tcpPort(0).outlets(8).build().start();
  }

  @AfterAll
  static void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void tarballHoldsWhatInstallMdInstalls() throws IOException {
    for (String f :
        List.of(
            "bin/pdu4j",
            "lib/pdu4j.jar",
            "man/man1/pdu4j.1",
            "completion/pdu4j.bash",
            "completion/_pdu4j",
            "systemd/pdu4j.service",
            "examples/devices.yaml",
            "LICENSE",
            "NOTICE")) {
      assertThat(home.resolve(f)).as(f).isRegularFile();
    }
    assertThat(Files.getPosixFilePermissions(home.resolve("bin/pdu4j")))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
    assertThat(Files.readString(home.resolve("LICENSE")))
        .contains("Apache License")
        .contains("Version 2.0, January 2004");
    assertThat(home.resolve("systemd/pdu4j.service"))
        .hasSameTextualContentAs(ROOT.resolve("deploy/systemd/pdu4j.service"));
  }

  @Test
  void launcherRunsTheJarFromAnyDirectoryAndThroughALink() throws Exception {
    Path link = tmp.resolve("somewhere/else/pdu4j");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, home.resolve("bin/pdu4j"));

    Run version = run(Map.of(), List.of(link.toString(), "--version"));
    assertThat(version.exit()).as(version.err()).isZero();
    // the packaged jar knows its version (pdu4j_build_info reports the same, see jlinkedRuntime…)
    assertThat(version.out()).contains("pdu4j " + VERSION).doesNotContain("unknown");

    Run status =
        run(
            Map.of(),
            List.of(link.toString(), "status", "isotek:tcp://127.0.0.1:" + sim.port(), "--json"));
    assertThat(status.exit()).as(status.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(status.out());
    assertThat(json.path("outlets")).hasSize(8);
  }

  /**
   * The launcher makes a class-data-sharing archive of lib/pdu4j.jar for this JVM on the first
   * short command and runs every later one with it (classes come from the archive, not the jar); a
   * newer jar gets a new archive; an archive the JVM cannot use is skipped without a word. Times
   * nothing: the class-load log says where classes came from.
   */
  @Test
  void launcherMakesAClassDataArchiveOnceAndStartsWithIt() throws Exception {
    Path launcher = home.resolve("bin/pdu4j");
    Path lib = home.resolve("lib");
    deleteArchives(lib);
    String uri = "isotek:tcp://127.0.0.1:" + sim.port();

    Run first = run(Map.of(), List.of(launcher.toString(), "status", uri));
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.err()).isEmpty();
    assertThat(first.out()).contains(uri).doesNotContain("warning");
    List<Path> made = archives(lib);
    assertThat(made).as("one archive, made by the first short command").hasSize(1);
    // named after the java command, its key beside it: the jar and that command, one a line
    assertThat(made.get(0).getFileName().toString()).matches("pdu4j-.+_bin_java\\.jsa");
    assertThat(Files.readAllLines(lib.resolve(made.get(0).getFileName() + ".key")))
        .hasSize(2)
        .first()
        .isEqualTo(lib.resolve("pdu4j.jar").toRealPath().toString());

    // this JVM takes -XX:ArchiveRelocationMode=0: a short command maps the archive unmoved
    assertThat(lib.resolve(made.get(0).getFileName() + ".fixed")).exists();

    Path log = tmp.resolve("classes.log");
    Path cds = tmp.resolve("cds.log");
    Run second =
        run(
            Map.of(
                "PDU4J_JAVA_OPTS",
                "-Xlog:class+load=info:file=" + log + " -Xlog:cds=info:file=" + cds),
            List.of(launcher.toString(), "status", uri));
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.out()).contains(uri);
    assertThat(Files.readAllLines(log))
        .as("the command's classes come from the archive")
        .anyMatch(l -> l.contains("io.pdu4j.cli.StatusCommand source: shared objects file (top)"))
        .anyMatch(l -> l.contains("io.pdu4j.driver.isotek.") && l.contains("(top)"))
        .as("a plain status line loads no picocli")
        .noneMatch(l -> l.contains(" picocli."));
    assertThat(Files.readString(cds))
        .as("the archive mapped where it was made to be, not relocated")
        .contains("Mapped dynamic region")
        .doesNotContain("ArchiveRelocationMode == 1");
    assertThat(archives(lib)).as("not made again").isEqualTo(made);

    // a jar newer than the archive (an upgrade in place) gets a new one on the next short command
    Files.setLastModifiedTime(
        made.get(0),
        java.nio.file.attribute.FileTime.fromMillis(
            Files.getLastModifiedTime(lib.resolve("pdu4j.jar")).toMillis() - 10_000));
    Run upgraded = run(Map.of(), List.of(launcher.toString(), "--version"));
    assertThat(upgraded.exit()).as(upgraded.err()).isZero();
    assertThat(Files.getLastModifiedTime(made.get(0)))
        .isGreaterThan(Files.getLastModifiedTime(lib.resolve("pdu4j.jar")));

    // an archive the JVM refuses (here: not an archive at all) is skipped silently
    Files.write(made.get(0), new byte[4096]);
    Run refused = run(Map.of(), List.of(launcher.toString(), "status", uri, "--json"));
    assertThat(refused.exit()).as(refused.err()).isZero();
    assertThat(refused.err()).isEmpty();
    assertThat(new ObjectMapper().readTree(refused.out()).path("outlets")).hasSize(8);

    // and PDU4J_CDS=off runs without one, making none
    deleteArchives(lib);
    Run off = run(Map.of("PDU4J_CDS", "off"), List.of(launcher.toString(), "--version"));
    assertThat(off.exit()).as(off.err()).isZero();
    assertThat(archives(lib)).isEmpty();
  }

  private static List<Path> archives(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).sorted().toList();
    }
  }

  private static void deleteArchives(Path dir) throws IOException {
    for (Path f : archives(dir)) {
      Files.delete(f);
    }
  }

  @Test
  void manPageListsEverySubcommandOfTheHelp() throws Exception {
    Run help = run(Map.of(), List.of(home.resolve("bin/pdu4j").toString(), "--help"));
    assertThat(help.exit()).isZero();
    Set<String> commands = new LinkedHashSet<>();
    boolean in = false;
    for (String line : help.out().split("\n")) {
      if (line.startsWith("Commands:")) {
        in = true;
      } else if (in && line.isBlank()) {
        break;
      } else if (in) {
        Matcher m = Pattern.compile("^  ([a-z][a-z-]*)\\b").matcher(line);
        if (m.find()) {
          commands.add(m.group(1));
        }
      }
    }
    assertThat(commands).contains("status", "serve", "sim", "completion", "help");
    String page = Files.readString(home.resolve("man/man1/pdu4j.1"), StandardCharsets.UTF_8);
    Set<String> sections = new LinkedHashSet<>();
    Matcher ss = Pattern.compile("(?m)^\\.SS (\\S+)").matcher(page);
    while (ss.find()) {
      sections.add(ss.group(1).replace("\\-", "-").replace(",", ""));
    }
    assertThat(sections).containsExactlyInAnyOrderElementsOf(commands);
    assertThat(page).contains("pdu4j " + VERSION.replace("-", "\\-"));
  }

  @Test
  void systemdUnitVerifies() throws Exception {
    boolean present = run(Map.of(), List.of("sh", "-c", "command -v systemd-analyze")).exit() == 0;
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("systemd-analyze is missing (.ci/run installs the systemd package)");
    }
    assumeThat(present).as("systemd-analyze is not installed; the unit is not verified").isTrue();
    String unit = Files.readString(home.resolve("systemd/pdu4j.service"));
    for (String hardening :
        List.of(
            "DynamicUser=yes",
            "ProtectSystem=strict",
            "SupplementaryGroups=dialout",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "RestrictAddressFamilies=",
            "StateDirectory=pdu4j",
            "ConfigurationDirectory=pdu4j")) {
      assertThat(unit).contains("\n" + hardening);
    }
    assertThat(unit)
        .contains("ExecStart=/opt/pdu4j/bin/pdu4j serve --config /etc/pdu4j/devices.yaml");
    // the unit as installed, with ExecStart pointing at the unpacked launcher instead of /opt
    Path copy = tmp.resolve("unit/pdu4j.service");
    Files.createDirectories(copy.getParent());
    Files.writeString(
        copy, unit.replace("/opt/pdu4j/bin/pdu4j", home.resolve("bin/pdu4j").toString()));
    Run verify = run(Map.of(), List.of("systemd-analyze", "verify", "--man=no", copy.toString()));
    assertThat(verify.exit()).as(verify.err()).isZero();
    assertThat(verify.err()).as("systemd-analyze's complaints").isBlank();
  }

  @Test
  void jlinkedRuntimeOfTheDockerfileServesWithItsHealthCheck() throws Exception {
    Dockerfile docker = Dockerfile.read(ROOT.resolve("Dockerfile"));
    assertThat(docker.stages()).as("a multi-stage build").isGreaterThanOrEqualTo(3);
    assertThat(docker.last("USER")).as("USER of the image").doesNotMatch("^(0|root)(:.*)?$");
    assertThat(docker.last("ENTRYPOINT")).contains("\"serve\"");
    assertThat(docker.last("CMD")).contains("/etc/pdu4j/devices.yaml");
    assertThat(docker.all("EXPOSE")).anySatisfy(e -> assertThat(e).contains("9464"));
    String health = docker.last("HEALTHCHECK");
    assertThat(health).contains("/health").contains("CMD");
    assertThat(ROOT.resolve(".dockerignore")).content().contains("**/target");

    // the image's runtime: jlink of the Dockerfile's modules, from this JDK
    String modules = docker.arg("JLINK_MODULES");
    Path jre = tmp.resolve("jre");
    Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
    Run link =
        run(
            Map.of(),
            List.of(
                jlink.toString(),
                "--add-modules",
                modules,
                "--strip-debug",
                "--no-header-files",
                "--no-man-pages",
                "--output",
                jre.toString()));
    assertThat(link.exit()).as(link.err()).isZero();

    Path dir = tmp.resolve("serve");
    Files.createDirectories(dir);
    Path config = dir.resolve("devices.yaml");
    Files.writeString(
        config,
        """
        devices:
          rack:
            uri: "isotek:tcp://127.0.0.1:%d"
        metrics:
          prometheus:
            host: 127.0.0.1
            port: 0
        """
            .formatted(sim.port()));
    try (ServeProcess serve =
        ServeProcess.start(
            config,
            List.of(
                jre.resolve("bin/java").toString(),
                "-jar",
                home.resolve("lib/pdu4j.jar").toString()))) {
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(serve.health("rack").path("state").asText()).isEqualTo("CONNECTED"));
      String metrics = serve.metrics();
      assertThat(metrics)
          .contains("pdu4j_build_info{")
          .contains("version=\"" + VERSION + "\"")
          .contains("jvm_memory_used_bytes");
      // the HEALTHCHECK's own command, against this serve's port
      List<String> check = docker.execForm(health.substring(health.indexOf("CMD") + 3).strip());
      Run ok = run(Map.of("PDU4J_HEALTH_PORT", String.valueOf(serve.port())), check);
      assertThat(ok.exit()).as("health check: " + ok.err()).isZero();
      Run down = run(Map.of("PDU4J_HEALTH_PORT", String.valueOf(sim.port())), check);
      assertThat(down.exit()).as("the health check against a port that is not pdu4j").isNotZero();
    }
  }

  static Run run(Map<String, String> env, List<String> command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("pkg-out", ".txt");
    Path err = Files.createTempFile("pkg-err", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().remove("PDU4J_SERVER");
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("no exit within 60 s: " + command);
      }
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** The instructions of a Dockerfile, continuation lines joined. */
  record Dockerfile(List<String[]> instructions) {
    static Dockerfile read(Path file) throws IOException {
      List<String[]> list = new ArrayList<>();
      StringBuilder current = new StringBuilder();
      for (String line : Files.readAllLines(file)) {
        if (current.isEmpty() && (line.isBlank() || line.strip().startsWith("#"))) {
          continue;
        }
        if (line.endsWith("\\")) {
          current.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        current.append(line);
        String text = current.toString().strip();
        current.setLength(0);
        int space = text.indexOf(' ');
        list.add(new String[] {text.substring(0, space).toUpperCase(), text.substring(space + 1)});
      }
      return new Dockerfile(list);
    }

    long stages() {
      return all("FROM").size();
    }

    List<String> all(String instruction) {
      return instructions.stream().filter(i -> i[0].equals(instruction)).map(i -> i[1]).toList();
    }

    String last(String instruction) {
      List<String> all = all(instruction);
      assertThat(all).as(instruction).isNotEmpty();
      return all.get(all.size() - 1);
    }

    String arg(String name) {
      for (String a : all("ARG")) {
        if (a.startsWith(name + "=")) {
          return a.substring(name.length() + 1).strip();
        }
      }
      throw new AssertionError("no ARG " + name);
    }

    /** A JSON exec form, ["a", "b"], as its words (with Dockerfile's JSON escapes). */
    List<String> execForm(String json) throws IOException {
      JsonNode array = new ObjectMapper().readTree(json);
      List<String> words = new ArrayList<>();
      array.forEach(n -> words.add(n.asText()));
      return words;
    }
  }
}

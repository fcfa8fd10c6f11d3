package io.pdu4j.bench.fleet;

import io.pdu4j.bench.fleet.FleetResults.CliStart;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CLI's start, whole process: {@code java -jar pdu4j.jar status isotek:tcp://...} against a
 * simulator, repeated, median; beside {@code java -version}, and with {@code
 * -XX:TieredStopAtLevel=1} (C1 only) and with an AppCDS archive made by one run with {@code
 * -XX:ArchiveClassesAtExit} (then used with C1), to show what each would give; and as users start
 * it: the tarball's {@code bin/pdu4j} and the repository's {@code ./pdu4j} (with its up-to-date
 * check). A variant not asked for is NaN.
 */
final class CliStartBench {
  private CliStartBench() {}

  static CliStart measure(Path cliJar, int runs, Set<String> variants, Path work) throws Exception {
    Path dir = Files.createDirectories(work.resolve("cli"));
    try (IsoTekSimulator sim = IsoTekSimulator.builder().maxClients(64).build().start()) {
      List<String> command = List.of("status", "isotek:tcp://127.0.0.1:" + sim.port());
      List<String> status = new ArrayList<>(List.of("-jar", cliJar.toAbsolutePath().toString()));
      status.addAll(command);
      // the command lines of each variant, by name; a variant that cannot run is left out (NaN)
      Map<String, List<String>> lines = new LinkedHashMap<>();
      if (variants.contains("repo")) {
        // first: when the sources are newer than the jar, this run builds it (not counted), and
        // every variant below then runs the new jar
        List<String> repo = repository(cliJar, command);
        run(repo, dir);
        lines.put("repo", repo);
      }
      lines.put("version", java(List.of("-version")));
      lines.put("plain", java(status));
      if (variants.contains("c1")) {
        lines.put("c1", java(prepend(List.of("-XX:TieredStopAtLevel=1"), status)));
      }
      if (variants.contains("cds")) {
        Path archive = dir.resolve("pdu4j-status.jsa");
        Files.deleteIfExists(archive);
        run(java(prepend(List.of("-XX:ArchiveClassesAtExit=" + archive), status)), dir);
        if (Files.isRegularFile(archive)) {
          lines.put(
              "cds",
              java(
                  prepend(
                      List.of("-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"),
                      status)));
        }
      }
      if (variants.contains("launcher")) {
        List<String> launcher = launcher(cliJar, command, dir);
        run(launcher, dir); // makes the launcher's archive; not counted
        lines.put("launcher", launcher);
      }
      // round by round, every variant once a round: a change of the machine's load (other work on
      // it) then touches every variant alike, not the one measured at that time
      Map<String, double[]> seconds = new LinkedHashMap<>();
      lines.keySet().forEach(k -> seconds.put(k, new double[runs]));
      for (int i = 0; i < runs; i++) {
        for (Map.Entry<String, List<String>> e : lines.entrySet()) {
          seconds.get(e.getKey())[i] = run(e.getValue(), dir);
        }
      }
      return new CliStart(
          runs,
          median(seconds.get("version")),
          median(seconds.get("plain")),
          median(seconds.get("c1")),
          median(seconds.get("cds")),
          median(seconds.get("launcher")),
          median(seconds.get("repo")));
    }
  }

  private static List<String> java(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Child.javaBin("java"));
    cmd.addAll(args);
    return cmd;
  }

  private static List<String> prepend(List<String> options, List<String> args) {
    List<String> all = new ArrayList<>(options);
    all.addAll(args);
    return all;
  }

  /**
   * The command line of the tarball's launcher, unpacked from beside the jar, running {@code
   * command} with the JVM of the other variants.
   */
  private static List<String> launcher(Path cliJar, List<String> command, Path dir)
      throws Exception {
    Path tarball;
    try (var files = Files.list(cliJar.toAbsolutePath().getParent())) {
      tarball =
          files
              .filter(f -> f.getFileName().toString().matches("pdu4j-.+\\.tar\\.gz"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "no pdu4j-VERSION.tar.gz beside "
                              + cliJar
                              + " (build it: ./mvnw -pl cli -am package)"));
    }
    Path dist = dir.resolve("dist");
    if (Files.exists(dist)) {
      try (var walk = Files.walk(dist)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dist);
    run(List.of("tar", "-xzf", tarball.toString(), "-C", dist.toString()), dir);
    Path home;
    try (var files = Files.list(dist)) {
      home = files.findFirst().orElseThrow();
    }
    // the launcher runs $JAVA_HOME/bin/java: the same JVM as the other variants
    List<String> cmd = new ArrayList<>();
    cmd.add("env");
    cmd.add("JAVA_HOME=" + System.getProperty("java.home"));
    cmd.add(home.resolve("bin/pdu4j").toString());
    cmd.addAll(command);
    return cmd;
  }

  /**
   * The command line of the repository's {@code ./pdu4j} (the directory above {@code
   * cli/target/pdu4j.jar}'s module) running {@code command} with the JVM of the other variants.
   */
  private static List<String> repository(Path cliJar, List<String> command) {
    Path root = cliJar.toAbsolutePath().getParent().getParent().getParent();
    Path script = root.resolve("pdu4j");
    if (!Files.isExecutable(script)) {
      throw new IllegalStateException(
          "no ./pdu4j at " + script + " (the repo variant needs the jar at cli/target/pdu4j.jar)");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add("env");
    cmd.add("JAVA_HOME=" + System.getProperty("java.home"));
    cmd.add(script.toString());
    cmd.addAll(command);
    return cmd;
  }

  /** The median, or NaN for a variant not measured. */
  private static double median(double[] runs) {
    if (runs == null || runs.length == 0) {
      return Double.NaN;
    }
    double[] s = runs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** One whole run of {@code cmd} in seconds; fails when the command does. */
  private static double run(List<String> cmd, Path dir) throws Exception {
    Path log = dir.resolve("run.log");
    long start = System.nanoTime();
    Process p = Child.logged(cmd, log, dir);
    int exit = p.waitFor();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (exit != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " exited with " + exit + ": " + Files.readString(log));
    }
    return seconds;
  }
}

package io.pdu4j.bench.fleet;

import io.pdu4j.bench.fleet.FleetResults.CliStart;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The CLI's start, whole process: {@code java -jar pdu4j.jar status isotek:tcp://...} against a
 * simulator, repeated, median; beside {@code java -version}, and with {@code
 * -XX:TieredStopAtLevel=1} (C1 only) and with an AppCDS archive made by one run with {@code
 * -XX:ArchiveClassesAtExit} (then used with C1), to show what each would give. A variant not asked
 * for is NaN.
 */
final class CliStartBench {
  private CliStartBench() {}

  static CliStart measure(Path cliJar, int runs, Set<String> variants, Path work) throws Exception {
    Path dir = Files.createDirectories(work.resolve("cli"));
    try (IsoTekSimulator sim = IsoTekSimulator.builder().maxClients(64).build().start()) {
      List<String> status =
          List.of(
              "-jar",
              cliJar.toAbsolutePath().toString(),
              "status",
              "isotek:tcp://127.0.0.1:" + sim.port());
      double javaVersion = median(List.of("-version"), runs, dir);
      double plain = median(status, runs, dir);
      double withC1 = Double.NaN;
      if (variants.contains("c1")) {
        List<String> c1 = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
        c1.addAll(status);
        withC1 = median(c1, runs, dir);
      }
      double withCds = Double.NaN;
      if (variants.contains("cds")) {
        withCds = withCds(status, runs, dir);
      }
      double launcher = Double.NaN;
      if (variants.contains("launcher")) {
        launcher = launcher(cliJar, status.subList(2, status.size()), runs, dir);
      }
      return new CliStart(runs, javaVersion, plain, withC1, withCds, launcher);
    }
  }

  /** The median start with an AppCDS archive of one run's classes, and C1 only. */
  private static double withCds(List<String> status, int runs, Path dir) throws Exception {
    Path archive = dir.resolve("pdu4j-status.jsa");
    Files.deleteIfExists(archive);
    List<String> dump = new ArrayList<>(List.of("-XX:ArchiveClassesAtExit=" + archive));
    dump.addAll(status);
    time(dump, dir);
    if (!Files.isRegularFile(archive)) {
      return Double.NaN;
    }
    List<String> cds =
        new ArrayList<>(List.of("-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"));
    cds.addAll(status);
    return median(cds, runs, dir);
  }

  /**
   * The median start through the tarball's launcher, unpacked from beside the jar; the first run
   * (which makes the archive) is not counted.
   */
  private static double launcher(Path cliJar, List<String> command, int runs, Path dir)
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
    run(cmd, dir);
    double[] s = new double[runs];
    for (int i = 0; i < runs; i++) {
      s[i] = run(cmd, dir);
    }
    Arrays.sort(s);
    return runs % 2 == 1 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
  }

  private static double median(List<String> args, int runs, Path dir) throws Exception {
    double[] s = new double[runs];
    for (int i = 0; i < runs; i++) {
      s[i] = time(args, dir);
    }
    Arrays.sort(s);
    return runs % 2 == 1 ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
  }

  /** One whole run of {@code java args} in seconds; fails when the command does. */
  private static double time(List<String> args, Path dir) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Child.javaBin("java"));
    cmd.addAll(args);
    return run(cmd, dir);
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

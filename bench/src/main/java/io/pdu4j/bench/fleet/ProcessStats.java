package io.pdu4j.bench.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Readings of a process from Linux's {@code /proc}: CPU time ({@code stat}: utime + stime),
 * resident memory and threads ({@code status}), open files ({@code fd}) and the open file limit
 * ({@code limits}).
 */
final class ProcessStats {
  private static volatile long ticksPerSecond;

  private ProcessStats() {}

  /** CPU time the process used so far, user and system, in seconds. */
  static double cpuSeconds(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime: fields 14 and 15
    return ticks / (double) ticksPerSecond();
  }

  /** Resident set size in bytes ({@code VmRSS}). */
  static long rssBytes(long pid) {
    return statusField(pid, "VmRSS:") * 1024;
  }

  /** Threads of the process ({@code Threads}). */
  static int threads(long pid) {
    return (int) statusField(pid, "Threads:");
  }

  /** File descriptors the process holds open (the entries of {@code /proc/PID/fd}). */
  static int openFiles(long pid) {
    Path fd = Path.of("/proc", Long.toString(pid), "fd");
    try (Stream<Path> files = Files.list(fd)) {
      return (int) files.count();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + fd + " (is the process gone?)", e);
    }
  }

  /** The soft limit of open files of this process (children inherit it), -1 when unknown. */
  static long openFileLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
          return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static long statusField(long pid, String name) {
    for (String line : read(Path.of("/proc", Long.toString(pid), "status")).split("\n")) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + name + " in /proc/" + pid + "/status");
  }

  private static long ticksPerSecond() {
    if (ticksPerSecond == 0) {
      long t = 100;
      try {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
          t = Long.parseLong(out.trim());
        }
      } catch (IOException | NumberFormatException e) {
        // 100 is what Linux uses on every common architecture
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ticksPerSecond = t;
    }
    return ticksPerSecond;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + " (is the process gone?)", e);
    }
  }
}

package io.pdu4j.bench.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Readings of a process from Linux's {@code /proc}: CPU time ({@code task/TID/schedstat}, and
 * {@code stat}: utime + stime), resident memory and threads ({@code status}), open files ({@code
 * fd}) and the open file limit ({@code limits}).
 */
final class ProcessStats {
  private static volatile long ticksPerSecond;

  private ProcessStats() {}

  /**
   * CPU time the process used so far: per thread in nanoseconds from {@code
   * /proc/PID/task/TID/schedstat} where the kernel keeps it, and in clock ticks (10 ms on most
   * machines) from {@code stat} as well. Take the difference of two with {@link
   * CpuTime#secondsSince}: a process that idles may use less than a tick in a short window, and
   * ticks alone would then read zero.
   */
  static CpuTime cpu(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    // the command name (field 2) may hold spaces: count fields after its closing parenthesis
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long system = Long.parseLong(f[12]); // utime, stime: fields 14 and 15
    long ticks = Long.parseLong(f[11]) + system;
    Map<Long, Long> threads = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (Stream<Path> list = Files.list(tasks)) {
      list.forEach(
          t -> {
            try {
              String s = Files.readString(t.resolve("schedstat"), StandardCharsets.ISO_8859_1);
              long tid = Long.parseLong(t.getFileName().toString());
              threads.put(tid, Long.parseLong(s.substring(0, s.indexOf(' '))));
              names.put(
                  tid, Files.readString(t.resolve("comm"), StandardCharsets.ISO_8859_1).trim());
            } catch (IOException | RuntimeException e) {
              // the thread ended while listed, or the kernel keeps no schedstat
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + tasks + " (is the process gone?)", e);
    }
    double perSecond = ticksPerSecond();
    return new CpuTime(
        ticks / perSecond, system / perSecond, Map.copyOf(threads), Map.copyOf(names));
  }

  /**
   * CPU time of a process at one moment.
   *
   * @param tickSeconds user and system time from {@code stat}, whole ticks
   * @param systemTickSeconds the system time alone (in the kernel for the process: its system
   *     calls, and the network stack's work done on their behalf)
   * @param threadNanos time on CPU of each live thread, by thread id; empty without schedstat
   * @param threadNames the names of those threads ({@code comm}), by thread id
   */
  record CpuTime(
      double tickSeconds,
      double systemTickSeconds,
      Map<Long, Long> threadNanos,
      Map<Long, String> threadNames) {
    /**
     * CPU seconds used between {@code earlier} and this by the threads of each name (a number at
     * the end of a name left out, so that a pool's threads count together), the most first.
     */
    List<Map.Entry<String, Double>> byThreadSince(CpuTime earlier) {
      Map<String, Double> by = new HashMap<>();
      for (Map.Entry<Long, Long> t : threadNanos.entrySet()) {
        long used = nanosSince(t, earlier);
        String name = threadNames.getOrDefault(t.getKey(), "?").replaceAll("[-#]?[0-9]+$", "");
        by.merge(name, used / 1e9, Double::sum);
      }
      List<Map.Entry<String, Double>> sorted = new ArrayList<>(by.entrySet());
      sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
      return sorted;
    }

    /** The share of the ticks since {@code earlier} spent in the kernel, NaN without ticks. */
    double systemShareSince(CpuTime earlier) {
      double all = tickSeconds - earlier.tickSeconds;
      return all > 0 ? (systemTickSeconds - earlier.systemTickSeconds) / all : Double.NaN;
    }

    /**
     * CPU seconds used between {@code earlier} and this. With schedstat, the sum over the threads
     * alive now of what each used since (a thread that ended in between loses its share, a thread
     * born in between counts whole); without it, the difference in ticks.
     */
    double secondsSince(CpuTime earlier) {
      if (threadNanos.isEmpty()) {
        return tickSeconds - earlier.tickSeconds;
      }
      long nanos = 0;
      for (Map.Entry<Long, Long> t : threadNanos.entrySet()) {
        nanos += nanosSince(t, earlier);
      }
      return nanos / 1e9;
    }

    /**
     * What thread {@code t} (id and nanoseconds now) used since {@code earlier}; all if born since.
     */
    private static long nanosSince(Map.Entry<Long, Long> t, CpuTime earlier) {
      return Math.max(0, t.getValue() - earlier.threadNanos.getOrDefault(t.getKey(), 0L));
    }
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

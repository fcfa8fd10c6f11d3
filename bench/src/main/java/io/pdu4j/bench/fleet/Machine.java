package io.pdu4j.bench.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** What the figures were measured on: cores, CPU model, memory, JDK, and the load average. */
final class Machine {
  private Machine() {}

  /** E.g. {@code 2 cores (AMD EPYC 7B13), 23.4 GiB RAM, JDK 17.0.12 (Eclipse Adoptium)}. */
  static String describe() {
    String model = "unknown CPU";
    long memKib = 0;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          model = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          memKib = Long.parseLong(line.replaceAll("\\D+", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the rest still says something
    }
    return String.format(
        Locale.ROOT,
        "%d cores (%s), %.1f GiB RAM, JDK %s (%s)",
        Runtime.getRuntime().availableProcessors(),
        model,
        memKib / 1024.0 / 1024.0,
        System.getProperty("java.version"),
        System.getProperty("java.vendor"));
  }

  /** The 1, 5 and 15 minute load averages, as {@code uptime} shows them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}

package io.pdu4j.bench.fleet;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A process the benchmark started: its standard output read line by line on a thread of its own
 * (the last {@value #KEPT} lines kept), stopped by closing its standard input, then by a signal.
 */
final class Child implements AutoCloseable {
  private static final int KEPT = 200;

  private final String name;
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private long total; // lines read so far, guarded by lines

  private Child(String name, Process process) {
    this.name = name;
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  synchronized (lines) {
                    lines.add(line);
                    total++;
                    if (lines.size() > KEPT) {
                      lines.remove(0);
                    }
                    lines.notifyAll();
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "bench-" + name + "-out");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a Java main class of this benchmark's class path in a JVM of its own. */
  static Child java(String name, List<String> jvmOptions, String mainClass, List<String> args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin("java"));
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass);
    cmd.addAll(args);
    // errors join the output, so that a child's failure shows in the message that reports it
    return new Child(name, new ProcessBuilder(cmd).redirectErrorStream(true).start());
  }

  /** Starts a command whose standard output and error go to {@code log}. */
  static Process logged(List<String> cmd, Path log, Path dir) throws IOException {
    return new ProcessBuilder(cmd)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .start();
  }

  /** The path of a tool of the running JDK ({@code java}, {@code jcmd}). */
  static String javaBin(String tool) {
    return Path.of(System.getProperty("java.home"), "bin", tool).toString();
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /**
   * Waits for a line that {@code test} accepts; fails when the process ends first or at {@code
   * max}.
   */
  String await(Predicate<String> test, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    boolean ended = false;
    synchronized (lines) {
      while (true) {
        for (String line : lines) {
          if (test.test(line)) {
            return line;
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0 || ended) {
          throw new IllegalStateException(
              name
                  + (ended ? " ended" : " did not say so within " + max)
                  + "; its last lines: "
                  + lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        }
        ended = !process.isAlive(); // one more look at what it printed before it ended
        lines.wait(Math.min(200, Math.max(1, left / 1_000_000)));
      }
    }
  }

  /** Waits for the next line that starts with {@code prefix}, printed after this call. */
  String next(String prefix, Duration max) throws InterruptedException {
    long after;
    synchronized (lines) {
      after = total;
    }
    long end = System.nanoTime() + max.toNanos();
    synchronized (lines) {
      while (true) {
        long first = total - lines.size();
        for (int i = (int) Math.max(0, after - first); i < lines.size(); i++) {
          if (lines.get(i).startsWith(prefix)) {
            return lines.get(i);
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
          throw new IllegalStateException(
              name + " printed no new '" + prefix + "' line within " + max + " or ended");
        }
        lines.wait(Math.min(200, Math.max(1, left / 1_000_000)));
      }
    }
  }

  /** The last line that starts with {@code prefix}, or null. */
  String last(String prefix) {
    synchronized (lines) {
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).startsWith(prefix)) {
          return lines.get(i);
        }
      }
      return null;
    }
  }

  /** Waits for the process to end by itself. */
  int waitFor(Duration max) throws InterruptedException {
    if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " did not end within " + max);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    stop(process);
  }

  /** Ends {@code p}: asks, then forces after a few seconds. */
  static void stop(Process p) {
    try {
      if (!p.waitFor(3, TimeUnit.SECONDS)) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * In a child process: ends it when the parent closes its standard input (how {@link #stop} and a
   * parent that died stop it), read on a daemon thread of this name.
   */
  static void exitWhenStdinCloses(String threadName) {
    Thread stdin =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // nothing to read: the parent closes the stream to stop us
                }
              } catch (IOException e) {
                // the parent is gone
              }
              System.exit(0);
            },
            threadName);
    stdin.setDaemon(true);
    stdin.start();
  }
}

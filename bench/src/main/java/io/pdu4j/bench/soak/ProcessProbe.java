package io.pdu4j.bench.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the process holds at one moment: heap in use after a garbage collection, live threads (all,
 * and the runtime's own {@code pdu4j-} ones), open file descriptors.
 *
 * @param heapBytes heap in use after {@code System.gc()}, the lowest of a few readings
 * @param threads live threads of the JVM
 * @param runtimeThreads live threads whose name starts with {@code pdu4j-}
 * @param fds open file descriptors ({@code /proc/self/fd}), -1 when the system cannot tell
 */
public record ProcessProbe(long heapBytes, int threads, int runtimeThreads, long fds) {

  /** Takes the readings now; collects garbage first, so it takes a few hundred milliseconds. */
  static ProcessProbe now() throws InterruptedException {
    long heap = Long.MAX_VALUE;
    // System.gc() is a hint: the lowest of a few readings is the live set
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return new ProcessProbe(
        heap,
        ManagementFactory.getThreadMXBean().getThreadCount(),
        liveRuntimeThreads(),
        openFds());
  }

  /** Live threads named {@code pdu4j-...} (the runtime's I/O, close and serial threads). */
  static int liveRuntimeThreads() {
    return (int)
        Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .filter(t -> t.getName().startsWith("pdu4j-"))
            .count();
  }

  private static long openFds() {
    Path dir = Path.of("/proc/self/fd");
    if (Files.isDirectory(dir)) {
      try (Stream<Path> entries = Files.list(dir)) {
        return entries.count() - 1; // the listing's own descriptor
      } catch (IOException e) {
        // fall through to the bean
      }
    }
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getOpenFileDescriptorCount();
    }
    return -1;
  }
}

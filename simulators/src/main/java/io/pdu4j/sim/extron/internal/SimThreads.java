package io.pdu4j.sim.extron.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The threads of one simulator: daemons named {@code extron-sim-<telnetPort>-<name>}, each
 * forgotten when it ends (a long-running simulator holds only the threads that run), all joined on
 * close.
 *
 * <p>Thread-safe.
 */
public final class SimThreads {
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile int port;

  /** The Telnet port the names carry from now on (0 until it is bound). */
  public void namePort(int port) {
    this.port = port;
  }

  /** A new daemon thread, not yet started, that runs {@code body}. */
  public Thread thread(String name, Runnable body) {
    Thread[] self = new Thread[1];
    Runnable run =
        () -> {
          try {
            body.run();
          } finally {
            threads.remove(self[0]);
          }
        };
    Thread t = new Thread(run, "extron-sim-" + port + "-" + name);
    self[0] = t;
    t.setDaemon(true);
    threads.add(t);
    return t;
  }

  /**
   * Waits up to 2 s for each thread still running; returns early, the interrupt flag set, if
   * interrupted.
   */
  public void joinAll() {
    for (Thread t : threads) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

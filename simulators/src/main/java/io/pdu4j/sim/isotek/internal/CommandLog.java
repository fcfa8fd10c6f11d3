package io.pdu4j.sim.isotek.internal;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The command lines received, from every connection, bounded to the most recent ones.
 *
 * <p>Thread-safe.
 */
public final class CommandLog {

  private final int capacity;
  private final ArrayDeque<String> lines;
  private long total;

  /** Creates a log that keeps the last {@code capacity} lines. */
  public CommandLog(int capacity) {
    this.capacity = capacity;
    this.lines = new ArrayDeque<>(capacity);
  }

  /** Records one line. */
  public synchronized void add(String line) {
    if (lines.size() == capacity) {
      lines.removeFirst();
    }
    lines.addLast(line);
    total++;
  }

  /** The kept lines, oldest first. */
  public synchronized List<String> snapshot() {
    return List.copyOf(lines);
  }

  /** How many lines were ever recorded. */
  public synchronized long total() {
    return total;
  }
}

package io.pdu4j.cli;

import java.io.Writer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The serve log's latest lines (the server logs state changes with the reason a device is not
 * connected), kept to explain a failed step; bounded, thread-safe.
 */
final class RecentLines extends Writer {
  private final int max;
  private final Deque<String> lines = new ArrayDeque<>();
  private final StringBuilder current = new StringBuilder();

  RecentLines(int max) {
    this.max = max;
  }

  @Override
  public synchronized void write(char[] buf, int off, int len) {
    for (int i = off; i < off + len; i++) {
      char c = buf[i];
      if (c == '\n') {
        lines.addLast(current.toString().stripTrailing());
        current.setLength(0);
        if (lines.size() > max) {
          lines.removeFirst();
        }
      } else if (current.length() < 1000) {
        current.append(c);
      }
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  /** The complete lines kept, oldest first. */
  synchronized List<String> lines() {
    return List.copyOf(lines);
  }
}

package io.pdu4j.spi.support;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The first, byte-at-a-time {@link LineFramer}, kept as the reference its faster scan must agree
 * with on every input and every chunking.
 */
final class ReferenceLineFramer {
  private final int maxLength;
  private final List<String> prompts;
  private final int longestPrompt;
  private final StringBuilder line = new StringBuilder();
  private boolean afterCr;
  private boolean skipping;

  ReferenceLineFramer(int maxLength, List<String> prompts) {
    this.maxLength = maxLength;
    this.prompts = List.copyOf(prompts);
    this.longestPrompt = prompts.stream().mapToInt(String::length).max().orElse(0);
  }

  void feed(ByteBuffer chunk, LineFramer.Sink sink) {
    while (chunk.hasRemaining()) {
      char c = (char) (chunk.get() & 0xFF);
      if (c == '\n') {
        if (!afterCr) {
          endLine(sink);
        }
        afterCr = false;
        continue;
      }
      afterCr = false;
      if (c == '\r') {
        endLine(sink);
        afterCr = true;
        continue;
      }
      if (skipping) {
        continue;
      }
      if (line.length() >= maxLength) {
        String start = line.substring(0, Math.min(64, line.length()));
        line.setLength(0);
        skipping = true;
        sink.onOverlong(start);
        continue;
      }
      line.append(c);
      if (line.length() <= longestPrompt && prompts.contains(line.toString())) {
        String prompt = line.toString();
        line.setLength(0);
        sink.onFrame(prompt);
      }
    }
  }

  private void endLine(LineFramer.Sink sink) {
    if (skipping) {
      skipping = false;
      line.setLength(0);
      return;
    }
    if (line.length() > 0) {
      String frame = line.toString();
      line.setLength(0);
      sink.onFrame(frame);
    }
  }

  int buffered() {
    return line.length();
  }
}

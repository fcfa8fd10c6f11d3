package io.pdu4j.spi.support;

import io.pdu4j.api.InvalidArgumentException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cuts a byte stream into text lines: ended by LF, CR LF or a lone CR, with optional prompt tokens
 * that count as a whole frame without any line end (a {@code >} prompt usually has none).
 *
 * <p>Bounded: a line longer than {@code maxLength} bytes is reported to {@link
 * Sink#onOverlong(String)} and the rest of it is skipped up to the next line end; nothing is
 * buffered beyond the bound. Bytes are decoded as ISO-8859-1, one char per byte, so decoding never
 * fails. Empty lines are dropped. A prompt token is recognised only as the whole content of a line
 * so far; a real line must therefore not start with a prompt token.
 *
 * <p>Not thread-safe: feed it from the link's thread.
 */
public final class LineFramer {

  /** Receives what the framer cuts. */
  public interface Sink {
    /** A complete line without its line end, or a prompt token. */
    void onFrame(String frame);

    /**
     * A complete line without its line end, as the bytes it came in: ISO-8859-1 text in {@code
     * bytes[from, from + length)}, at least one byte. The bytes are the framer's or the chunk's and
     * are valid only during the call: a sink that keeps the line makes its own copy. By default the
     * line is decoded and passed to {@link #onFrame(String)}; a sink that can read its lines in
     * place overrides this and saves a string per line. Prompt tokens always come to {@link
     * #onFrame(String)}.
     */
    default void onFrame(byte[] bytes, int from, int length) {
      onFrame(new String(bytes, from, length, StandardCharsets.ISO_8859_1));
    }

    /**
     * A line exceeded the bound and was dropped.
     *
     * @param start the first bytes of the dropped line (at most 64), for diagnostics
     */
    void onOverlong(String start);

    /** A sink from two functions: one for frames, one for the starts of dropped lines. */
    static Sink of(
        java.util.function.Consumer<String> frames, java.util.function.Consumer<String> overlong) {
      java.util.Objects.requireNonNull(frames, "frames");
      java.util.Objects.requireNonNull(overlong, "overlong");
      return new Sink() {
        @Override
        public void onFrame(String frame) {
          frames.accept(frame);
        }

        @Override
        public void onOverlong(String start) {
          overlong.accept(start);
        }
      };
    }
  }

  /** Chunks of at most this many bytes (a slow serial line's) are framed a byte at a time. */
  private static final int FEW = 8;

  /** Direct and read-only buffers are copied through this many bytes at a time. */
  private static final int SCRATCH = 512;

  /**
   * The thread's scratch array for such buffers, shared by every framer fed on the thread (an event
   * loop feeds thousands of devices' framers, each read a direct buffer): marked in use while a
   * framer scans it, so a framer fed from another's sink on the same thread makes its own.
   */
  private static final ThreadLocal<Scratch> SHARED_SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** The partial line's first size: a line ended in the chunk it began in is never copied. */
  private static final int FIRST_LINE_BUFFER = 64;

  private final int maxLength;
  private final String[] prompts; // ISO-8859-1 prompts only, shortest first; shared, never written
  private final byte[][] promptBytes; // the same, as bytes
  private final int longestPrompt;

  /**
   * A list of prompts as a framer reads them, made once for every framer given an equal list (a
   * driver gives each of its thousands of devices' framers the same one): the arrays a framer reads
   * at every line's start are then one set, in the cache, not a set a device.
   */
  private static final class Prompts {
    private static final int CACHED_LISTS = 64; // beyond: made for each framer, not kept
    private static final Map<List<String>, Prompts> CACHE = new ConcurrentHashMap<>();

    final String[] texts;
    final byte[][] bytes;
    final int longest;

    private Prompts(List<String> prompts) {
      // a prompt with a char beyond ISO-8859-1 can never be the text of decoded bytes
      this.texts =
          prompts.stream()
              .filter(p -> p.chars().allMatch(c -> c <= 0xFF))
              .distinct()
              .sorted(Comparator.comparingInt(String::length))
              .toArray(String[]::new);
      this.bytes = new byte[texts.length][];
      for (int i = 0; i < texts.length; i++) {
        bytes[i] = texts[i].getBytes(StandardCharsets.ISO_8859_1);
      }
      this.longest = texts.length == 0 ? 0 : bytes[texts.length - 1].length;
    }

    static Prompts of(List<String> prompts) {
      Prompts known = CACHE.get(prompts);
      if (known != null) {
        return known;
      }
      List<String> key = List.copyOf(prompts); // the caller's list may change later
      Prompts made = new Prompts(key);
      if (CACHE.size() >= CACHED_LISTS) {
        return made;
      }
      Prompts raced = CACHE.putIfAbsent(key, made);
      return raced != null ? raced : made;
    }
  }

  private byte[] line; // the partial line: grows up to maxLength
  private int length;
  private boolean afterCr;
  private boolean skipping;

  /**
   * A framer.
   *
   * @param maxLength the longest line in bytes, 1 or more
   * @param prompts tokens that form a frame on their own, without a line end
   */
  public LineFramer(int maxLength, List<String> prompts) {
    if (maxLength < 1) {
      throw new InvalidArgumentException("maxLength must be 1 or more, got " + maxLength);
    }
    for (String p : prompts) {
      if (p.isEmpty() || p.indexOf('\r') >= 0 || p.indexOf('\n') >= 0) {
        throw new InvalidArgumentException("a prompt must be non-empty text without line ends");
      }
    }
    Prompts shared = Prompts.of(prompts);
    this.prompts = shared.texts;
    this.promptBytes = shared.bytes;
    this.longestPrompt = shared.longest;
    this.maxLength = maxLength;
    this.line = new byte[Math.min(maxLength, FIRST_LINE_BUFFER)];
  }

  /** Feeds a chunk; frames go to {@code sink} before this returns. Consumes the buffer. */
  public void feed(ByteBuffer chunk, Sink sink) {
    if (chunk.remaining() <= FEW) {
      while (chunk.hasRemaining()) {
        feedByte(chunk.get(), sink);
      }
    } else if (chunk.hasArray()) {
      int from = chunk.arrayOffset() + chunk.position();
      int to = from + chunk.remaining();
      chunk.position(chunk.limit());
      scan(chunk.array(), from, to, sink);
    } else {
      feedCopied(chunk, sink);
    }
  }

  private void feedCopied(ByteBuffer chunk, Sink sink) {
    Scratch shared = SHARED_SCRATCH.get();
    if (shared.inUse) { // fed from another framer's sink while that one scans
      copyThrough(chunk, new byte[SCRATCH], sink);
      return;
    }
    shared.inUse = true;
    try {
      copyThrough(chunk, shared.bytes, sink);
    } finally {
      shared.inUse = false;
    }
  }

  private void copyThrough(ByteBuffer chunk, byte[] scratch, Sink sink) {
    while (chunk.hasRemaining()) {
      int n = Math.min(SCRATCH, chunk.remaining());
      chunk.get(scratch, 0, n);
      scan(scratch, 0, n, sink);
    }
  }

  /** A thread's scratch array, and whether a framer scans it now. */
  private static final class Scratch {
    final byte[] bytes = new byte[SCRATCH];
    boolean inUse;
  }

  /**
   * Frames {@code bytes[from, to)}. A line that starts and ends in it becomes its frame straight
   * from the bytes; only a line cut by the end of a chunk is kept in {@link #line}. Prompts are
   * recognised only while the line so far is no longer than the longest prompt, as if bytes came
   * one at a time.
   */
  private void scan(byte[] bytes, int from, int to, Sink sink) {
    int i = from;
    while (i < to) {
      byte b = bytes[i];
      if (b == '\n') {
        if (!afterCr) {
          endLine(sink);
        }
        afterCr = false;
        i++;
        continue;
      }
      if (b == '\r') {
        endLine(sink);
        afterCr = true;
        i++;
        continue;
      }
      afterCr = false;
      if (skipping) {
        i = lineEnd(bytes, i, to);
      } else if (length == 0) {
        i = startLine(bytes, i, lineEnd(bytes, i, to), to, sink);
      } else if (length < longestPrompt) {
        i = continuePrompt(bytes[i], i, sink);
      } else {
        i = continueLine(bytes, i, lineEnd(bytes, i, to), sink);
      }
    }
  }

  /** The index of the first CR or LF in {@code bytes[from, to)}, or {@code to}. */
  private static int lineEnd(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b == '\n' || b == '\r') {
        return i;
      }
    }
    return to;
  }

  /** A line starts at {@code i}, its text runs to {@code end}; returns where to go on. */
  private int startLine(byte[] bytes, int i, int end, int to, Sink sink) {
    int n = end - i;
    for (int p = 0; p < promptBytes.length; p++) {
      byte[] prompt = promptBytes[p];
      if (prompt.length <= n && prompt.length <= maxLength && startsWith(bytes, i, prompt)) {
        sink.onFrame(prompts[p]);
        return i + prompt.length;
      }
    }
    if (n > maxLength) {
      overlong(bytes, i, sink);
      return end;
    }
    if (end < to) {
      sink.onFrame(bytes, i, n);
      return end;
    }
    append(bytes, i, n);
    return end;
  }

  /** One byte as it came: what {@link #scan} does, without looking ahead. */
  private void feedByte(byte b, Sink sink) {
    if (b == '\n') {
      if (!afterCr) {
        endLine(sink);
      }
      afterCr = false;
      return;
    }
    afterCr = false;
    if (b == '\r') {
      endLine(sink);
      afterCr = true;
      return;
    }
    if (!skipping) {
      addByte(b, sink);
    }
  }

  /** One more byte of a line that may still become a prompt. */
  private int continuePrompt(byte b, int i, Sink sink) {
    addByte(b, sink);
    return i + 1;
  }

  /** Adds a byte of text to the line; it may make the line over-long, or a prompt. */
  private void addByte(byte b, Sink sink) {
    if (length >= maxLength) {
      overlong(null, 0, sink);
      return;
    }
    append(b);
    if (length > longestPrompt) {
      return;
    }
    for (int p = 0; p < promptBytes.length; p++) {
      byte[] prompt = promptBytes[p];
      if (prompt.length == length && startsWith(line, 0, prompt)) {
        length = 0;
        sink.onFrame(prompts[p]);
        return;
      }
    }
  }

  /** More text of a line already begun, past any prompt. */
  private int continueLine(byte[] bytes, int i, int end, Sink sink) {
    int n = end - i;
    if (length + n > maxLength) {
      overlong(bytes, i, sink);
      return end;
    }
    append(bytes, i, n);
    return end;
  }

  /**
   * Reports the line made of {@link #line} and then {@code bytes} from {@code i} as over-long and
   * skips the rest of it; the line holds more than {@code maxLength} bytes, so its start is there.
   */
  private void overlong(byte[] bytes, int i, Sink sink) {
    int want = Math.min(64, maxLength);
    char[] start = new char[want];
    for (int k = 0; k < want; k++) {
      start[k] = (char) ((k < length ? line[k] : bytes[i + k - length]) & 0xFF);
    }
    length = 0;
    skipping = true;
    sink.onOverlong(new String(start));
  }

  /** Whether {@code bytes} hold {@code prompt} from {@code i}; prompts are a few bytes long. */
  private static boolean startsWith(byte[] bytes, int i, byte[] prompt) {
    for (int k = 0; k < prompt.length; k++) {
      if (bytes[i + k] != prompt[k]) {
        return false;
      }
    }
    return true;
  }

  private void append(byte b) {
    if (length == line.length) {
      line = Arrays.copyOf(line, Math.min(maxLength, 2 * line.length));
    }
    line[length++] = b;
  }

  private void append(byte[] bytes, int i, int n) {
    if (length + n > line.length) {
      line = Arrays.copyOf(line, Math.min(maxLength, Math.max(length + n, 2 * line.length)));
    }
    if (n < 16) { // a slow link's few bytes: cheaper than a call to arraycopy
      for (int k = 0; k < n; k++) {
        line[length + k] = bytes[i + k];
      }
    } else {
      System.arraycopy(bytes, i, line, length, n);
    }
    length += n;
  }

  private void endLine(Sink sink) {
    if (skipping) {
      skipping = false;
      length = 0;
      return;
    }
    if (length > 0) {
      int n = length;
      length = 0;
      sink.onFrame(line, 0, n);
    }
  }

  /** Forgets any partial line, e.g. after the link went down. */
  public void reset() {
    length = 0;
    afterCr = false;
    skipping = false;
  }

  /** Bytes of the current partial line. */
  public int buffered() {
    return length;
  }
}

package io.pdu4j.driver.extron.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the IPCP's answers out of the bytes received on its Telnet session: a one-line answer to a
 * SIS command (ended by CR LF), or the reply to a send-data-string (ended by the delimiter, with
 * the CR LF the IPCP may append, after the IPCP's own lead: the reply prefix, then an echo of the
 * data), or an {@code Enn} error in their place.
 *
 * <p>No timers, I/O or threads: the caller feeds the bytes as they come and tells which answer it
 * awaits. A reply without a delimiter ({@code 0L}) is ended by quiet on the wire, which only the
 * caller can see: {@link #endsIfQuiet()} says when quiet would end it, {@link #quiet()} ends it. At
 * most {@code max} bytes are kept: more without an end are dropped and reported as an over-long
 * reply that ends the wait (so that its request fails at once rather than timing out), and the rest
 * of that reply, through the next LF, is dropped as it comes, even after the next request.
 *
 * <p>Not thread-safe: {@code ExtronTunnelLink} uses one on its executor.
 */
final class SisReplyReader {
  /** What the reader awaits. */
  enum Mode {
    /** Nothing: bytes fed are ignored. */
    NONE,
    /** A one-line answer to a SIS command. */
    LINE,
    /** The reply to a send-data-string. */
    DATA
  }

  /**
   * A reply: the device's data (or the command's answer, without CR LF), or the IPCP's error, or
   * (when {@code overlong}) the start of a reply dropped as over the bound, which fails its
   * request.
   */
  record Reply(byte[] data, SisCodec.SisError error, boolean overlong) {
    Reply(byte[] data, SisCodec.SisError error) {
      this(data, error, false);
    }

    @Override
    public String toString() {
      return error != null
          ? error.describe()
          : (overlong ? "over-long, starting " : "")
              + new String(data, StandardCharsets.ISO_8859_1)
                  .replace("\r", "\\r")
                  .replace("\n", "\\n");
    }
  }

  /**
   * What one {@link #feed} found.
   *
   * @param reply the complete reply, if one ended (the reader then awaits nothing)
   * @param consumed how many of the bytes kept (after the lead was dropped) the reply used; the
   *     rest stay kept
   * @param dropped when the bytes kept went over the bound without an end: an {@linkplain
   *     Reply#overlong() over-long} reply holding their start (the reader then awaits nothing),
   *     else null
   */
  record Read(Optional<Reply> reply, int consumed, Reply dropped) {
    static final Read NOTHING = new Read(Optional.empty(), 0, null);

    /** Whether the bytes kept went over the bound and were dropped. */
    boolean overlong() {
      return dropped != null;
    }
  }

  /** How much of a dropped reply is kept to show in the error. */
  static final int DROPPED_START = 40;

  /** A complete reply and how many kept bytes it used. */
  private record ReplySplit(Reply reply, int consumed) {}

  private final OptionalInt delimiter;
  private final boolean crlfAppended;
  private final byte[] configuredPrefix;
  private final int max;

  private Mode mode = Mode.NONE;
  private byte[] echo; // the request's data, while an echo of it may still lead the reply
  private byte[] prefix; // the reply prefix, while it may still lead the reply
  private final ByteArrayOutputStream rx = new ByteArrayOutputStream();
  // after a reply dropped as over-long: its rest, through its line end, is dropped too
  private boolean skipping;

  /**
   * @param delimiter the reply's last byte ({@code nD}), or empty for {@code 0L}
   * @param crlfAppended whether the IPCP appends CR LF to each reply
   * @param prefix the reply prefix the IPCP puts before each reply, empty for none
   * @param max the most bytes kept while no answer has ended
   */
  SisReplyReader(OptionalInt delimiter, boolean crlfAppended, byte[] prefix, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max " + max);
    }
    this.delimiter = delimiter;
    this.crlfAppended = crlfAppended;
    this.configuredPrefix = prefix.clone();
    this.max = max;
  }

  /** What the reader awaits. */
  Mode mode() {
    return mode;
  }

  /** How many bytes are kept. */
  int buffered() {
    return rx.size();
  }

  /** Awaits a one-line answer to a SIS command. */
  void expectLine() {
    mode = Mode.LINE;
  }

  /** Awaits the reply to a send-data-string of {@code data}, which the IPCP may echo. */
  void expectData(byte[] data) {
    mode = Mode.DATA;
    echo = data;
    prefix = configuredPrefix.length == 0 ? null : configuredPrefix;
  }

  /** Awaits nothing (the bytes kept stay), and drops no rest of an over-long reply any more. */
  void idle() {
    mode = Mode.NONE;
    skipping = false;
  }

  /**
   * Forgets the bytes kept (what came before a request is not its reply). The rest of a reply
   * dropped as over-long is still dropped when it comes, up to its line end.
   */
  void clear() {
    rx.reset();
  }

  /** Whether bytes are being dropped up to the line end of a reply dropped as over-long. */
  boolean skipping() {
    return skipping;
  }

  /**
   * Takes the next bytes received. Ignored while awaiting nothing; otherwise kept, and the awaited
   * answer returned once complete.
   */
  Read feed(byte[] b) {
    int from = 0;
    if (skipping) {
      int lf = indexOf(b, (byte) '\n');
      if (lf < 0) {
        return Read.NOTHING;
      }
      skipping = false;
      from = lf + 1;
    }
    if (mode == Mode.NONE) {
      return Read.NOTHING;
    }
    rx.write(b, from, b.length - from);
    if (rx.size() > max) {
      // the awaited answer is lost: it ends now, as a failure, instead of never
      byte[] all = rx.toByteArray();
      rx.reset();
      mode = Mode.NONE;
      prefix = null;
      echo = null;
      skipping = all[all.length - 1] != '\n';
      byte[] start = Arrays.copyOf(all, Math.min(all.length, DROPPED_START));
      return new Read(Optional.empty(), 0, new Reply(start, null, true));
    }
    byte[] buf = rx.toByteArray();
    if (mode == Mode.DATA) {
      // the IPCP's own lead (a prefix, then an echo of the data) is not part of the device's reply
      if (prefix != null) {
        SisCodec.Lead p = SisCodec.lead(buf, 0, prefix);
        if (p == SisCodec.Lead.PARTIAL) {
          return Read.NOTHING;
        }
        buf = p == SisCodec.Lead.FOUND ? dropLead(buf, prefix.length) : buf;
        prefix = null;
      }
      if (echo != null) {
        SisCodec.Lead e = SisCodec.lead(buf, 0, echo);
        if (e == SisCodec.Lead.PARTIAL) {
          return Read.NOTHING;
        }
        buf = e == SisCodec.Lead.FOUND ? dropLead(buf, echo.length) : buf;
        echo = null;
      }
    }
    Optional<ReplySplit> split = mode == Mode.LINE ? splitLine(buf) : splitData(buf);
    if (split.isEmpty()) {
      return Read.NOTHING;
    }
    return deliver(buf, split.get());
  }

  /**
   * Whether quiet on the wire would now end a {@code 0L} reply: a CR LF (or, without appended CR
   * LF, any byte) has come after the lead.
   */
  boolean endsIfQuiet() {
    if (mode != Mode.DATA || delimiter.isPresent() || prefix != null || echo != null) {
      return false;
    }
    byte[] b = rx.toByteArray();
    if (!crlfAppended) {
      return b.length > 0;
    }
    return b.length >= 2 && b[b.length - 2] == '\r' && b[b.length - 1] == '\n';
  }

  /**
   * Ends the awaited send-data-string reply with all bytes kept (without the appended CR LF), as
   * quiet on the wire does for {@code 0L}; empty when no such reply is awaited.
   */
  Optional<Reply> quiet() {
    if (mode != Mode.DATA) {
      return Optional.empty();
    }
    byte[] all = rx.toByteArray();
    int end = crlfAppended ? all.length - 2 : all.length;
    return deliver(all, new ReplySplit(replyOrError(all, end), all.length)).reply();
  }

  private byte[] dropLead(byte[] buf, int n) {
    rx.reset();
    rx.write(buf, n, buf.length - n);
    return rx.toByteArray();
  }

  private Read deliver(byte[] buf, ReplySplit split) {
    rx.reset();
    rx.write(buf, split.consumed(), buf.length - split.consumed());
    mode = Mode.NONE;
    return new Read(Optional.of(split.reply()), split.consumed(), null);
  }

  /** The first {@code end} bytes as a reply, or the IPCP's error when they are just an Enn. */
  private static Reply replyOrError(byte[] b, int end) {
    Optional<SisCodec.SisError> error =
        end == 3
            ? SisCodec.parseError(new String(b, 0, 3, StandardCharsets.ISO_8859_1))
            : Optional.empty();
    return error.isPresent()
        ? new Reply(new byte[0], error.get())
        : new Reply(Arrays.copyOf(b, Math.max(end, 0)), null);
  }

  private static int indexOf(byte[] b, byte c) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Where the first CR LF at or after {@code from} starts, or -1. */
  static int crlf(byte[] b, int from) {
    for (int i = from; i + 1 < b.length; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static Optional<ReplySplit> splitLine(byte[] b) {
    int end = crlf(b, 0);
    if (end < 0) {
      return Optional.empty();
    }
    String line = new String(b, 0, end, StandardCharsets.ISO_8859_1);
    return Optional.of(
        new ReplySplit(
            new Reply(Arrays.copyOf(b, end), SisCodec.parseError(line).orElse(null)), end + 2));
  }

  private Optional<ReplySplit> splitData(byte[] b) {
    if (delimiter.isEmpty()) {
      return Optional.empty(); // 0L: even an empty reply is ended by quiet, see quiet()
    }
    int first = crlf(b, 0);
    if (first == 0 && crlfAppended) {
      return Optional.of(new ReplySplit(new Reply(new byte[0], null), 2)); // nothing came back
    }
    if (first == 3) {
      Optional<SisCodec.SisError> error =
          SisCodec.parseError(new String(b, 0, 3, StandardCharsets.ISO_8859_1));
      if (error.isPresent()) {
        return Optional.of(new ReplySplit(new Reply(new byte[0], error.get()), 5));
      }
    }
    int d = delimiter.getAsInt();
    for (int i = 0; i < b.length; i++) {
      if ((b[i] & 0xff) == d) {
        if (!crlfAppended) {
          return Optional.of(new ReplySplit(new Reply(Arrays.copyOf(b, i + 1), null), i + 1));
        }
        if (i + 2 >= b.length) {
          return Optional.empty(); // wait for the CR LF the IPCP appends
        }
        int used = b[i + 1] == '\r' && b[i + 2] == '\n' ? i + 3 : i + 1;
        return Optional.of(new ReplySplit(new Reply(Arrays.copyOf(b, i + 1), null), used));
      }
    }
    return Optional.empty();
  }
}

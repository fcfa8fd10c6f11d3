package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads one HTTP/1.x response from the bytes received so far: the status line, the headers, and a
 * body framed by {@code Content-Length}, by {@code Transfer-Encoding: chunked}, or by the closing
 * of the connection (neither header).
 *
 * <p>Pure: no I/O, no state. Bounded: a response (head and body) larger than {@code max} bytes is
 * refused. A response that breaks the format is a {@link ProtocolException} naming what is wrong;
 * nothing else is thrown.
 */
final class HttpResponseReader {

  /**
   * A complete response.
   *
   * @param status the status code, 100..999
   * @param body the body, de-chunked
   * @param consumed how many of the given bytes it took
   */
  record Response(int status, byte[] body, int consumed) {
    @Override
    public String toString() {
      return status + " " + new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  private HttpResponseReader() {}

  /**
   * Reads the response at the start of {@code b}.
   *
   * @param b the bytes received so far
   * @param closed whether the connection has closed after them (ends a body without a length)
   * @param max the largest response accepted, in bytes
   * @return the response, or empty when more bytes are needed
   * @throws ProtocolException when the bytes are not an HTTP response or exceed {@code max}
   */
  static Optional<Response> read(byte[] b, boolean closed, int max) {
    int headEnd = indexOf(b, 0, Math.min(b.length, max));
    if (headEnd < 0) {
      if (b.length > max) {
        throw malformed("no end of the response head within " + max + " bytes", b);
      }
      return Optional.empty();
    }
    String[] lines = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n", -1);
    int status = status(lines[0], b);
    long length = -1;
    boolean chunked = false;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw malformed("a header line without a name", b);
      }
      String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        long l = number(value, 10, b);
        if (length >= 0 && l != length) {
          throw malformed("two different Content-Length headers", b);
        }
        length = l;
      } else if (name.equals("transfer-encoding")) {
        if (!value.equalsIgnoreCase("chunked")) {
          throw malformed(
              "unsupported Transfer-Encoding " + PowerDeviceException.printable(cut(value)), b);
        }
        chunked = true;
      }
    }
    int bodyStart = headEnd + 4;
    if (status < 200 || status == 204 || status == 304) {
      return Optional.of(new Response(status, new byte[0], bodyStart));
    }
    if (chunked) {
      return chunked(b, bodyStart, status, max);
    }
    if (length >= 0) {
      if (bodyStart + length > max) {
        throw malformed("a body of " + length + " bytes is over the limit", b);
      }
      if (b.length < bodyStart + length) {
        return Optional.empty();
      }
      int end = (int) (bodyStart + length);
      return Optional.of(new Response(status, Arrays.copyOfRange(b, bodyStart, end), end));
    }
    // neither header: the body runs to the close of the connection
    if (b.length > max) {
      throw malformed("a body without a length is over the limit", b);
    }
    if (!closed) {
      return Optional.empty();
    }
    return Optional.of(new Response(status, Arrays.copyOfRange(b, bodyStart, b.length), b.length));
  }

  private static Optional<Response> chunked(byte[] b, int from, int status, int max) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int at = from;
    while (true) {
      int lineEnd = SisReplyReader.crlf(b, at);
      if (lineEnd < 0) {
        if (b.length - at > 32) {
          throw malformed("a chunk size line longer than 32 bytes", b);
        }
        return Optional.empty();
      }
      String sizeLine = new String(b, at, lineEnd - at, StandardCharsets.ISO_8859_1);
      int semi = sizeLine.indexOf(';');
      long size = number((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16, b);
      at = lineEnd + 2;
      if (size == 0) {
        // trailers, then an empty line
        while (true) {
          int end = SisReplyReader.crlf(b, at);
          if (end < 0) {
            if (b.length > max) {
              throw malformed("trailers over the limit", b);
            }
            return Optional.empty();
          }
          boolean empty = end == at;
          at = end + 2;
          if (empty) {
            return Optional.of(new Response(status, body.toByteArray(), at));
          }
        }
      }
      if (at + size + 2 > max) {
        throw malformed("a chunked body over the limit", b);
      }
      if (b.length < at + size + 2) {
        return Optional.empty();
      }
      int dataEnd = (int) (at + size);
      if (b[dataEnd] != '\r' || b[dataEnd + 1] != '\n') {
        throw malformed("a chunk not followed by CR LF", b);
      }
      body.write(b, at, (int) size);
      at = dataEnd + 2;
    }
  }

  private static int status(String line, byte[] b) {
    String[] parts = line.split(" ", 3);
    if (parts.length < 2
        || !parts[0].startsWith("HTTP/1.")
        || parts[1].length() != 3
        || !parts[1].chars().allMatch(c -> c >= '0' && c <= '9')
        || parts[1].charAt(0) == '0') {
      throw malformed("not an HTTP/1.x status line", b);
    }
    return Integer.parseInt(parts[1]);
  }

  /** A non-negative number of at most 9 digits in the radix, or a ProtocolException. */
  private static long number(String text, int radix, byte[] b) {
    if (text.isEmpty() || text.length() > 9 || Character.digit(text.charAt(0), radix) < 0) {
      throw malformed("a bad length '" + PowerDeviceException.printable(cut(text)) + "'", b);
    }
    try {
      return Long.parseLong(text, radix);
    } catch (NumberFormatException e) {
      throw malformed("a bad length '" + PowerDeviceException.printable(cut(text)) + "'", b);
    }
  }

  private static String cut(String text) {
    return text.length() > 20 ? text.substring(0, 20) + "..." : text;
  }

  private static int indexOf(byte[] b, int from, int to) {
    for (int i = from; i + 3 < to; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static ProtocolException malformed(String why, byte[] b) {
    String start = new String(b, 0, Math.min(b.length, 40), StandardCharsets.ISO_8859_1);
    return new ProtocolException(
        "malformed HTTP response from the IPCP ("
            + why
            + "): "
            + PowerDeviceException.printable(start));
  }
}

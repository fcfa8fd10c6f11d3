package io.pdu4j.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A body compressed as it is read, in the gzip format (RFC 1952) at the fastest level: what a
 * streamed route sends to a client that accepts {@code gzip}. Holds one deflater and one input
 * buffer, whatever the size of the body.
 */
final class GzipBody extends InputStream {
  // magic, deflate, no flags, no time, no extra flags, unknown OS
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final InputStream source;
  private final Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
  private final CRC32 crc = new CRC32();
  private final byte[] input = new byte[32 * 1024];
  private final byte[] trailer = new byte[8];
  private int headerSent;
  private int trailerSent = -1; // -1: the deflated body is not finished
  private long size;
  private boolean closed;

  GzipBody(InputStream source) {
    this.source = source;
  }

  /**
   * Whether {@code acceptEncoding} (the values of the request's {@code Accept-Encoding} headers)
   * allows gzip: named, or {@code *}, with a quality above 0.
   */
  static boolean accepted(List<String> acceptEncoding) {
    for (String value : acceptEncoding) {
      for (String coding : value.split(",")) {
        String[] parts = coding.split(";");
        String name = parts[0].trim().toLowerCase(Locale.ROOT);
        if (!name.equals("gzip") && !name.equals("x-gzip") && !name.equals("*")) {
          continue;
        }
        double q = 1;
        for (int i = 1; i < parts.length; i++) {
          String p = parts[i].trim().toLowerCase(Locale.ROOT);
          if (p.startsWith("q=")) {
            try {
              q = Double.parseDouble(p.substring(2).trim());
            } catch (NumberFormatException e) {
              q = 0; // an unreadable quality allows nothing
            }
          }
        }
        if (q > 0) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("closed");
    }
    if (len == 0) {
      return 0;
    }
    if (headerSent < HEADER.length) {
      int n = Math.min(len, HEADER.length - headerSent);
      System.arraycopy(HEADER, headerSent, b, off, n);
      headerSent += n;
      return n;
    }
    while (trailerSent < 0) {
      int n = deflater.deflate(b, off, len);
      if (n > 0) {
        return n;
      }
      if (deflater.finished()) {
        int crcValue = (int) crc.getValue();
        int sizeValue = (int) size; // the size modulo 2^32, as the format has it
        for (int i = 0; i < 4; i++) {
          trailer[i] = (byte) (crcValue >>> (8 * i));
          trailer[4 + i] = (byte) (sizeValue >>> (8 * i));
        }
        trailerSent = 0;
      } else if (deflater.needsInput()) {
        int r = source.read(input);
        if (r < 0) {
          deflater.finish();
        } else if (r > 0) {
          crc.update(input, 0, r);
          size += r;
          deflater.setInput(input, 0, r);
        }
      }
    }
    if (trailerSent == trailer.length) {
      return -1;
    }
    int n = Math.min(len, trailer.length - trailerSent);
    System.arraycopy(trailer, trailerSent, b, off, n);
    trailerSent += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      deflater.end();
      source.close();
    }
  }
}

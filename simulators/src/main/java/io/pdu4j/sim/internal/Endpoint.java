package io.pdu4j.sim.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a simulator reads from and writes to: a TCP socket or a serial device (a pseudo-terminal).
 */
public interface Endpoint {

  /** The bytes from the client. */
  InputStream input() throws IOException;

  /** The bytes to the client. */
  OutputStream output() throws IOException;

  /** Ends the output (a TCP half-close); a serial line has none. */
  void shutdownOutput() throws IOException;

  /** Closes the endpoint, unblocking a read in progress. */
  void close() throws IOException;

  /** An accepted TCP socket. */
  static Endpoint of(Socket socket) {
    return new Endpoint() {
      @Override
      public InputStream input() throws IOException {
        return socket.getInputStream();
      }

      @Override
      public OutputStream output() throws IOException {
        return socket.getOutputStream();
      }

      @Override
      public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
      }

      @Override
      public void close() throws IOException {
        socket.close();
      }
    };
  }

  /**
   * A serial device such as a pseudo-terminal, opened as a file twice: once for reading, once for
   * writing (a {@link FileChannel} serialises reads and writes on one lock, so a blocked read would
   * hold up every write). Channels are used because closing one unblocks a thread reading it.
   */
  static Endpoint serial(Path device) throws IOException {
    FileChannel reading = FileChannel.open(device, StandardOpenOption.READ);
    FileChannel writing;
    try {
      writing = FileChannel.open(device, StandardOpenOption.WRITE);
    } catch (IOException e) {
      reading.close();
      throw e;
    }
    InputStream in = Channels.newInputStream(reading);
    OutputStream out = Channels.newOutputStream(writing);
    return new Endpoint() {
      @Override
      public InputStream input() {
        return in;
      }

      @Override
      public OutputStream output() {
        return out;
      }

      @Override
      public void shutdownOutput() {}

      @Override
      public void close() throws IOException {
        try {
          writing.close();
        } finally {
          reading.close();
        }
      }
    };
  }
}

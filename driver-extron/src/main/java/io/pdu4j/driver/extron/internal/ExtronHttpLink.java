package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.LoginDeniedException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.support.CommandQueue;
import io.pdu4j.spi.support.Exchange;
import io.pdu4j.spi.support.Outcome;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The web form of the tunnel: each {@link #send} becomes one HTTP GET {@code /?cmd=W03%2A10%2A2%2A
 * 62DRS|<data>} on a kept-alive HTTP/1.1 connection (the inner {@code tcp} link), and the response
 * body is the device's answer. Like {@link ExtronTunnelLink} (what they share is {@link
 * SisTunnelLink}), {@link #send} completes when the IPCP has answered.
 *
 * <p>A response's body may be framed by {@code Content-Length}, chunked, or end with the connection
 * ({@link HttpResponseReader}); in the last case the answer is delivered, then the link goes down
 * and the inner driver connects again.
 *
 * <p>A GET that timed out after it went out may still be answered, and on the same connection that
 * late response would be read as the next GET's: so the connection is closed at once and the next
 * GET goes out on a new one, which the IPCP answers only for what was asked on it. The link stays
 * up meanwhile (requests wait in the queue, within their deadlines); only when the new connection
 * cannot be made does the link go down.
 */
public final class ExtronHttpLink extends SisTunnelLink {
  private static final int MAX_RESPONSE = 16384;

  private CommandQueue<Response> queue;
  private boolean up;
  private String authorization;
  private boolean closing;
  private final ByteArrayOutputStream rx = new ByteArrayOutputStream();

  /** A web tunnel over {@code inner}, which runs on the device's executor. */
  public ExtronHttpLink(Link inner, TunnelSettings settings, DeviceOptions options) {
    super(
        inner,
        settings,
        options,
        settings.describe().replace("extron://", "extron+http://")
            + " (Extron IPCP send-data-string, web form)");
  }

  @Override
  public boolean isOpen() {
    return up;
  }

  /** The {@code cmd} value: {@code W} for Esc, {@code |} for CR, the rest %-encoded. */
  static String cmd(byte[] request) {
    int cr = -1;
    for (int i = 0; i < request.length && cr < 0; i++) {
      if (request[i] == '\r') {
        cr = i;
      }
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < request.length; i++) {
      int c = request[i] & 0xff;
      if (c == SisCodec.ESC && i == 0) {
        b.append('W');
      } else if (i == cr) {
        b.append('|'); // the header's CR; a CR in the data is %-encoded
      } else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
        b.append((char) c);
      } else {
        b.append('%').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return b.toString();
  }

  @Override
  boolean beginOpen(CompletableFuture<Void> result) {
    if (session != null || opening != null) {
      return false;
    }
    opening = result;
    closing = false;
    return true;
  }

  private String basic(String password) {
    return "Authorization: Basic "
        + Base64.getEncoder()
            .encodeToString((settings.user() + ":" + password).getBytes(StandardCharsets.UTF_8))
        + "\r\n";
  }

  /** Opens the HTTP connection, authenticating with {@code password} (null: none configured). */
  @Override
  void connect(CompletableFuture<Void> result, String password) {
    this.authorization = password == null ? "" : basic(password);
    Inner s = new Inner(false);
    session = s;
    inner
        .open(s)
        .whenComplete(
            (v, t) -> {
              if (t != null && session == s) {
                session = null;
                opening = null;
                result.completeExceptionally(
                    asDeviceException(t, "cannot reach the IPCP", describe));
              }
              // success: completed by ready(), once the port is set up when asked
            });
  }

  private final class Inner implements LinkListener {
    /** Whether this connection replaces one given up after a timeout (the link stayed up). */
    private final boolean replacement;

    Inner(boolean replacement) {
      this.replacement = replacement;
    }

    @Override
    public void onUp() {
      if (session != this) {
        return;
      }
      rx.reset();
      if (replacement) {
        queue.linkUp(); // the port was set up on the first connection; the IPCP keeps that
        return;
      }
      up = true;
      queue = newQueue(inner::send, r -> {});
      if (settings.serial().isPresent()) {
        setUpSerial(this, settings.serial().get());
      } else {
        ready();
      }
    }

    @Override
    public void onData(ByteBuffer data) {
      if (session != this || queue == null) {
        return;
      }
      byte[] b = new byte[data.remaining()];
      data.get(b);
      rx.writeBytes(b);
      if (rx.size() > MAX_RESPONSE) {
        rx.reset();
        // where this answer ends can no longer be found, and its rest would be read as the next
        // answer: the connection is given up as lost (the inner driver connects again)
        onDown(
            new LinkLostException(
                "the IPCP's answer is over " + MAX_RESPONSE + " bytes",
                describe,
                null,
                null,
                null));
        inner.close();
        return;
      }
      parse(false).ifPresent(queue::onFrame);
    }

    @Override
    public void onDown(PowerDeviceException cause) {
      if (session != this) {
        return;
      }
      if (queue != null && rx.size() > 0) {
        // a body without a length ends with the connection: its answer is delivered while the
        // link is still up, then the link goes down
        parse(true).ifPresent(queue::onFrame);
      }
      if (session != this) {
        return; // the answer's delivery closed the link
      }
      session = null;
      boolean wasUp = up;
      up = false;
      failOpen(
          new DeviceUnreachableException(
              "the IPCP closed the connection while opening: "
                  + (cause == null ? "closed" : cause.getMessage()),
              describe,
              null,
              null,
              cause));
      rx.reset();
      if (queue != null) {
        closeQueue(queue, cause);
        queue = null;
      }
      if (wasUp) {
        listener.onDown(
            cause instanceof DeviceClosedException
                ? cause
                : new LinkLostException(
                    "connection to the IPCP lost: " + (cause == null ? "" : cause.getMessage()),
                    describe,
                    null,
                    null,
                    cause));
      }
    }
  }

  private void ready() {
    up = true;
    completeOpen();
  }

  /** Gives the port its serial settings before the link is up; a wrong answer fails the open. */
  private void setUpSerial(Inner s, SerialSetup serial) {
    byte[] command = serial.command(settings.comPort());
    queue
        .submit(new Get(httpGet(command), null, "serial setup " + printable(command)))
        .whenComplete(
            (body, t) -> {
              if (session != s || opening == null) {
                return;
              }
              String answer =
                  body == null ? null : new String(body, StandardCharsets.ISO_8859_1).strip();
              Optional<PowerDeviceException> failure = serialSetupFailure(serial, t, answer);
              if (failure.isEmpty()) {
                ready();
                return;
              }
              session = null;
              if (queue != null) {
                queue.close();
                queue = null;
              }
              inner.close();
              failOpen(failure.get());
            });
  }

  private String httpGet(byte[] request) {
    return "GET /?cmd="
        + cmd(request)
        + " HTTP/1.1\r\nHost: "
        + settings.host()
        + "\r\n"
        + authorization
        + "\r\n";
  }

  /** An HTTP response: status and body; status -1 for a response that broke the format. */
  private record Response(int status, byte[] body) {
    @Override
    public String toString() {
      return status + " " + new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  private Optional<Response> parse(boolean closed) {
    byte[] b = rx.toByteArray();
    Optional<HttpResponseReader.Response> r;
    try {
      r = HttpResponseReader.read(b, closed, MAX_RESPONSE);
    } catch (ProtocolException e) {
      rx.reset();
      return Optional.of(new Response(-1, new byte[0]));
    }
    if (r.isEmpty()) {
      return Optional.empty();
    }
    int consumed = r.get().consumed();
    rx.reset();
    rx.write(b, consumed, b.length - consumed);
    return Optional.of(new Response(r.get().status(), r.get().body()));
  }

  @Override
  CompletionStage<byte[]> submit(byte[] data, byte[] request) {
    return submit(new Get(httpGet(request), data, null));
  }

  private CompletionStage<byte[]> submit(Get get) {
    if (!up || queue == null) {
      return CompletableFuture.failedFuture(
          new LinkLostException("the IPCP link is not open", describe, null, null, null));
    }
    CompletableFuture<byte[]> answer = queue.submit(get);
    answer.whenComplete(
        (body, t) -> {
          if (t instanceof DeviceTimeoutException && get.sentOn != null) {
            freshConnection(get.sentOn);
          }
        });
    return answer;
  }

  /**
   * A GET sent on {@code timedOut} got no response in time: that connection is closed and a new one
   * opened, so the IPCP's late response cannot answer the next GET. Device thread.
   */
  private void freshConnection(LinkListener timedOut) {
    if (session != timedOut || !up || queue == null || closing) {
      return; // already replaced, or down
    }
    queue.linkDown("a new connection after a request timed out"); // nothing is in flight
    rx.reset();
    Inner fresh = new Inner(true);
    session = fresh;
    inner.close().whenComplete((v, t) -> run(() -> reopen(fresh), new CompletableFuture<>()));
  }

  private void reopen(Inner fresh) {
    if (session != fresh) {
      return;
    }
    if (closing) {
      fresh.onDown(new DeviceClosedException("closed", describe, null, null, null));
      return;
    }
    inner
        .open(fresh)
        .whenComplete(
            (v, t) -> {
              if (t != null && session == fresh) {
                fresh.onDown(asDeviceException(t, "cannot reach the IPCP again", describe));
              }
            });
  }

  /** One GET: a send-data-string (with its data), or a plain SIS command (data null). */
  private final class Get implements Exchange<Response, byte[]> {
    private final String request;
    private final byte[] data;
    private final String what;
    // the connection this GET went out on; null until it is sent
    private LinkListener sentOn;

    Get(String request, byte[] data, String what) {
      this.request = request;
      this.data = data;
      this.what = what;
    }

    @Override
    public ByteBuffer request() {
      sentOn = session; // asked for when it is sent, on the device thread
      return ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public String describe() {
      if (data == null) {
        return what;
      }
      return "web " + sendDataText(settings, data);
    }

    @Override
    public String name() {
      return "extron-http-send-data";
    }

    @Override
    public Outcome<byte[]> onFrame(Response r) {
      if (r.status() == 401 || r.status() == 403) {
        return Outcome.fail(
            new LoginDeniedException(
                "login denied: the IPCP answered HTTP " + r.status(), describe, null, null, null));
      }
      if (r.status() != 200) {
        return Outcome.fail(
            new ProtocolException(
                "the IPCP answered HTTP " + r.status(), describe, describe(), null, null));
      }
      byte[] body = r.body();
      String text = new String(body, StandardCharsets.ISO_8859_1);
      Optional<SisCodec.SisError> error = SisCodec.parseError(text.strip());
      if (error.isPresent()) {
        return Outcome.fail(errorFor(error.get(), describe()));
      }
      if (data == null) {
        return Outcome.done(body);
      }
      int lead = SisCodec.leadLength(body, settings.prefixBytes(), data);
      body = Arrays.copyOfRange(body, lead, body.length);
      if (settings.crlfAppended()
          && body.length >= 2
          && body[body.length - 2] == '\r'
          && body[body.length - 1] == '\n') {
        body = Arrays.copyOf(body, body.length - 2);
      }
      return Outcome.done(body);
    }
  }

  @Override
  public CompletionStage<Void> close() {
    CompletableFuture<Void> result = new CompletableFuture<>();
    run(
        () -> {
          closing = true;
          if (session == null) { // still reading the secret, if opening
            failOpen(new DeviceClosedException("closed while opening", describe, null, null, null));
          }
          inner.close().whenComplete((v, t) -> result.complete(null));
        },
        result);
    return result;
  }
}

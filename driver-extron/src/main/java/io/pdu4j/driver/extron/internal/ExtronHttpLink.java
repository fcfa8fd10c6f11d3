package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.LoginDeniedException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.spi.CommandQueue;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.Exchange;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.Outcome;
import io.pdu4j.spi.SecretReference;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The web form of the tunnel: each {@link #send} becomes one HTTP GET {@code /?cmd=W03%2A10%2A2%2A
 * 62DRS|<data>} on a kept-alive HTTP/1.1 connection (the inner {@code tcp} link), and the response
 * body is the device's answer. Like {@link ExtronTunnelLink}, {@link #send} completes when the IPCP
 * has answered.
 */
public final class ExtronHttpLink implements Link {
  private static final int MAX_RESPONSE = 16384;

  private final Link inner;
  private final TunnelSettings settings;
  private final DeviceOptions options;
  private final String describe;
  private LinkListener listener;
  private Inner session;
  private CommandQueue<Response> queue;
  private boolean up;
  private CompletableFuture<Void> opening;
  private String authorization;
  private final ByteArrayOutputStream rx = new ByteArrayOutputStream();

  /** A web tunnel over {@code inner}, which runs on the device's executor. */
  public ExtronHttpLink(Link inner, TunnelSettings settings, DeviceOptions options) {
    this.inner = inner;
    this.settings = settings;
    this.options = options;
    this.describe =
        settings.describe().replace("extron://", "extron+http://")
            + " (Extron IPCP send-data-string, web form)";
  }

  @Override
  public Kind kind() {
    return Kind.STREAM;
  }

  @Override
  public boolean carriesUnsolicited() {
    return false;
  }

  @Override
  public String describe() {
    return describe;
  }

  @Override
  public String toString() {
    return describe;
  }

  @Override
  public ScheduledExecutorService executor() {
    return inner.executor();
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
  public CompletionStage<Void> open(LinkListener l) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    run(
        () -> {
          if (session != null || opening != null) {
            result.completeExceptionally(new IllegalStateException(describe + " is already open"));
            return;
          }
          listener = l;
          opening = result;
          Optional<SecretReference> secret = settings.password();
          if (secret.isEmpty()) {
            connect(result, "");
            return;
          }
          // read off this thread: it is the device's event loop, shared with other devices
          secret
              .get()
              .resolveAsync(options.connectTimeout())
              .whenComplete(
                  (password, t) ->
                      run(
                          () -> {
                            if (opening != result || session != null) {
                              return; // closed while the secret was read
                            }
                            if (t != null) {
                              opening = null;
                              result.completeExceptionally(
                                  ExtronTunnelLink.asDeviceException(
                                      t, "cannot read the password", describe));
                            } else {
                              connect(result, basic(password));
                            }
                          },
                          result));
        },
        result);
    return result;
  }

  private String basic(String password) {
    return "Authorization: Basic "
        + Base64.getEncoder()
            .encodeToString((settings.user() + ":" + password).getBytes(StandardCharsets.UTF_8))
        + "\r\n";
  }

  /** Opens the HTTP connection; {@code authorization} is the header line, or empty. */
  private void connect(CompletableFuture<Void> result, String authorization) {
    this.authorization = authorization;
    Inner s = new Inner();
    session = s;
    inner
        .open(s)
        .whenComplete(
            (v, t) -> {
              if (t != null && session == s) {
                session = null;
                opening = null;
                result.completeExceptionally(
                    ExtronTunnelLink.asDeviceException(t, "cannot reach the IPCP", describe));
              }
              // success: completed by ready(), once the port is set up when asked
            });
  }

  private final class Inner implements LinkListener {
    @Override
    public void onUp() {
      if (session != this) {
        return;
      }
      up = true;
      rx.reset();
      queue =
          new CommandQueue<>(
              describe,
              executor(),
              options.queueCapacity(),
              options.commandTimeout(),
              Duration.ofMillis(200),
              inner::send,
              r -> {},
              null);
      queue.linkUp();
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
      session = null;
      boolean wasUp = up;
      up = false;
      CompletableFuture<Void> f = opening;
      opening = null;
      if (f != null) {
        f.completeExceptionally(
            new DeviceUnreachableException(
                "the IPCP closed the connection while opening: "
                    + (cause == null ? "closed" : cause.getMessage()),
                describe,
                null,
                null,
                cause));
      }
      if (queue != null && rx.size() > 0) {
        parse(true).ifPresent(queue::onFrame); // a body without a length ends with the connection
      }
      if (queue != null) {
        if (!(cause instanceof DeviceClosedException)) { // closed by its owner: not a lost link
          queue.linkDown(cause == null ? "closed" : cause.getMessage());
        }
        queue.close(); // fails what is left with DeviceClosedException
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
    CompletableFuture<Void> f = opening;
    opening = null;
    listener.onUp();
    if (f != null) {
      f.complete(null);
    }
  }

  /** Gives the port its serial settings before the link is up; a wrong answer fails the open. */
  private void setUpSerial(Inner s, SerialSetup serial) {
    byte[] command = serial.command(settings.comPort());
    String sent = PowerDeviceException.printable(new String(command, StandardCharsets.ISO_8859_1));
    queue
        .submit(new Get(httpGet(command), null, "serial setup " + sent))
        .whenComplete(
            (body, t) -> {
              if (session != s || opening == null) {
                return;
              }
              String answer =
                  body == null ? null : new String(body, StandardCharsets.ISO_8859_1).strip();
              if (t == null && serial.mismatch(settings.comPort(), answer).isEmpty()) {
                ready();
                return;
              }
              Throwable c = t == null ? null : unwrap(t);
              CompletableFuture<Void> f = opening;
              opening = null;
              session = null;
              if (queue != null) {
                queue.close();
                queue = null;
              }
              inner.close();
              f.completeExceptionally(
                  c instanceof PowerDeviceException p
                      ? p
                      : new DeviceRejectedException(
                          serial.mismatch(settings.comPort(), answer).orElseThrow(),
                          describe,
                          sent,
                          answer,
                          c));
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
  public CompletionStage<Void> send(ByteBuffer data) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    CompletableFuture<Void> result = new CompletableFuture<>();
    byte[] request;
    try {
      request = settings.request(bytes);
    } catch (PowerDeviceException e) {
      result.completeExceptionally(e);
      return result;
    }
    run(
        () ->
            BusyRetry.request(
                () -> submit(new Get(httpGet(request), bytes, null)),
                settings,
                executor(),
                describe,
                result,
                body -> {
                  if (up) {
                    listener.onData(ByteBuffer.wrap(body).asReadOnlyBuffer());
                  }
                }),
        result);
    return result;
  }

  private CompletionStage<byte[]> submit(Get get) {
    if (!up || queue == null) {
      return CompletableFuture.failedFuture(
          new LinkLostException("the IPCP link is not open", describe, null, null, null));
    }
    return queue.submit(get);
  }

  /** One GET: a send-data-string (with its data), or a plain SIS command (data null). */
  private final class Get implements Exchange<Response, byte[]> {
    private final String request;
    private final byte[] data;
    private final String what;

    Get(String request, byte[] data, String what) {
      this.request = request;
      this.data = data;
      this.what = what;
    }

    @Override
    public ByteBuffer request() {
      return ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public String describe() {
      if (data == null) {
        return what;
      }
      return "web send-data-string to port "
          + settings.comPort()
          + ": "
          + PowerDeviceException.printable(new String(data, StandardCharsets.ISO_8859_1));
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
        return Outcome.fail(
            SisCodec.exception(error.get(), describe, describe(), "the IPCP answered "));
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
          if (session == null && opening != null) { // still reading the secret
            CompletableFuture<Void> f = opening;
            opening = null;
            f.completeExceptionally(
                new DeviceClosedException("closed while opening", describe, null, null, null));
          }
          inner.close().whenComplete((v, t) -> result.complete(null));
        },
        result);
    return result;
  }

  private void run(Runnable task, CompletableFuture<?> result) {
    try {
      executor()
          .execute(
              () -> {
                try {
                  task.run();
                } catch (RuntimeException e) {
                  result.completeExceptionally(e);
                }
              });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new DeviceClosedException("executor shut down", describe, null, null, e));
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}

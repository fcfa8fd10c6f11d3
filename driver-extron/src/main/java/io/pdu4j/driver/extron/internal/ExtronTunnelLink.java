package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.LoginDeniedException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.BurstLog;
import io.pdu4j.spi.CommandQueue;
import io.pdu4j.spi.DeviceOptions;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.Exchange;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.Outcome;
import io.pdu4j.spi.SecretReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request/reply tunnel to a serial device on an IPCP port: each {@link #send} becomes one SIS
 * send-data-string over a Telnet session (an inner {@code tcp} link), and the IPCP's reply is
 * delivered to the listener as data. Everything runs on the inner link's executor.
 *
 * <p>The stage {@link #send} returns completes when the IPCP has answered (not when the bytes are
 * written), so that an {@code Enn} reply fails the inner driver's command with the code and its
 * meaning instead of a timeout.
 */
public final class ExtronTunnelLink implements Link {
  private static final Logger LOG = LoggerFactory.getLogger(ExtronTunnelLink.class);
  private static final Duration LOGIN_QUIET = Duration.ofMillis(500);
  private static final int MAX_BUFFER = 8192;

  private enum State {
    CLOSED,
    LOGIN,
    SETUP, // logged in, setting the serial port up: commands run, the link is not up yet
    UP
  }

  private final Link inner;
  private final TunnelSettings settings;
  private final DeviceOptions options;
  private final ScheduledExecutorService executor;
  private final String describe;
  private final BurstLog burst = new BurstLog(LOG);

  private State state = State.CLOSED;
  private Session session;
  private LinkListener listener;
  private CompletableFuture<Void> opening;
  private CommandQueue<SisReplyReader.Reply> queue;
  private ScheduledFuture<?> keepAliveTimer;
  private ScheduledFuture<?> loginTimer;
  private long lastSentNanos;
  // set by close() on the caller's thread, so that commands issued after it fail as closed at once
  private volatile boolean closedByOwner;
  private ScheduledFuture<?> quietTimer; // ends a 0L reply
  // bumped by every chunk received and every request, so that a stale quiet timer does nothing
  private long rxGeneration;
  private final SisReplyReader reader;
  private final DriverCounters counters; // the runtime's pdu.frames.malformed
  private Optional<SisCodec.Banner> banner = Optional.empty();

  /** A tunnel over {@code inner}, which must run on the same executor as this link. */
  public ExtronTunnelLink(Link inner, TunnelSettings settings, DeviceOptions options) {
    this(inner, settings, options, DriverCounters.NONE);
  }

  /**
   * A tunnel over {@code inner}, which must run on the same executor as this link, counting the
   * replies it drops in {@code counters}.
   */
  public ExtronTunnelLink(
      Link inner, TunnelSettings settings, DeviceOptions options, DriverCounters counters) {
    this.inner = inner;
    this.counters = counters;
    this.reader =
        new SisReplyReader(
            settings.delimiter(), settings.crlfAppended(), settings.prefixBytes(), MAX_BUFFER);
    this.settings = settings;
    this.options = options;
    this.executor = inner.executor();
    this.describe = settings.describe() + " (Extron IPCP send-data-string)";
  }

  /** What the IPCP's banner said, once logged in. */
  public Optional<SisCodec.Banner> banner() {
    return banner;
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
  public ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  public boolean isOpen() {
    return state == State.UP;
  }

  @Override
  public String toString() {
    return describe;
  }

  // ------------------------------------------------------------------ open, login

  @Override
  public CompletionStage<Void> open(LinkListener listener) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    run(() -> startOpen(listener, result), result);
    return result;
  }

  private void startOpen(LinkListener l, CompletableFuture<Void> result) {
    if (state != State.CLOSED || opening != null) {
      result.completeExceptionally(new IllegalStateException(describe + " is already open"));
      return;
    }
    listener = l;
    closedByOwner = false;
    opening = result;
    state = State.LOGIN;
    reader.clear();
    reader.idle();
    Optional<SecretReference> secret = settings.password();
    if (secret.isEmpty()) {
      connect(result, null);
      return;
    }
    // read off this thread: it is the device's event loop, shared with other devices, and a file
    // system can be slow; the secret is read at every open, so a changed one is picked up
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
                        failOpen(asDeviceException(t, "cannot read the password"));
                      } else {
                        connect(result, password);
                      }
                    },
                    result));
  }

  /** Opens the Telnet session, which logs in with {@code password} (null: none configured). */
  private void connect(CompletableFuture<Void> result, String password) {
    Session s = new Session(password);
    session = s;
    CompletionStage<Void> up;
    try {
      up = inner.open(s);
    } catch (RuntimeException e) {
      up = CompletableFuture.failedFuture(e);
    }
    up.whenComplete(
        (v, t) -> {
          if (t != null && session == s && opening == result) {
            failOpen(asDeviceException(t, "cannot reach the IPCP"));
          }
        });
  }

  private void failOpen(PowerDeviceException failure) {
    CompletableFuture<Void> f = opening;
    opening = null;
    state = State.CLOSED;
    session = null;
    cancelTimers();
    reader.idle();
    if (queue != null) {
      if (!(failure instanceof DeviceClosedException)) { // closed by its owner: not a lost link
        queue.linkDown(failure.getMessage());
      }
      queue.close();
      queue = null;
    }
    inner.close();
    if (f != null) {
      f.completeExceptionally(failure);
    }
  }

  private void loggedIn(String level) {
    if (state != State.LOGIN) {
      return;
    }
    if (loginTimer != null) {
      loginTimer.cancel(false);
    }
    LOG.info(
        "{}: logged in{} to {}",
        describe,
        level == null ? "" : " as " + level,
        banner.map(b -> b.model() + " firmware " + b.firmware()).orElse("the IPCP"));
    reader.clear();
    queue =
        new CommandQueue<>(
            describe,
            executor,
            options.queueCapacity(),
            options.commandTimeout(),
            Duration.ofMillis(200),
            this::write,
            r -> LOG.debug("{}: discarded {} bytes outside a reply", describe, r.data().length),
            null);
    queue.linkUp();
    lastSentNanos = System.nanoTime();
    long every = Math.max(1, settings.keepAlive().toMillis() / 4);
    keepAliveTimer =
        executor.scheduleWithFixedDelay(this::keepAlive, every, every, TimeUnit.MILLISECONDS);
    if (settings.serial().isPresent()) {
      state = State.SETUP;
      setUpSerial(settings.serial().get());
    } else {
      up();
    }
  }

  /** Gives the port its serial settings before the link is up; a wrong answer fails the open. */
  private void setUpSerial(SerialSetup serial) {
    Session s = session;
    String command = new String(serial.command(settings.comPort()), StandardCharsets.ISO_8859_1);
    queue
        .submit(new LineExchange(command))
        .whenComplete(
            (answer, t) -> {
              if (session != s || state != State.SETUP) {
                return;
              }
              if (t != null) {
                failOpen(
                    asDeviceException(
                        t, "serial setup " + serial.value() + " of port " + settings.comPort()));
              } else if (serial.mismatch(settings.comPort(), answer).isPresent()) {
                failOpen(
                    new DeviceRejectedException(
                        serial.mismatch(settings.comPort(), answer).get(),
                        describe,
                        PowerDeviceException.printable(command),
                        answer,
                        null));
              } else {
                LOG.info("{}: port set to {}", describe, serial.value());
                up();
              }
            });
  }

  private void up() {
    state = State.UP;
    CompletableFuture<Void> f = opening;
    opening = null;
    listener.onUp();
    if (f != null) {
      f.complete(null);
    }
  }

  /** The Telnet session of one open: the login, then replies. */
  private final class Session implements LinkListener {
    private final String password;
    private final StringBuilder text = new StringBuilder();
    private int prompts;
    private int lines;

    Session(String password) {
      this.password = password;
    }

    @Override
    public void onUp() {
      if (session != this) {
        return;
      }
      loginTimer =
          executor.schedule(
              () -> {
                if (session == this && state == State.LOGIN) {
                  failOpen(
                      new DeviceUnreachableException(
                          "no login within "
                              + options.readyTimeout().toSeconds()
                              + " s; is it an Extron IPCP?",
                          describe,
                          null,
                          text.length() > 200 ? text.substring(0, 200) : text.toString(),
                          null));
                }
              },
              options.readyTimeout().toNanos(),
              TimeUnit.NANOSECONDS);
    }

    @Override
    public void onData(ByteBuffer data) {
      if (session != this) {
        return;
      }
      if (state == State.LOGIN) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        login(new String(b, StandardCharsets.ISO_8859_1));
      } else if (state == State.UP || state == State.SETUP) {
        received(data);
      }
    }

    private void login(String chunk) {
      text.append(chunk);
      if (text.length() > MAX_BUFFER) {
        failOpen(
            new DeviceRejectedException(
                "no login: too much text without a login line", describe, null, null, null));
        return;
      }
      int eol;
      while ((eol = text.indexOf("\n")) >= 0) {
        String line = text.substring(0, eol).replace("\r", "");
        text.delete(0, eol + 1);
        if (line.isBlank()) {
          continue;
        }
        lines++;
        Optional<SisCodec.Banner> b = SisCodec.parseBanner(line);
        if (b.isPresent()) {
          banner = b;
          continue;
        }
        Optional<String> level = SisCodec.parseLogin(line);
        if (level.isPresent()) {
          loggedIn(level.get());
          return;
        }
        Optional<SisCodec.SisError> error = SisCodec.parseError(line);
        if (error.isPresent()) {
          // E26: all of the IPCP's connections are taken (a busy failure: try again later)
          failOpen(
              SisCodec.exception(error.get(), describe, null, "the IPCP refused the session: "));
          return;
        }
        if (lines >= 2 && password == null) {
          // banner and date: an IPCP without a password stops here; wait a moment for a prompt
          scheduleQuietLogin();
        }
      }
      if (SisCodec.endsWithPasswordPrompt(text.toString())) {
        text.setLength(0);
        prompts++;
        if (password == null) {
          failOpen(
              new LoginDeniedException(
                  "login denied: the IPCP asks for a password; add password=env:NAME or"
                      + " password=file:PATH to the address",
                  describe,
                  null,
                  "Password:",
                  null));
        } else if (prompts > 1) {
          failOpen(
              new LoginDeniedException(
                  "login denied: the IPCP asked for the password again (wrong password?)",
                  describe,
                  "(password)",
                  "Password:",
                  null));
        } else {
          inner.send(ByteBuffer.wrap((password + "\r").getBytes(StandardCharsets.ISO_8859_1)));
        }
      }
    }

    private void scheduleQuietLogin() {
      executor.schedule(
          () -> {
            if (session == this && state == State.LOGIN && prompts == 0) {
              loggedIn(null);
            }
          },
          LOGIN_QUIET.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void onDown(PowerDeviceException cause) {
      if (session != this) {
        return;
      }
      String reason = cause == null ? "closed" : cause.getMessage();
      if (state == State.LOGIN || state == State.SETUP) {
        failOpen(
            new DeviceUnreachableException(
                "the IPCP closed the connection during login: " + reason,
                describe,
                null,
                null,
                cause));
        return;
      }
      if (state == State.UP) {
        goDown(
            new LinkLostException(
                "connection to the IPCP lost: " + reason, describe, null, null, cause));
      }
    }
  }

  private void goDown(PowerDeviceException cause) {
    state = State.CLOSED;
    session = null;
    cancelTimers();
    reader.idle();
    reader.clear();
    if (queue != null) {
      if (!(cause instanceof DeviceClosedException)) { // closed by its owner: not a lost link
        queue.linkDown(cause.getMessage());
      }
      queue.close();
      queue = null;
    }
    listener.onDown(cause);
  }

  private void cancelTimers() {
    if (keepAliveTimer != null) {
      keepAliveTimer.cancel(false);
      keepAliveTimer = null;
    }
    if (loginTimer != null) {
      loginTimer.cancel(false);
      loginTimer = null;
    }
    cancelQuiet();
  }

  private void cancelQuiet() {
    if (quietTimer != null) {
      quietTimer.cancel(false);
      quietTimer = null;
    }
  }

  // ------------------------------------------------------------------ close

  @Override
  public CompletionStage<Void> close() {
    closedByOwner = true;
    CompletableFuture<Void> result = new CompletableFuture<>();
    run(
        () -> {
          if (state == State.UP) {
            goDown(new DeviceClosedException("closed", describe, null, null, null));
          } else if (opening != null) {
            failOpen(new DeviceClosedException("closed while opening", describe, null, null, null));
          }
          session = null;
          state = State.CLOSED;
          inner.close().whenComplete((v, t) -> result.complete(null));
        },
        result);
    return result;
  }

  // ------------------------------------------------------------------ requests and replies

  @Override
  public CompletionStage<Void> send(ByteBuffer data) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    CompletableFuture<Void> result = new CompletableFuture<>();
    byte[] request;
    try {
      if (settings.comPort() == 0) {
        throw new io.pdu4j.api.UnsupportedCapabilityException(
            describe + " is a session with the IPCP itself, not a tunnel");
      }
      request = settings.request(bytes);
    } catch (PowerDeviceException e) {
      result.completeExceptionally(e);
      return result;
    }
    run(
        () ->
            BusyRetry.request(
                () -> sendData(bytes, request),
                settings,
                executor,
                describe,
                result,
                reply -> {
                  if (state == State.UP) {
                    listener.onData(ByteBuffer.wrap(reply).asReadOnlyBuffer());
                  }
                }),
        result);
    return result;
  }

  private CompletionStage<byte[]> sendData(byte[] data, byte[] request) {
    if (state != State.UP || queue == null) {
      return CompletableFuture.failedFuture(notOpen(printable(data)));
    }
    return queue.submit(new DataExchange(data, request));
  }

  private CompletionStage<Void> write(ByteBuffer bytes) {
    lastSentNanos = System.nanoTime();
    reader.clear(); // what came before this request is not its reply
    rxGeneration++;
    cancelQuiet();
    return inner.send(bytes);
  }

  private void keepAlive() {
    if (state != State.UP || queue == null || queue.busy() || queue.pending() > 0) {
      return;
    }
    if (System.nanoTime() - lastSentNanos < settings.keepAlive().toNanos()) {
      return;
    }
    command(SisCodec.FIRMWARE_QUERY)
        .whenComplete(
            (firmware, t) -> {
              if (t != null) {
                burst.log("{}: keep-alive Q failed: {}", describe, unwrap(t).getMessage());
              } else {
                LOG.debug("{}: keep-alive, firmware {}", describe, firmware);
              }
            });
  }

  /**
   * Sends one SIS command (no line end is added: {@code Q}, {@code 1O}, {@code 1*1O}) and completes
   * with its one-line answer, without CR LF; an {@code Enn} answer fails the stage with a {@link
   * DeviceRejectedException} (or {@link io.pdu4j.api.DeviceBusyException} for E22 and E26).
   */
  public CompletionStage<String> command(String sis) {
    CompletableFuture<String> result = new CompletableFuture<>();
    run(
        () -> {
          if (state != State.UP || queue == null) {
            result.completeExceptionally(notOpen(sis));
            return;
          }
          queue
              .submit(new LineExchange(sis))
              .whenComplete(
                  (r, t) -> {
                    if (t != null) {
                      result.completeExceptionally(unwrap(t));
                    } else {
                      result.complete(r);
                    }
                  });
        },
        result);
    return result;
  }

  private void received(ByteBuffer data) {
    if (queue == null) {
      return;
    }
    boolean awaiting = reader.mode() != SisReplyReader.Mode.NONE;
    byte[] b = new byte[data.remaining()];
    data.get(b);
    SisReplyReader.Read read = reader.feed(b);
    if (!awaiting) {
      return; // unasked (the IPCP says nothing unasked in plain mode), or an over-long reply's rest
    }
    if (read.overlong()) {
      burst.log("{}: reply over {} bytes without an end, dropped", describe, MAX_BUFFER);
      counters.overlongFrame();
      cancelQuiet();
      queue.onFrame(read.dropped()); // fails the request it was the reply to
      return;
    }
    rxGeneration++;
    cancelQuiet();
    if (read.reply().isPresent()) {
      queue.onFrame(read.reply().get());
    } else if (reader.endsIfQuiet()) {
      // 0L: the IPCP ends the reply on its own timeouts, which cannot be seen on the wire; a CR LF
      // (or, without appended CR LF, any byte) followed by quiet is taken as the end
      long generation = rxGeneration;
      quietTimer =
          executor.schedule(
              () -> {
                if (generation == rxGeneration && queue != null) {
                  reader.quiet().ifPresent(queue::onFrame);
                }
              },
              settings.replyQuiet().toNanos(),
              TimeUnit.NANOSECONDS);
    }
  }

  private final class DataExchange implements Exchange<SisReplyReader.Reply, byte[]> {
    private final byte[] data;
    private final byte[] request;

    DataExchange(byte[] data, byte[] request) {
      this.data = data;
      this.request = request;
    }

    @Override
    public ByteBuffer request() {
      reader.expectData(data);
      return ByteBuffer.wrap(request);
    }

    @Override
    public String describe() {
      return "send-data-string to port " + settings.comPort() + ": " + printable(data);
    }

    @Override
    public String name() {
      return "extron-send-data";
    }

    @Override
    public Outcome<byte[]> onFrame(SisReplyReader.Reply frame) {
      if (frame.overlong()) {
        return Outcome.fail(overlong(frame, new String(data, StandardCharsets.ISO_8859_1)));
      }
      if (frame.error() != null) {
        return Outcome.fail(errorFor(frame.error(), describe()));
      }
      return Outcome.done(frame.data());
    }
  }

  private final class LineExchange implements Exchange<SisReplyReader.Reply, String> {
    private final String command;

    LineExchange(String command) {
      this.command = command;
    }

    @Override
    public ByteBuffer request() {
      reader.expectLine();
      return ByteBuffer.wrap(command.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public String describe() {
      return command;
    }

    @Override
    public String name() {
      return command.equals(SisCodec.FIRMWARE_QUERY) ? "extron-keep-alive" : "extron-command";
    }

    @Override
    public Outcome<String> onFrame(SisReplyReader.Reply frame) {
      if (frame.overlong()) {
        return Outcome.fail(overlong(frame, command));
      }
      if (frame.error() != null) {
        return Outcome.fail(errorFor(frame.error(), command));
      }
      return Outcome.done(new String(frame.data(), StandardCharsets.ISO_8859_1));
    }
  }

  private PowerDeviceException notOpen(String sent) {
    return closedByOwner
        ? new DeviceClosedException("closed", describe, sent, null, null)
        : new LinkLostException("the IPCP link is not open", describe, sent, null, null);
  }

  /** The failure of a request whose reply was dropped as over the bound: sent, and its start. */
  private PowerDeviceException overlong(SisReplyReader.Reply dropped, String sent) {
    return new io.pdu4j.api.ProtocolException(
        "the IPCP's reply is over " + MAX_BUFFER + " bytes without an end; dropped",
        describe,
        sent,
        new String(dropped.data(), StandardCharsets.ISO_8859_1) + "...",
        null);
  }

  private PowerDeviceException errorFor(SisCodec.SisError error, String sent) {
    return SisCodec.exception(error, describe, sent, "the IPCP answered ");
  }

  // ------------------------------------------------------------------ helpers

  private void run(Runnable task, CompletableFuture<?> result) {
    try {
      executor.execute(
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

  private PowerDeviceException asDeviceException(Throwable t, String what) {
    return asDeviceException(t, what, describe);
  }

  /**
   * Why an open failed, as the caller sees it: a {@link PowerDeviceException} as it is, anything
   * else as unreachable, saying {@code what} could not be done (both tunnel forms).
   */
  static PowerDeviceException asDeviceException(Throwable t, String what, String describe) {
    Throwable c = unwrap(t);
    return c instanceof PowerDeviceException p
        ? p
        : new DeviceUnreachableException(what + ": " + c, describe, null, null, c);
  }

  private static String printable(byte[] data) {
    return PowerDeviceException.printable(new String(data, StandardCharsets.ISO_8859_1));
  }
}

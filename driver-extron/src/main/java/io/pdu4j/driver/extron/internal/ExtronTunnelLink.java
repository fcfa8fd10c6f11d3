package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.support.BurstLog;
import io.pdu4j.spi.support.CommandQueue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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
 *
 * <p>The IPCP answers the requests of a session one after the other, each once, even one the tunnel
 * gave up waiting for. Such a late answer would be read as the next request's, and every answer
 * after it as the one before's. So a request that timed out after it went out ends the session: the
 * link goes down (the owner reopens it, on a new session with a new login), rather than stay up one
 * answer out of step.
 *
 * <p>This class keeps the session's lifecycle (connect, log in, set the port up, keep alive, go
 * down, close); the login is read by {@link SisLogin}, the replies by {@link SisReplies}.
 */
public final class ExtronTunnelLink extends SisTunnelLink {
  private static final Logger LOG = LoggerFactory.getLogger(ExtronTunnelLink.class);
  private static final Duration LOGIN_QUIET = Duration.ofMillis(500);

  private enum State {
    CLOSED,
    LOGIN,
    SETUP, // logged in, setting the serial port up: commands run, the link is not up yet
    UP
  }

  private final ScheduledExecutorService executor;
  private final BurstLog burst = new BurstLog(LOG);
  private final SisReplies replies;

  private State state = State.CLOSED;
  private CommandQueue<SisReplyReader.Reply> queue;
  private ScheduledFuture<?> keepAliveTimer;
  private ScheduledFuture<?> loginTimer;
  private long lastSentNanos;
  // set by close() on the caller's thread, so that commands issued after it fail as closed at once
  private volatile boolean closedByOwner;
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
    super(inner, settings, options, settings.describe() + " (Extron IPCP send-data-string)");
    this.executor = inner.executor();
    this.replies = new SisReplies(settings, describe, executor, counters, this::errorFor);
  }

  /** What the IPCP's banner said, once logged in. */
  public Optional<SisCodec.Banner> banner() {
    return banner;
  }

  @Override
  public boolean isOpen() {
    return state == State.UP;
  }

  // ------------------------------------------------------------------ open, login

  @Override
  boolean beginOpen(CompletableFuture<Void> result) {
    if (state != State.CLOSED || opening != null) {
      return false;
    }
    closedByOwner = false;
    opening = result;
    state = State.LOGIN;
    replies.reset();
    return true;
  }

  /** Opens the Telnet session, which logs in with {@code password} (null: none configured). */
  @Override
  void connect(CompletableFuture<Void> result, String password) {
    Session s = new Session(new SisLogin(password, describe, SisReplies.MAX_REPLY));
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
            failOpen(asDeviceException(t, "cannot reach the IPCP", describe));
          }
        });
  }

  @Override
  void failOpen(PowerDeviceException failure) {
    state = State.CLOSED;
    session = null;
    cancelTimers();
    replies.reset();
    closeQueue(failure);
    inner.close();
    super.failOpen(failure);
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
    replies.reset();
    queue =
        newQueue(
            this::write,
            (SisReplyReader.Reply r) ->
                LOG.debug("{}: discarded {} bytes outside a reply", describe, r.data().length));
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
    LinkListener s = session;
    String command = new String(serial.command(settings.comPort()), StandardCharsets.ISO_8859_1);
    ask(replies.line(command))
        .whenComplete(
            (answer, t) -> {
              if (session != s || state != State.SETUP) {
                return;
              }
              Optional<PowerDeviceException> failure = serialSetupFailure(serial, t, answer);
              if (failure.isPresent()) {
                failOpen(failure.get());
              } else {
                LOG.info("{}: port set to {}", describe, serial.value());
                up();
              }
            });
  }

  private void up() {
    state = State.UP;
    completeOpen();
  }

  /** The Telnet session of one open: the login, then replies. */
  private final class Session implements LinkListener {
    private final SisLogin login;

    Session(SisLogin login) {
      this.login = login;
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
                          login.pending(),
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
      byte[] b = new byte[data.remaining()];
      data.get(b);
      if (state == State.LOGIN) {
        login(b);
      } else if ((state == State.UP || state == State.SETUP) && queue != null) {
        replies.received(b, queue);
      }
    }

    private void login(byte[] chunk) {
      SisLogin.Step step = login.feed(chunk);
      banner = login.banner().or(() -> banner);
      if (step instanceof SisLogin.Answer a) {
        inner.send(ByteBuffer.wrap(a.bytes()));
      } else if (step instanceof SisLogin.AwaitQuiet) {
        // an IPCP without a password says nothing after the date: wait a moment for a prompt
        executor.schedule(
            () -> {
              if (session == this && state == State.LOGIN && login.quietMeansLoggedIn()) {
                loggedIn(null);
              }
            },
            LOGIN_QUIET.toMillis(),
            TimeUnit.MILLISECONDS);
      } else if (step instanceof SisLogin.LoggedIn in) {
        loggedIn(in.level());
      } else if (step instanceof SisLogin.Failed f) {
        failOpen(f.failure());
      }
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
    replies.reset();
    closeQueue(cause);
    listener.onDown(cause);
  }

  private void closeQueue(PowerDeviceException cause) {
    if (queue != null) {
      closeQueue(queue, cause);
      queue = null;
    }
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
    replies.cancelQuiet();
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

  // ------------------------------------------------------------------ requests

  @Override
  byte[] request(byte[] data) {
    if (settings.comPort() == 0) {
      throw new UnsupportedCapabilityException(
          describe + " is a session with the IPCP itself, not a tunnel");
    }
    return super.request(data);
  }

  @Override
  CompletionStage<byte[]> submit(byte[] data, byte[] request) {
    if (state != State.UP || queue == null) {
      return CompletableFuture.failedFuture(notOpen(printable(data)));
    }
    return ask(replies.data(data, request));
  }

  /**
   * Queues one request of the session up (or setting up); a request that then times out after it
   * went out ends the session (see the class's description).
   */
  private <T> CompletionStage<T> ask(SisReplies.Ask<T> ask) {
    LinkListener s = session;
    CompletionStage<T> stage = queue.submit(ask);
    stage.whenComplete(
        (v, t) -> {
          if (t != null
              && ask.sent()
              && session == s
              && state == State.UP
              && PowerDeviceException.unwrap(t) instanceof DeviceTimeoutException timeout) {
            outOfStep(ask.describe(), timeout);
          }
        });
    return stage;
  }

  /**
   * A request went unanswered in time: ends the session, whose next answer would be the late one.
   */
  private void outOfStep(String sent, DeviceTimeoutException timeout) {
    burst.log(
        "{}: no answer in time to {}; the session is closed so that the IPCP's late answer cannot"
            + " be taken for the next request's",
        describe,
        sent);
    goDown(
        new LinkLostException(
            "no answer from the IPCP in time; the session is closed, as its late answer would be"
                + " taken for the next request's",
            describe,
            sent,
            null,
            timeout));
    inner.close();
  }

  private CompletionStage<Void> write(ByteBuffer bytes) {
    lastSentNanos = System.nanoTime();
    replies.beforeWrite();
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
                burst.log(
                    "{}: keep-alive Q failed: {}",
                    describe,
                    PowerDeviceException.unwrap(t).getMessage());
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
          forward(ask(replies.line(sis)), result);
        },
        result);
    return result;
  }

  private PowerDeviceException notOpen(String sent) {
    return closedByOwner
        ? new DeviceClosedException("closed", describe, sent, null, null)
        : new LinkLostException("the IPCP link is not open", describe, sent, null, null);
  }
}

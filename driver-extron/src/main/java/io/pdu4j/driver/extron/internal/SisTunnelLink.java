package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.SecretReference;
import io.pdu4j.spi.support.CommandQueue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

/**
 * What the two forms of the IPCP tunnel (Telnet, {@link ExtronTunnelLink}, and web, {@link
 * ExtronHttpLink}) do alike: a request/reply stream link over an inner {@code tcp} link whose
 * {@link #send} becomes one SIS send-data-string (built from the {@link TunnelSettings}) and
 * completes when the IPCP has answered, retried after E22 ({@link BusyRetry}), with the reply
 * delivered to the listener after the stage; {@code Enn} answers mapped to exceptions alike; the
 * password read off the event loop at every open; every task run on the inner link's executor.
 *
 * <p>A form implements how it connects (and logs in), how one request goes out ({@link #submit}),
 * whether it is open, and its close.
 */
abstract class SisTunnelLink implements Link {
  protected final Link inner;
  protected final TunnelSettings settings;
  protected final DeviceOptions options;
  protected final String describe;
  protected LinkListener listener;
  // the inner link's listener of the current open (null: not connected), and the open under way
  LinkListener session;
  CompletableFuture<Void> opening;

  SisTunnelLink(Link inner, TunnelSettings settings, DeviceOptions options, String describe) {
    this.inner = inner;
    this.settings = settings;
    this.options = options;
    this.describe = describe;
  }

  @Override
  public final Kind kind() {
    return Kind.STREAM;
  }

  @Override
  public final boolean carriesUnsolicited() {
    return false;
  }

  @Override
  public final String describe() {
    return describe;
  }

  @Override
  public final String toString() {
    return describe;
  }

  @Override
  public final ScheduledExecutorService executor() {
    return inner.executor();
  }

  // ------------------------------------------------------------------ open

  @Override
  public final CompletionStage<Void> open(LinkListener l) {
    CompletableFuture<Void> result = new CompletableFuture<>();
    run(
        () -> {
          if (!beginOpen(result)) {
            result.completeExceptionally(new IllegalStateException(describe + " is already open"));
            return;
          }
          listener = l;
          withPassword(result);
        },
        result);
    return result;
  }

  /**
   * Reads the configured password, if any, then {@link #connect}s with it (null: none configured),
   * or fails the open. The secret is read off this thread (it is the device's event loop, shared
   * with other devices, and a file system can be slow) and at every open, so a changed one is
   * picked up.
   */
  private void withPassword(CompletableFuture<Void> result) {
    Optional<SecretReference> secret = settings.password();
    if (secret.isEmpty()) {
      connect(result, null);
      return;
    }
    secret
        .get()
        .resolveAsync(options.connectTimeout())
        .whenComplete(
            (password, t) ->
                run(
                    () -> {
                      if (!stillOpening(result)) {
                        return; // closed while the secret was read
                      }
                      if (t != null) {
                        failOpen(asDeviceException(t, "cannot read the password", describe));
                      } else {
                        connect(result, password);
                      }
                    },
                    result));
  }

  /** Starts an open completing {@code result}; false when open or opening already. */
  abstract boolean beginOpen(CompletableFuture<Void> result);

  /** Whether {@code result}'s open is still under way and has not connected yet. */
  final boolean stillOpening(CompletableFuture<Void> result) {
    return opening == result && session == null;
  }

  /** Connects (and logs in) with {@code password}, null when none is configured. */
  abstract void connect(CompletableFuture<Void> result, String password);

  /** Fails the open under way, if any, with {@code failure}. */
  void failOpen(PowerDeviceException failure) {
    CompletableFuture<Void> f = opening;
    opening = null;
    if (f != null) {
      f.completeExceptionally(failure);
    }
  }

  /** The link is up (the subclass has marked it so): tells the listener, completes the open. */
  final void completeOpen() {
    CompletableFuture<Void> f = opening;
    opening = null;
    listener.onUp();
    if (f != null) {
      f.complete(null);
    }
  }

  /** The queue of one connection, up, writing with {@code sender}. */
  final <F> CommandQueue<F> newQueue(CommandQueue.Sender sender, Consumer<F> unsolicited) {
    CommandQueue<F> queue =
        new CommandQueue<>(
            describe,
            executor(),
            options.queueCapacity(),
            options.commandTimeout(),
            Duration.ofMillis(200),
            sender,
            unsolicited,
            null);
    queue.linkUp();
    return queue;
  }

  /**
   * Ends a connection's queue: what is pending fails as lost, or as closed when {@code cause} is
   * the owner's close (then it is not a lost link).
   */
  static void closeQueue(CommandQueue<?> queue, PowerDeviceException cause) {
    if (!(cause instanceof DeviceClosedException)) {
      queue.linkDown(cause == null ? "closed" : cause.getMessage());
    }
    queue.close(); // fails what is left with DeviceClosedException
  }

  /**
   * Why the port's serial setup failed, from the failure of the command or its {@code answer};
   * empty when the port took it.
   */
  final Optional<PowerDeviceException> serialSetupFailure(
      SerialSetup serial, Throwable failure, String answer) {
    if (failure != null) {
      return Optional.of(
          asDeviceException(
              failure,
              "serial setup " + serial.value() + " of port " + settings.comPort(),
              describe));
    }
    return serial
        .mismatch(settings.comPort(), answer)
        .map(
            why ->
                new DeviceRejectedException(
                    why, describe, printable(serial.command(settings.comPort())), answer, null));
  }

  /** What a send-data-string of {@code data} is called in messages. */
  static String sendDataText(TunnelSettings settings, byte[] data) {
    return "send-data-string to port " + settings.comPort() + ": " + printable(data);
  }

  // ------------------------------------------------------------------ requests

  @Override
  public final CompletionStage<Void> send(ByteBuffer data) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    CompletableFuture<Void> result = new CompletableFuture<>();
    byte[] request;
    try {
      request = request(bytes);
    } catch (PowerDeviceException e) {
      result.completeExceptionally(e);
      return result;
    }
    run(
        () ->
            BusyRetry.request(
                () -> submit(bytes, request),
                settings,
                executor(),
                describe,
                result,
                reply -> {
                  if (isOpen()) {
                    listener.onData(ByteBuffer.wrap(reply).asReadOnlyBuffer());
                  }
                }),
        result);
    return result;
  }

  /** The send-data-string carrying {@code data}, as the settings say; checked before sending. */
  byte[] request(byte[] data) {
    return settings.request(data);
  }

  /** Sends one send-data-string; completes with the device's reply (on the executor). */
  abstract CompletionStage<byte[]> submit(byte[] data, byte[] request);

  /** The failure for an {@code Enn} answer to {@code sent}. */
  final PowerDeviceException errorFor(SisCodec.SisError error, String sent) {
    return SisCodec.exception(error, describe, sent, "the IPCP answered ");
  }

  // ------------------------------------------------------------------ helpers

  /** Completes {@code to} as {@code stage} completes, with its failure unwrapped. */
  static <T> void forward(CompletionStage<T> stage, CompletableFuture<T> to) {
    stage.whenComplete(
        (v, t) -> {
          if (t != null) {
            to.completeExceptionally(PowerDeviceException.unwrap(t));
          } else {
            to.complete(v);
          }
        });
  }

  /** Runs {@code task} on the executor; what it throws, or a shut-down executor, fails result. */
  final void run(Runnable task, CompletableFuture<?> result) {
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

  /**
   * Why an open failed, as the caller sees it: a {@link PowerDeviceException} as it is, anything
   * else as unreachable, saying {@code what} could not be done.
   */
  static PowerDeviceException asDeviceException(Throwable t, String what, String describe) {
    Throwable c = PowerDeviceException.unwrap(t);
    return c instanceof PowerDeviceException p
        ? p
        : new DeviceUnreachableException(what + ": " + c, describe, null, null, c);
  }

  static String printable(byte[] data) {
    return PowerDeviceException.printable(new String(data, StandardCharsets.ISO_8859_1));
  }
}

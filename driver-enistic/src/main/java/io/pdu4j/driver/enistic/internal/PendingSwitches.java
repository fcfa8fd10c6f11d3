package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.Datagram;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.support.Backoff;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch commands waiting for their confirming reading, at most one per socket. A command is
 * sent, and sent again after 250 ms, doubling up to 2 s between sends, until a reading of the
 * socket shows the wanted state (success) or the command timeout passes: then it fails with {@link
 * StateNotConfirmedException} when readings kept showing the opposite state (the polarity may be
 * inverted, or the commands do not reach the controller: the two look alike), otherwise with {@link
 * DeviceTimeoutException}. A second command for the same socket joins the first when it wants the
 * same state and supersedes it otherwise.
 *
 * <p>Confined to the device's thread.
 */
final class PendingSwitches {
  private static final Logger LOG = LoggerFactory.getLogger(PendingSwitches.class);

  /** The first retransmission delay; it doubles up to {@link #RETRANSMIT_MAX}. */
  static final Duration RETRANSMIT_INITIAL = Duration.ofMillis(250);

  /** The longest delay between retransmissions. */
  static final Duration RETRANSMIT_MAX = Duration.ofSeconds(2);

  /**
   * How long after a command a reading must come to count as evidence against it: readings already
   * on their way when the command was sent show the old state.
   */
  static final Duration SETTLE = Duration.ofMillis(300);

  private final String device;
  private final Link link;
  private final ScheduledExecutorService executor;
  private final Duration timeout;
  private final boolean inverted;
  private final EnisticCounters counters;
  private final Supplier<InetSocketAddress> target;
  private final Map<String, Pending> pending = new HashMap<>();

  /**
   * No switch pending yet.
   *
   * @param timeout how long a switch may take, retransmissions included
   * @param inverted whether {@code polarity=inverted}
   * @param target where a command goes at the time it is sent
   */
  PendingSwitches(
      String device,
      Link link,
      Duration timeout,
      boolean inverted,
      EnisticCounters counters,
      Supplier<InetSocketAddress> target) {
    this.device = device;
    this.link = link;
    this.executor = link.executor();
    this.timeout = timeout;
    this.inverted = inverted;
    this.counters = counters;
    this.target = target;
  }

  /**
   * Switches a socket; completes with its status once a reading shows it {@code wanted}.
   *
   * @param controller the controller serial to put in the command
   */
  CompletionStage<OutletStatus> switchSocket(
      OutletTable.Entry socket, OutletState wanted, String controller) {
    CompletableFuture<OutletStatus> f = new CompletableFuture<>();
    Pending existing = pending.get(socket.key());
    if (existing != null && !existing.future.isDone()) {
      if (existing.wanted == wanted) {
        return existing.future.copy();
      }
      existing.fail(
          new StateNotConfirmedException(
              "superseded by a command to switch it " + wanted,
              device,
              existing.command,
              null,
              null));
    }
    String command =
        EnisticCodec.command(controller, socket.serial, wanted == OutletState.ON, inverted);
    Pending p = new Pending(socket.key(), socket.number, wanted, command, f);
    pending.put(socket.key(), p);
    p.start();
    return f;
  }

  /** A reading of {@code socket} arrived showing {@code shown}. */
  void onReading(OutletTable.Entry socket, OutletState shown) {
    if (pending.isEmpty()) {
      return; // nearly always: no map lookup per reading
    }
    Pending p = pending.get(socket.key());
    if (p != null) {
      p.onReading(shown, socket.reported);
    }
  }

  /** {@code outlet}, taken for a socket, is a meter's channel: its pending switch fails. */
  void becameMeter(OutletTable.Entry outlet) {
    Pending p = pending.get(outlet.key());
    if (p != null) {
      p.fail(
          new UnsupportedCapabilityException(
              "outlet "
                  + outlet.number
                  + " turned out to be a meter channel, which cannot be switched",
              device,
              p.command,
              null,
              null));
    }
  }

  /** Fails every pending switch with {@code cause}. */
  void failAll(PowerDeviceException cause) {
    for (Pending p : List.copyOf(pending.values())) {
      p.fail(cause);
    }
  }

  /** One switch command waiting for its confirming reading. */
  private final class Pending {
    final String serialKey;
    final int number;
    final OutletState wanted;
    final String command;
    final CompletableFuture<OutletStatus> future;
    final Backoff backoff = new Backoff(RETRANSMIT_INITIAL, RETRANSMIT_MAX);
    long firstSent;
    int sends;
    int readingsAfter;
    int oppositeEvidence;
    ScheduledFuture<?> retransmit;
    ScheduledFuture<?> deadline;

    Pending(
        String serialKey,
        int number,
        OutletState wanted,
        String command,
        CompletableFuture<OutletStatus> future) {
      this.serialKey = serialKey;
      this.number = number;
      this.wanted = wanted;
      this.command = command;
      this.future = future;
    }

    void start() {
      firstSent = System.nanoTime();
      deadline = executor.schedule(this::onDeadline, timeout.toNanos(), TimeUnit.NANOSECONDS);
      // a cancelled switch stops retransmitting (cancelled on the caller's thread)
      future.whenComplete(
          (v, t) -> {
            if (future.isCancelled()) {
              onDeviceThread(this::finish);
            }
          });
      send();
    }

    void send() {
      if (future.isDone()) {
        return;
      }
      if (!link.isOpen()) {
        fail(new LinkLostException("the link is down", device, command, null, null));
        return;
      }
      sends++;
      counters.commandsSent.incrementAndGet();
      InetSocketAddress to = target.get();
      LOG.debug("{}: sending {} to {} (attempt {})", device, command, to, sends);
      link.send(new Datagram(to, command.getBytes(StandardCharsets.US_ASCII)))
          .whenComplete(
              (v, t) -> {
                if (t != null) {
                  LOG.debug(
                      "{}: sending {} failed: {}",
                      device,
                      command,
                      PowerDeviceException.unwrap(t).toString());
                }
              });
      Duration next = backoff.next();
      retransmit = executor.schedule(this::send, next.toNanos(), TimeUnit.NANOSECONDS);
    }

    void onReading(OutletState shown, OutletStatus status) {
      if (future.isDone()) {
        return;
      }
      readingsAfter++;
      if (shown == wanted) {
        finish();
        future.complete(status);
        return;
      }
      if (shown != OutletState.UNKNOWN
          && sends >= 2
          && System.nanoTime() - firstSent >= SETTLE.toNanos()) {
        oppositeEvidence++;
      }
    }

    void onDeadline() {
      if (future.isDone()) {
        return;
      }
      String limit = Durations.format(timeout);
      if (oppositeEvidence >= 2) {
        fail(
            new StateNotConfirmedException(
                "outlet "
                    + number
                    + " still reads "
                    + (wanted == OutletState.ON ? OutletState.OFF : OutletState.ON)
                    + " after "
                    + sends
                    + " commands in "
                    + limit
                    + ": the controller may use the inverted polarity (try polarity="
                    + (inverted ? "normal" : "inverted")
                    + "), or the commands do not reach it (sent to "
                    + target.get()
                    + ")",
                device,
                command,
                oppositeEvidence + " readings showing the opposite state",
                null));
      } else {
        fail(
            new DeviceTimeoutException(
                "no reading confirmed outlet "
                    + number
                    + " "
                    + wanted
                    + " within "
                    + limit
                    + " ("
                    + sends
                    + " commands sent, "
                    + readingsAfter
                    + " readings of it since)",
                device,
                command,
                null,
                null));
      }
    }

    void fail(PowerDeviceException ex) {
      finish();
      future.completeExceptionally(ex);
    }

    /** Forgets this switch and stops its timers. */
    private void finish() {
      if (pending.get(serialKey) == this) {
        pending.remove(serialKey);
      }
      if (retransmit != null) {
        retransmit.cancel(false);
      }
      if (deadline != null) {
        deadline.cancel(false);
      }
    }
  }

  private void onDeviceThread(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // the device is gone, and its timers with it
    }
  }
}

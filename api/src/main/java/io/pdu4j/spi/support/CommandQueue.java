package io.pdu4j.spi.support;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a request/reply device's commands one at a time: FIFO, bounded, a timeout per command,
 * cancellation, and reply frames matched by each command's {@link Exchange} while everything else
 * (status pushes) goes to the unsolicited sink.
 *
 * <p>Every submitted command completes exactly once: with its result, a rejection from its {@link
 * Exchange}, {@link DeviceTimeoutException} when its deadline (counted from submission, so time
 * spent queued counts) passes, {@link LinkLostException} when the link goes down while it is in
 * flight, {@link DeviceBusyException} when the queue is full, or {@link DeviceClosedException}.
 * Commands still queued when the link goes down stay queued and are sent when it comes back, within
 * their deadline.
 *
 * <p>{@link #submit} is thread-safe. Every other method must be called on the device's executor,
 * where this class keeps all its state, so it takes no locks. Completions run there too.
 *
 * <p>Sending from the caller's thread ({@link #sendFromCaller()}): a command submitted from another
 * thread while the queue is idle (nothing queued or in flight, the link up, no pause after a
 * timeout) is written by that thread at once, through the {@link Sender}, and handed to the
 * executor as the command in flight, instead of waking the executor to write it. The executor takes
 * it over before it handles anything else of the queue's (a reply frame, a link's loss, the next
 * command), so the command is ordered with everything as if it had been sent there. Only one caller
 * can take an idle queue; the others queue as before.
 *
 * @param <F> the frame type
 */
public final class CommandQueue<F> {
  private static final Logger LOG = LoggerFactory.getLogger(CommandQueue.class);
  private static final int MAX_RECORDED_FRAMES = 16;

  /**
   * The longest an unhurried executor ({@link #sendFromCaller(Executor)}) may put a task off: a
   * command whose timeout is under twice this wakes the executor instead.
   */
  public static final Duration UNHURRIED_WITHIN = Duration.ofSeconds(2);

  private static final Duration UNHURRIED_MIN_TIMEOUT = UNHURRIED_WITHIN.multipliedBy(2);
  private static final Object FREE = new Object();
  private static final Object BUSY = new Object();
  private static final VarHandle WIRE =
      VarHandles.field(MethodHandles.lookup(), CommandQueue.class, "wire", Object.class);

  /** Writes a command's bytes to the link. */
  @FunctionalInterface
  public interface Sender {
    /** Sends; the stage completes on the device's executor. */
    CompletionStage<Void> send(ByteBuffer bytes);
  }

  /**
   * Told about each completed command, e.g. to time it. Called on the device's executor, after the
   * command's future completed (its caller is not kept waiting for the bookkeeping) and before the
   * next command is sent.
   */
  @FunctionalInterface
  public interface Observer {
    /**
     * A command completed.
     *
     * @param name the exchange's {@link Exchange#name()}
     * @param elapsed from submission to completion
     * @param failure null on success
     */
    void completed(String name, Duration elapsed, Throwable failure);
  }

  private final String device;
  private final ScheduledExecutorService executor;
  private final int capacity;
  private final Duration defaultTimeout;
  private final Duration settleAfterTimeout;
  private final Sender sender;
  private final Consumer<F> unsolicited;
  private final Observer observer;
  private final Deque<Entry<F, ?>> waiting = new ArrayDeque<>();
  private final AtomicInteger pending = new AtomicInteger();
  // who may write next: FREE while the queue is idle (set by the executor only), a caller's entry
  // once it took the idle queue (from FREE only), BUSY otherwise (the executor takes an entry over
  // and sets BUSY; only the executor leaves BUSY)
  // a field of the queue with a VarHandle, not an AtomicReference: the executor reads it for every
  // line a device sends, and an object more a device is a cache line more a push at a fleet's scale
  private volatile Object wire = BUSY;
  private volatile boolean callerSends;
  private volatile Executor unhurried;
  private volatile Thread executorThread; // the executor's thread, as last seen there
  private Entry<F, ?> inFlight;
  private boolean linkUp;
  private boolean closed;
  private volatile boolean closing;
  private long holdUntilNanos; // while settling: when the next command may be sent
  private boolean settling;
  private boolean holdScheduled;

  /**
   * A queue.
   *
   * @param device the device's redacted address, for error messages
   * @param executor the device's thread
   * @param capacity how many commands may wait (besides the one in flight)
   * @param defaultTimeout the timeout of exchanges that name none
   * @param settleAfterTimeout after a command timed out, how long to wait before sending the next,
   *     so a late reply is not taken for the next command's (it goes to the unsolicited sink)
   * @param sender writes to the link
   * @param unsolicited receives frames no command claims
   * @param observer told of each completion, or null
   */
  public CommandQueue(
      String device,
      ScheduledExecutorService executor,
      int capacity,
      Duration defaultTimeout,
      Duration settleAfterTimeout,
      Sender sender,
      Consumer<F> unsolicited,
      Observer observer) {
    this.device = Objects.requireNonNull(device, "device");
    this.executor = Objects.requireNonNull(executor, "executor");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be 1 or more");
    }
    this.capacity = capacity;
    this.defaultTimeout = Objects.requireNonNull(defaultTimeout, "defaultTimeout");
    this.settleAfterTimeout = Objects.requireNonNull(settleAfterTimeout, "settleAfterTimeout");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.unsolicited = Objects.requireNonNull(unsolicited, "unsolicited");
    this.observer = observer == null ? (n, e, f) -> {} : observer;
  }

  /**
   * Queues a command. Safe from any thread. The returned future may be cancelled: a queued command
   * is then dropped unsent; one already sent still waits for its reply (so the reply is not
   * mistaken for the next command's) but its result is discarded.
   */
  public <R> CompletableFuture<R> submit(Exchange<F, R> exchange) {
    Objects.requireNonNull(exchange, "exchange");
    CompletableFuture<R> future = new CompletableFuture<>();
    if (closing) {
      future.completeExceptionally(
          new DeviceClosedException("device closed", device, exchange.describe(), null, null));
      return future;
    }
    Entry<F, R> entry = new Entry<>(exchange, future, System.nanoTime());
    boolean counted = false;
    // the caller sends only when no other command is pending (none handed to the executor and not
    // yet queued there, either): commands go out in the order they were submitted
    if (callerSends
        && wire == FREE
        && Thread.currentThread() != executorThread
        && pending.compareAndSet(0, 1)) {
      counted = true;
      entry.state = State.IN_FLIGHT;
      if (WIRE.compareAndSet(this, FREE, entry)) {
        sendNow(entry);
        return future;
      }
      entry.state = State.QUEUED;
    }
    if (!counted && pending.incrementAndGet() > capacity + 1) {
      pending.decrementAndGet();
      future.completeExceptionally(
          new DeviceBusyException(
              "command queue full (" + capacity + " waiting)",
              device,
              exchange.describe(),
              null,
              null));
      return future;
    }
    try {
      executor.execute(() -> enqueue(entry));
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet();
      future.completeExceptionally(
          new DeviceClosedException("device closed", device, exchange.describe(), null, e));
    }
    return future;
  }

  /**
   * Lets a command submitted from another thread while the queue is idle be written by that thread
   * (see the class description). Only for a {@link Sender} that may be called from any thread (one
   * that only writes to a link, whose {@link io.pdu4j.spi.Link#send} is thread-safe) and exchanges
   * whose {@link Exchange#request()} may be called there; call once, before the first command.
   */
  public void sendFromCaller() {
    sendFromCaller(null);
  }

  /**
   * As {@link #sendFromCaller()}, the executor taking a caller's command over through {@code
   * unhurried} (a {@link io.pdu4j.spi.Link#executeUnhurried}) instead of being woken for it: it
   * takes the command over anyway as it reads the reply, and a command whose timeout is shorter
   * than twice {@link #UNHURRIED_WITHIN} still wakes it, so that the deadline is kept.
   *
   * @param unhurried runs a task on the executor at its next wake-up, at most {@link
   *     #UNHURRIED_WITHIN} from now; null: wake it
   */
  public void sendFromCaller(Executor unhurried) {
    this.unhurried = unhurried;
    callerSends = true;
  }

  /** A caller that took the idle queue writes its command, then hands it to the executor. */
  private void sendNow(Entry<F, ?> entry) {
    write(entry, " (caller)");
    try {
      Executor later = unhurried;
      if (later != null
          && entry.exchange.timeout().orElse(defaultTimeout).compareTo(UNHURRIED_MIN_TIMEOUT)
              >= 0) {
        later.execute(this::takeOver);
      } else {
        executor.execute(this::takeOver);
      }
    } catch (RejectedExecutionException e) {
      executorGone(entry, e);
    }
  }

  /**
   * A caller's command the executor can no longer take over (it is shut down, and with it whatever
   * would complete the command): failed on the caller's thread, once (its failed write and its
   * take-over may both find the executor gone).
   */
  private void executorGone(Entry<F, ?> entry, RejectedExecutionException e) {
    if (entry.state == State.DONE) {
      return;
    }
    entry.state = State.DONE;
    pending.decrementAndGet();
    entry.future.completeExceptionally(
        new DeviceClosedException("device closed", device, entry.exchange.describe(), null, e));
  }

  /**
   * On the executor: a command a caller sent is taken over as the one in flight, its deadline
   * counted from its submission. Every method that reads or changes the queue's state calls this
   * first.
   */
  private void takeOver() {
    Thread current = Thread.currentThread();
    if (executorThread != current) {
      executorThread = current;
    }
    Object w = wire;
    if (w == FREE || w == BUSY) {
      return;
    }
    wire = BUSY;
    @SuppressWarnings("unchecked")
    Entry<F, ?> entry = (Entry<F, ?>) w;
    inFlight = entry;
    AwaitedReplies.started();
    Duration timeout = entry.exchange.timeout().orElse(defaultTimeout);
    entry.timeout = timeout;
    long left = timeout.toNanos() - (System.nanoTime() - entry.start);
    entry.timer =
        executor.schedule(() -> onDeadline(entry), Math.max(left, 0), TimeUnit.NANOSECONDS);
  }

  /**
   * On the executor, before the queue's state changes: no caller may take it meanwhile (one that
   * did is taken over first).
   */
  private void hold() {
    takeOver();
    wire = BUSY;
  }

  /** On the executor, after the queue's state changed: callers may send while it is idle. */
  private void release() {
    if (callerSends
        && inFlight == null
        && waiting.isEmpty()
        && linkUp
        && !closed
        && !holdScheduled) {
      if (settling) {
        if (holdUntilNanos - System.nanoTime() > 0) {
          return;
        }
        settling = false;
      }
      wire = FREE;
    }
  }

  private <R> void enqueue(Entry<F, R> entry) {
    hold();
    try {
      add(entry);
    } finally {
      release();
    }
  }

  private <R> void add(Entry<F, R> entry) {
    if (closed) {
      finish(entry, null, closedFor(entry));
      return;
    }
    if (entry.future.isDone()) { // cancelled before it reached the queue
      pending.decrementAndGet();
      entry.state = State.DONE;
      return;
    }
    Duration timeout = entry.exchange.timeout().orElse(defaultTimeout);
    entry.timer =
        executor.schedule(() -> onDeadline(entry), timeout.toNanos(), TimeUnit.NANOSECONDS);
    entry.timeout = timeout;
    waiting.addLast(entry);
    entry.future.whenComplete(
        (r, t) -> {
          if (t instanceof CancellationException) {
            executor.execute(() -> onCancelled(entry));
          }
        });
    pump();
  }

  /** Hands a frame to the command in flight, or to the unsolicited sink. Device thread only. */
  public void onFrame(F frame) {
    takeOver();
    Entry<F, ?> entry = inFlight;
    if (entry == null) {
      unsolicited.accept(frame);
      return;
    }
    Outcome<?> outcome;
    try {
      outcome = entry.exchange.onFrame(frame);
    } catch (RuntimeException e) {
      outcome =
          Outcome.fail(
              new ProtocolException(
                  "cannot read reply: " + e.getMessage(),
                  device,
                  entry.exchange.describe(),
                  String.valueOf(frame),
                  e));
    }
    switch (outcome.kind()) {
      case CONTINUE -> entry.record(frame);
      case UNSOLICITED -> unsolicited.accept(frame);
      case DONE -> {
        entry.record(frame);
        finishUnchecked(entry, outcome.result(), null);
      }
      case FAILED -> {
        entry.record(frame);
        finish(entry, null, outcome.failure());
      }
    }
  }

  /** The link is up: start sending. Device thread only. */
  public void linkUp() {
    hold();
    linkUp = true;
    pump();
  }

  /**
   * The link went down: the command in flight fails with {@link LinkLostException}; queued ones
   * wait for {@link #linkUp()} within their deadlines. Device thread only.
   */
  public void linkDown(String reason) {
    hold();
    linkUp = false;
    Entry<F, ?> entry = inFlight;
    if (entry != null) {
      finish(
          entry,
          null,
          new LinkLostException(
              "link lost before the reply was complete (" + reason + ")",
              device,
              entry.exchange.describe(),
              entry.received(),
              null));
    }
    release();
  }

  /**
   * Fails every command, in flight and queued, with the exception {@code failure} makes from the
   * command's description. For a driver that gives up reconnecting. Device thread only.
   */
  public void failAll(Function<String, PowerDeviceException> failure) {
    hold();
    if (inFlight != null) {
      Entry<F, ?> e = inFlight;
      finish(e, null, failure.apply(e.exchange.describe()));
    }
    while (!waiting.isEmpty()) {
      Entry<F, ?> e = waiting.peekFirst();
      finish(e, null, failure.apply(e.exchange.describe()));
    }
    release();
  }

  /**
   * Refuses new commands and fails every pending one with {@link DeviceClosedException}. Device
   * thread only; idempotent.
   */
  public void close() {
    closing = true;
    hold();
    closed = true;
    failAll(sent -> new DeviceClosedException("device closed", device, sent, null, null));
  }

  /** Marks the queue closing so {@link #submit} refuses at once; safe from any thread. */
  public void refuseNew() {
    closing = true;
  }

  /** Commands submitted and not yet completed, including the one in flight. */
  public int pending() {
    return pending.get();
  }

  /** Whether a command is in flight. Device thread only. */
  public boolean busy() {
    takeOver();
    return inFlight != null;
  }

  private void pump() {
    hold();
    sendNext();
    release();
  }

  private void sendNext() {
    if (inFlight != null || !linkUp || closed || waiting.isEmpty()) {
      return;
    }
    if (settling) {
      long wait = holdUntilNanos - System.nanoTime();
      if (wait > 0) {
        if (!holdScheduled) {
          holdScheduled = true;
          executor.schedule(
              () -> {
                holdScheduled = false;
                pump();
              },
              wait,
              TimeUnit.NANOSECONDS);
        }
        return;
      }
      settling = false;
    }
    Entry<F, ?> entry = waiting.pollFirst();
    inFlight = entry;
    entry.state = State.IN_FLIGHT;
    AwaitedReplies.started();
    write(entry, "");
  }

  /** Writes the command through the sender; a failed write fails it (on the executor). */
  private void write(Entry<F, ?> entry, String by) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{}: sending {}{}",
          device,
          PowerDeviceException.printable(entry.exchange.describe()),
          by);
    }
    CompletionStage<Void> sent;
    try {
      sent = sender.send(entry.exchange.request());
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    onSendFailure(entry, sent);
  }

  /** Fails the command when its write fails (the sender's stage completes on the executor). */
  private void onSendFailure(Entry<F, ?> entry, CompletionStage<Void> sent) {
    sent.whenComplete(
        (v, t) -> {
          if (t == null) {
            return;
          }
          if (Thread.currentThread() != executorThread) {
            // failed before the caller that sent it returned: on the executor, as every failure
            try {
              executor.execute(() -> sendFailed(entry, t));
            } catch (RejectedExecutionException e) {
              executorGone(entry, e);
            }
            return;
          }
          sendFailed(entry, t);
        });
  }

  private void sendFailed(Entry<F, ?> entry, Throwable t) {
    takeOver();
    if (entry.state == State.DONE) {
      return;
    }
    Throwable cause = t instanceof java.util.concurrent.CompletionException ? t.getCause() : t;
    PowerDeviceException failure =
        cause instanceof PowerDeviceException p
            ? naming(p, entry.exchange.describe())
            : new LinkLostException(
                "write failed: " + cause, device, entry.exchange.describe(), null, cause);
    finish(entry, null, failure);
  }

  /**
   * A link's own failure (a TCP link knows neither the device's address nor the command) as the
   * same kind of error, naming the device and what was being sent; one that already names what was
   * sent (a tunnel's rejection) is kept as it is.
   */
  private PowerDeviceException naming(PowerDeviceException p, String sent) {
    if (p instanceof DeviceClosedException && !closing) {
      // the link was closed under the command (a tunnel recycled by the quiet-link watch), not
      // the device: for the caller that is a lost link
      return new LinkLostException(
          "link closed while sending: " + p.getMessage(), device, sent, null, p);
    }
    if (p.sent().isPresent()) {
      return p;
    }
    if (p instanceof LinkLostException) {
      return new LinkLostException(p.getMessage(), device, sent, null, p);
    }
    if (p instanceof DeviceBusyException) {
      return new DeviceBusyException(p.getMessage(), device, sent, null, p);
    }
    return p;
  }

  private void onDeadline(Entry<F, ?> entry) {
    takeOver();
    if (entry.state == State.DONE) {
      return;
    }
    PowerDeviceException failure;
    if (entry.state == State.IN_FLIGHT) {
      failure =
          new DeviceTimeoutException(
              "no complete reply within " + Durations.format(entry.timeout),
              device,
              entry.exchange.describe(),
              entry.received(),
              null);
      holdUntilNanos = System.nanoTime() + settleAfterTimeout.toNanos();
      settling = true;
    } else if (!linkUp) {
      failure =
          new LinkLostException(
              "link down; not sent within " + Durations.format(entry.timeout),
              device,
              entry.exchange.describe(),
              null,
              null);
    } else {
      failure =
          new DeviceTimeoutException(
              "timed out in the queue after " + Durations.format(entry.timeout) + ", not sent",
              device,
              entry.exchange.describe(),
              null,
              null);
    }
    finish(entry, null, failure);
  }

  private void onCancelled(Entry<F, ?> entry) {
    hold();
    if (entry.state == State.QUEUED) {
      waiting.remove(entry);
      entry.state = State.DONE;
      if (entry.timer != null) {
        entry.timer.cancel(false);
      }
      pending.decrementAndGet();
      observer.completed(
          entry.exchange.name(),
          Duration.ofNanos(System.nanoTime() - entry.start),
          new CancellationException());
    }
    // in flight: left to finish normally so its reply is not taken for the next command's
    release();
  }

  @SuppressWarnings("unchecked")
  private <R> void finishUnchecked(Entry<F, R> entry, Object result, PowerDeviceException failure) {
    finish(entry, (R) result, failure);
  }

  private <R> void finish(Entry<F, R> entry, R result, PowerDeviceException failure) {
    if (entry.state == State.DONE) {
      return;
    }
    boolean wasInFlight = entry.state == State.IN_FLIGHT;
    entry.state = State.DONE;
    if (wasInFlight) {
      inFlight = null;
      AwaitedReplies.ended();
    } else {
      waiting.remove(entry);
    }
    pending.decrementAndGet();
    long elapsed = System.nanoTime() - entry.start;
    // the caller first (a blocked caller is woken from here), the bookkeeping after
    if (failure == null) {
      entry.future.complete(result);
    } else {
      entry.future.completeExceptionally(failure);
    }
    if (entry.timer != null) {
      entry.timer.cancel(false);
    }
    observer.completed(entry.exchange.name(), Duration.ofNanos(elapsed), failure);
    pump();
  }

  private PowerDeviceException closedFor(Entry<F, ?> entry) {
    return new DeviceClosedException(
        "device closed", device, entry.exchange.describe(), null, null);
  }

  private enum State {
    QUEUED,
    IN_FLIGHT,
    DONE
  }

  private static final class Entry<F, R> {
    final Exchange<F, R> exchange;
    final CompletableFuture<R> future;
    final long start;
    State state = State.QUEUED;
    ScheduledFuture<?> timer;
    Duration timeout;
    StringBuilder frames;
    int recorded;

    Entry(Exchange<F, R> exchange, CompletableFuture<R> future, long start) {
      this.exchange = exchange;
      this.future = future;
      this.start = start;
    }

    void record(Object frame) {
      if (recorded >= MAX_RECORDED_FRAMES) {
        return;
      }
      if (frames == null) {
        frames = new StringBuilder();
      } else {
        frames.append('\n');
      }
      String text = String.valueOf(frame);
      frames.append(text, 0, Math.min(text.length(), 200));
      recorded++;
    }

    String received() {
      return frames == null ? "" : frames.toString();
    }
  }
}

package io.pdu4j.testkit;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.Subscription;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.DriverCounters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * A relay board and its driver in one, in memory, for testing the kit itself: it keeps the driver
 * contract unless told to break one rule ({@link Bug}), so that each of the kit's checks can be
 * seen to fail on the bug it is there to catch.
 */
final class FakeRelays implements PowerDevice {
  /** One rule the device breaks. */
  enum Bug {
    NONE,
    /** A switch reports the wanted state without the board switching. */
    SWITCH_NOT_SENT,
    /** An unsupported call is sent to the board before it fails. */
    SENDS_UNSUPPORTED,
    /** A silent board fails the command with a rejection instead of a timeout. */
    NO_TIMEOUT,
    /** A rejection carries no reply. */
    REJECTION_WITHOUT_REPLY,
    /** A flood is skipped without being counted. */
    FLOOD_NOT_COUNTED,
    /** A flood takes the link down for good. */
    FLOOD_IS_FATAL,
    /** close() fails pending commands as a lost link. */
    CLOSE_AS_LINK_LOST,
    /** close() leaves a thread of the driver running. */
    THREAD_LEFT,
    /** A stage calls its callbacks twice. */
    COMPLETES_TWICE,
    /** A switch to UNKNOWN throws instead of failing its stage. */
    THROWS_ON_INVALID_ARGUMENT,
    /** A cancelled command leaves the link down for good. */
    CANCEL_WEDGES
  }

  /** The board: what a simulator would hold. */
  static final class Board {
    final boolean[] relays = new boolean[4];
    final AtomicLong commands = new AtomicLong();
    volatile boolean silent;
    volatile String rejectNext;
    volatile boolean dropNext;

    synchronized boolean relay(int n) {
      return relays[n - 1];
    }

    synchronized void set(int n, boolean on) {
      relays[n - 1] = on;
    }
  }

  private static final Set<OutletCapability> CAPS = Set.of(OutletCapability.SWITCHABLE);
  private static final Duration TIMEOUT = Duration.ofMillis(300);

  private final Board board;
  private final Bug bug;
  private final DriverCounters counters;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "fake-relays-driver"));
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private final List<Outlet> outlets = new ArrayList<>();
  private volatile ConnectionState state = ConnectionState.CONNECTED;
  private volatile DeviceStatus last;

  FakeRelays(Board board, Bug bug, DriverCounters counters) {
    this.board = board;
    this.bug = bug;
    this.counters = counters;
    for (int n = 1; n <= board.relays.length; n++) {
      outlets.add(new Relay(n));
    }
    last = snapshot();
    if (bug == Bug.THREAD_LEFT) {
      Thread leaked = new Thread(this::idle, "fake-relays-reader");
      leaked.setDaemon(true);
      leaked.start();
    }
  }

  private void idle() {
    try {
      new CompletableFuture<Void>().get(); // parks until interrupted, which close() forgets
    } catch (Exception e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The board sends garbage: counted and skipped, unless a bug says otherwise. */
  void flood() {
    executor.execute(
        () -> {
          if (bug != Bug.FLOOD_NOT_COUNTED) {
            counters.overlongFrame();
            counters.malformedFrame();
          }
          if (bug == Bug.FLOOD_IS_FATAL) {
            state = ConnectionState.OFFLINE;
          }
        });
  }

  private <T> CompletableFuture<T> newStage() {
    return switch (bug) {
      case COMPLETES_TWICE -> new TwiceFuture<>();
      case CANCEL_WEDGES -> new WedgingFuture<>();
      default -> new CompletableFuture<>();
    };
  }

  /** Sends one command to the board; {@code action} is what the board does and answers. */
  private <T> CompletionStage<T> send(String command, Supplier<T> action) {
    CompletableFuture<T> result = newStage();
    if (state == ConnectionState.CLOSED) {
      result.completeExceptionally(
          new DeviceClosedException("closed", "fake", command, null, null));
      return result;
    }
    pending.add(result);
    result.whenComplete((r, t) -> pending.remove(result));
    executor.execute(() -> exchange(command, action, result));
    return result;
  }

  private <T> void exchange(String command, Supplier<T> action, CompletableFuture<T> result) {
    if (state == ConnectionState.OFFLINE) {
      result.completeExceptionally(new LinkLostException("down", "fake", command, null, null));
      return;
    }
    board.commands.incrementAndGet();
    if (board.dropNext) {
      board.dropNext = false;
      result.completeExceptionally(new LinkLostException("dropped", "fake", command, null, null));
      return;
    }
    String reject = board.rejectNext;
    if (reject != null) {
      board.rejectNext = null;
      String received = bug == Bug.REJECTION_WITHOUT_REPLY ? null : reject;
      result.completeExceptionally(
          new DeviceRejectedException("refused", "fake", command, received, null));
      return;
    }
    if (board.silent) {
      PowerDeviceException e =
          bug == Bug.NO_TIMEOUT
              ? new DeviceRejectedException("no answer", "fake", command, "", null)
              : new DeviceTimeoutException("no answer", "fake", command, null, null);
      executor.schedule(
          () -> result.completeExceptionally(e), TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return;
    }
    result.complete(action.get());
  }

  private DeviceStatus snapshot() {
    List<OutletStatus> list = new ArrayList<>();
    for (int n = 1; n <= board.relays.length; n++) {
      list.add(status(n, board.relay(n) ? OutletState.ON : OutletState.OFF));
    }
    return new DeviceStatus(Instant.now(), Optional.empty(), list, Optional.empty());
  }

  private static OutletStatus status(int n, OutletState s) {
    return new OutletStatus(
        n, "r" + n, "Relay " + n, s, OptionalDouble.empty(), OptionalDouble.empty(), CAPS);
  }

  private <T> CompletionStage<T> unsupported(String what) {
    if (bug == Bug.SENDS_UNSUPPORTED) {
      board.commands.incrementAndGet();
    }
    CompletableFuture<T> f = newStage();
    f.completeExceptionally(new UnsupportedCapabilityException(what + " is not supported"));
    return f;
  }

  @Override
  public DeviceInfo info() {
    return new DeviceInfo(
        "fake", "pdu4j", "relays", Optional.empty(), Optional.empty(), Optional.empty(), "fake:");
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return EnumSet.of(DeviceCapability.STATUS, DeviceCapability.SWITCH);
  }

  @Override
  public List<Outlet> outlets() {
    return List.copyOf(outlets);
  }

  @Override
  public Outlet outlet(int number) {
    if (number < 1 || number > outlets.size()) {
      throw new InvalidArgumentException("no outlet " + number);
    }
    return outlets.get(number - 1);
  }

  @Override
  public CompletionStage<DeviceStatus> refresh() {
    return send(
        "?",
        () -> {
          last = snapshot();
          return last;
        });
  }

  @Override
  public Optional<DeviceStatus> lastStatus() {
    return Optional.of(last);
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState s) {
    return unsupported("switchAll");
  }

  @Override
  public CompletionStage<Void> restart() {
    return unsupported("restart");
  }

  @Override
  public Optional<Scheduler> scheduler() {
    return Optional.empty();
  }

  @Override
  public Optional<DeviceClock> clock() {
    return Optional.empty();
  }

  @Override
  public Subscription subscribe(DeviceListener listener) {
    return () -> {};
  }

  @Override
  public ConnectionState connectionState() {
    return state;
  }

  @Override
  public void close() {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    state = ConnectionState.CLOSED;
    for (CompletableFuture<?> f : List.copyOf(pending)) {
      f.completeExceptionally(
          bug == Bug.CLOSE_AS_LINK_LOST
              ? new LinkLostException("link closed", "fake", null, null, null)
              : new DeviceClosedException("closed", "fake", null, null, null));
    }
    executor.shutdownNow(); // the reader thread of THREAD_LEFT is forgotten here
  }

  /** A stage that calls every callback twice, as a driver completing twice would look. */
  private static final class TwiceFuture<T> extends CompletableFuture<T> {
    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
      super.whenComplete(action);
      return super.whenComplete(action);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }

  /** A stage whose cancellation takes the link down for good, done or not. */
  private final class WedgingFuture<T> extends CompletableFuture<T> {
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      state = ConnectionState.OFFLINE;
      return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }

  private final class Relay implements Outlet {
    private final int number;

    Relay(int number) {
      this.number = number;
    }

    @Override
    public int number() {
      return number;
    }

    @Override
    public String id() {
      return "r" + number;
    }

    @Override
    public String name() {
      return "Relay " + number;
    }

    @Override
    public Set<OutletCapability> capabilities() {
      return CAPS;
    }

    @Override
    public OutletStatus status() {
      return last.outlet(number).orElseThrow();
    }

    private CompletionStage<OutletStatus> switchTo(boolean on) {
      if (bug == Bug.SWITCH_NOT_SENT) {
        CompletableFuture<OutletStatus> f = newStage();
        f.complete(FakeRelays.status(number, on ? OutletState.ON : OutletState.OFF));
        return f;
      }
      return send(
          "S" + number + "=" + (on ? 1 : 0),
          () -> {
            board.set(number, on);
            last = snapshot();
            return last.outlet(number).orElseThrow();
          });
    }

    @Override
    public CompletionStage<OutletStatus> switchOn() {
      return switchTo(true);
    }

    @Override
    public CompletionStage<OutletStatus> switchTo(OutletState state) {
      if (bug == Bug.THROWS_ON_INVALID_ARGUMENT
          && state != OutletState.ON
          && state != OutletState.OFF) {
        throw new InvalidArgumentException("cannot switch to " + state);
      }
      return Outlet.super.switchTo(state);
    }

    @Override
    public CompletionStage<OutletStatus> switchOff() {
      return switchTo(false);
    }

    @Override
    public CompletionStage<OutletStatus> cycle(Duration offTime) {
      return unsupported("cycle");
    }

    @Override
    public CompletionStage<OutletConfig> config() {
      return unsupported("config");
    }

    @Override
    public CompletionStage<Void> configure(OutletConfig config) {
      return unsupported("configure");
    }
  }
}

package io.pdu4j.example.relay;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.Subscription;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.CommandQueue;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Exchange;
import io.pdu4j.spi.LineFramer;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.spi.ListenerList;
import io.pdu4j.spi.Outcome;
import io.pdu4j.spi.StatusEvents;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One relay board. Everything that touches its state runs on the link's executor (the device's
 * thread), so it holds no locks: link callbacks arrive there, and the SPI's {@link CommandQueue}
 * completes commands there. Readers on other threads see volatile snapshots.
 *
 * <p>Not done here, to stay short: reconnecting after the link goes down (the device stays {@code
 * OFFLINE} and commands fail with {@link io.pdu4j.api.LinkLostException}; a runtime that supervises
 * the device closes and reopens it after a while). A real driver reopens its link itself with
 * {@link io.pdu4j.spi.LinkReopener}, as the IsoTek, Enistic and Extron drivers do.
 */
final class LineRelayDevice implements PowerDevice {
  private static final Set<DeviceCapability> CAPABILITIES =
      Set.copyOf(EnumSet.of(DeviceCapability.STATUS, DeviceCapability.SWITCH));

  private final String device;
  private final Link link;
  private final ScheduledExecutorService executor;
  private final DriverContext context;
  private final LineFramer framer;
  private final CommandQueue<String> queue;
  private final ListenerList listeners;
  private final CompletableFuture<PowerDevice> ready = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private volatile ConnectionState state = ConnectionState.CONNECTING;
  private volatile DeviceStatus last;
  private volatile List<Outlet> outlets = List.of();

  LineRelayDevice(DriverContext context) {
    this.context = context;
    this.device = context.address().toString();
    this.link = context.link();
    this.executor = context.executor();
    this.framer =
        new LineFramer(
            Math.min(context.options().maxFrameLength(), LineRelayProtocol.MAX_LINE), List.of());
    this.listeners = new ListenerList(device);
    this.queue =
        new CommandQueue<>(
            device,
            executor,
            context.options().queueCapacity(),
            context.options().commandTimeout(),
            Duration.ofMillis(
                200), // let a late reply arrive and be dropped before the next command
            link::send,
            line -> {}, // the board never speaks unasked; a stray line is dropped
            null);
  }

  /** Opens the link and completes when the board has answered its first STATUS. */
  CompletionStage<PowerDevice> start() {
    Duration readyTimeout = context.options().readyTimeout();
    executor.schedule(
        () ->
            ready.completeExceptionally(
                new DeviceTimeoutException(
                    "not ready within " + readyTimeout, device, null, null, null)),
        readyTimeout.toNanos(),
        TimeUnit.NANOSECONDS);
    link.open(
            new LinkListener() {
              @Override
              public void onUp() {
                queue.linkUp();
                refresh()
                    .whenComplete(
                        (s, failure) -> {
                          if (failure == null) {
                            ready.complete(LineRelayDevice.this);
                          } else {
                            ready.completeExceptionally(unwrap(failure));
                          }
                        });
              }

              @Override
              public void onData(ByteBuffer data) {
                framer.feed(
                    data,
                    new LineFramer.Sink() {
                      @Override
                      public void onFrame(String frame) {
                        queue.onFrame(frame);
                      }

                      @Override
                      public void onOverlong(String start) {
                        // skipped to the next line end by the framer (the command waiting for it
                        // times out); counted for the runtime's pdu.frames.malformed
                        context.counters().overlongFrame();
                      }
                    });
              }

              @Override
              public void onDown(PowerDeviceException cause) {
                framer.reset();
                changeState(ConnectionState.OFFLINE, cause.getMessage());
                queue.linkDown(cause.getMessage());
                ready.completeExceptionally(cause);
              }
            })
        .whenComplete(
            (v, failure) -> {
              if (failure != null) {
                Throwable t = unwrap(failure);
                ready.completeExceptionally(
                    t instanceof PowerDeviceException
                        ? t
                        : new DeviceUnreachableException(
                            "cannot open " + link.describe(), device, null, null, t));
              }
            });
    // a device that fails to open releases its link
    ready.whenComplete(
        (d, failure) -> {
          if (failure != null) {
            close();
          }
        });
    return ready;
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }

  /**
   * Sends one command; the reply is the board's relay states, which become {@link #lastStatus()}.
   * When {@code relay} is not 0, the reply must show it {@code on} (or off), else the command fails
   * with {@link StateNotConfirmedException}.
   */
  private CompletableFuture<DeviceStatus> command(String line, int relay, boolean on) {
    return queue.submit(
        new Exchange<String, DeviceStatus>() {
          @Override
          public ByteBuffer request() {
            return ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
          }

          @Override
          public String describe() {
            return line;
          }

          @Override
          public String name() {
            return line.split(" ")[0].toLowerCase(java.util.Locale.ROOT);
          }

          @Override
          public Outcome<DeviceStatus> onFrame(String reply) {
            if (LineRelayProtocol.isError(reply)) {
              return Outcome.fail(
                  new DeviceRejectedException("the board refused", device, line, reply, null));
            }
            List<Boolean> relays;
            try {
              relays = LineRelayProtocol.parseRelays(reply);
            } catch (ProtocolException e) {
              context.counters().malformedFrame();
              return Outcome.fail(new ProtocolException(e.getMessage(), device, line, reply, e));
            }
            DeviceStatus status = update(relays);
            if (relay != 0 && (relay > relays.size() || relays.get(relay - 1) != on)) {
              return Outcome.fail(
                  new StateNotConfirmedException(
                      "relay " + relay + " did not switch " + (on ? "on" : "off"),
                      device,
                      line,
                      reply,
                      null));
            }
            return Outcome.done(status);
          }
        });
  }

  /** Takes a report of relay states: outlets, last status, events. Device thread only. */
  private DeviceStatus update(List<Boolean> relays) {
    if (outlets.size() != relays.size()) {
      List<Outlet> list = new ArrayList<>(relays.size());
      for (int n = 1; n <= relays.size(); n++) {
        list.add(new RelayOutlet(n));
      }
      outlets = List.copyOf(list);
    }
    List<OutletStatus> statuses = new ArrayList<>(relays.size());
    for (int n = 1; n <= relays.size(); n++) {
      statuses.add(outletStatus(n, relays.get(n - 1) ? OutletState.ON : OutletState.OFF));
    }
    DeviceStatus previous = last;
    DeviceStatus current =
        new DeviceStatus(context.clock().instant(), Optional.empty(), statuses, Optional.empty());
    last = current;
    changeState(ConnectionState.CONNECTED, null);
    StatusEvents.of(device, previous, previous != null, current).forEach(listeners::dispatch);
    return current;
  }

  private static OutletStatus outletStatus(int n, OutletState state) {
    return new OutletStatus(
        n,
        Integer.toString(n),
        "Relay " + n,
        state,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        Set.of(OutletCapability.SWITCHABLE));
  }

  private void changeState(ConnectionState next, String reason) {
    ConnectionState previous = state;
    if (previous == next || previous == ConnectionState.CLOSED) {
      return;
    }
    state = next;
    listeners.dispatch(
        new DeviceEvent.Connection(
            device, context.clock().instant(), previous, next, Optional.ofNullable(reason)));
  }

  private <T> CompletionStage<T> unsupported(String what) {
    return CompletableFuture.failedFuture(
        new UnsupportedCapabilityException(
            "a line relay board cannot " + what, device, null, null, null));
  }

  @Override
  public DeviceInfo info() {
    return new DeviceInfo(
        "linerelay",
        "pdu4j examples",
        "line relay board",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        device);
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public List<Outlet> outlets() {
    return outlets;
  }

  @Override
  public Outlet outlet(int number) {
    List<Outlet> list = outlets;
    if (number < 1 || number > list.size()) {
      throw new InvalidArgumentException(
          device + " has no relay " + number + "; its relays are 1.." + list.size());
    }
    return list.get(number - 1);
  }

  @Override
  public CompletionStage<DeviceStatus> refresh() {
    return command(LineRelayProtocol.status(), 0, false);
  }

  @Override
  public Optional<DeviceStatus> lastStatus() {
    return Optional.ofNullable(last);
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState state) {
    return unsupported("switch all relays in one command");
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
    return listeners.add(listener);
  }

  @Override
  public ConnectionState connectionState() {
    return state;
  }

  /**
   * Refuses new commands at once; on the device's thread, fails pending ones with {@link
   * DeviceClosedException} and closes the link. Returns without waiting for that.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    queue.refuseNew();
    Runnable shutdown =
        () -> {
          queue.close();
          ready.completeExceptionally(
              new DeviceClosedException("closed while opening", device, null, null, null));
          changeState(ConnectionState.CLOSED, null);
          link.close();
        };
    try {
      executor.execute(shutdown);
    } catch (RejectedExecutionException e) {
      shutdown.run(); // the executor is gone: nothing else runs concurrently any more
    }
  }

  @Override
  public String toString() {
    return "LineRelayDevice[" + device + ", " + state + "]";
  }

  /** One relay. */
  private final class RelayOutlet implements Outlet {
    private final int number;

    RelayOutlet(int number) {
      this.number = number;
    }

    @Override
    public int number() {
      return number;
    }

    @Override
    public String id() {
      return Integer.toString(number);
    }

    @Override
    public String name() {
      return "Relay " + number;
    }

    @Override
    public Set<OutletCapability> capabilities() {
      return Set.of(OutletCapability.SWITCHABLE);
    }

    @Override
    public OutletStatus status() {
      DeviceStatus s = last;
      return s == null
          ? outletStatus(number, OutletState.UNKNOWN)
          : s.outlet(number).orElse(outletStatus(number, OutletState.UNKNOWN));
    }

    @Override
    public CompletionStage<OutletStatus> switchOn() {
      return switchTo(true);
    }

    @Override
    public CompletionStage<OutletStatus> switchOff() {
      return switchTo(false);
    }

    private CompletionStage<OutletStatus> switchTo(boolean on) {
      return command(LineRelayProtocol.switchRelay(number, on), number, on)
          .thenApply(s -> s.outlet(number).orElseThrow());
    }

    @Override
    public CompletionStage<OutletStatus> cycle(Duration offTime) {
      return unsupported("cycle a relay");
    }

    @Override
    public CompletionStage<OutletConfig> config() {
      return unsupported("read relay settings");
    }

    @Override
    public CompletionStage<Void> configure(OutletConfig config) {
      return unsupported("change relay settings");
    }
  }
}

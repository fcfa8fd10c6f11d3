package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.spi.DeviceSession;
import io.pdu4j.spi.DeviceSink;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An IPCP's relays 1..8 as outlets, over the SIS session of an {@link ExtronTunnelLink} that pdu4j
 * opens and reopens: each relay read with {@code nO}, switched with {@code n*1O} / {@code n*0O} and
 * read back. Runs on the device's thread, as pdu4j calls it.
 */
public final class ExtronRelaySession implements DeviceSession {
  private static final Logger LOG = LoggerFactory.getLogger(ExtronRelaySession.class);
  private static final int RELAYS = 8;
  private static final Set<OutletCapability> OUTLET_CAPS = Set.of(OutletCapability.SWITCHABLE);

  /** How often the relays are read when the address sets no {@code poll}. */
  public static final Duration DEFAULT_POLL = Duration.ofSeconds(5);

  private final DriverContext context;
  private final String device;
  private ExtronTunnelLink tunnel;
  private DeviceSink sink;
  private DeviceStatus last; // the last status reported to the sink
  private long switches; // switches started, see refresh()
  private boolean closed;
  // cycles in their off time: shutdown() fails them, since their timer will not switch back on
  private final Set<CompletableFuture<OutletStatus>> cyclesOff = new HashSet<>();
  // completes when no cycle holds the relays: until then, other commands wait (see cycle())
  private CompletableFuture<Void> cyclesDone = CompletableFuture.completedFuture(null);
  private int waiting; // commands waiting for cyclesDone: at most the queue's capacity

  /** The session for {@code context}'s IPCP; does no I/O. */
  public ExtronRelaySession(DriverContext context) {
    this.context = context;
    this.device = context.address().toString();
  }

  @Override
  public Link link(Link given) {
    tunnel =
        new ExtronTunnelLink(
            given,
            TunnelSettings.gateway(context.address()),
            context.options(),
            context.counters());
    return tunnel;
  }

  @Override
  public DeviceInfo describe() {
    return info(Optional.empty());
  }

  private DeviceInfo info(Optional<SisCodec.Banner> banner) {
    return new DeviceInfo(
        "extron",
        "Extron",
        banner.map(SisCodec.Banner::model).orElse("IPCP"),
        Optional.empty(),
        Optional.empty(),
        banner.map(SisCodec.Banner::firmware),
        device);
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return Set.of(
        DeviceCapability.STATUS,
        DeviceCapability.SWITCH,
        DeviceCapability.SWITCH_ALL,
        DeviceCapability.CYCLE);
  }

  /**
   * {@link #DEFAULT_POLL}: the IPCP says nothing unasked, and relays switched elsewhere (a panel,
   * another control system) must show up as outlet events.
   */
  @Override
  public Optional<Duration> pollInterval(boolean linkCarriesPushes) {
    return Optional.of(DEFAULT_POLL);
  }

  @Override
  public void start(DeviceSink sink) {
    this.sink = sink;
  }

  @Override
  public void linkUp() {
    sink.info(info(tunnel.banner())); // logged in: the banner told the model and firmware
  }

  @Override
  public void linkDown(PowerDeviceException cause) {
    // the tunnel fails its pending commands itself
  }

  /**
   * Reads relays 1..8 one after the other. A reading during which a relay was switched is returned
   * but not reported: a relay read before the switch would undo what the switch's read-back has
   * just reported.
   */
  @Override
  public CompletionStage<DeviceStatus> refresh() {
    long switchesBefore = switches;
    List<OutletStatus> list = new ArrayList<>(RELAYS); // filled in turn on the device's thread
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (int n = 1; n <= RELAYS; n++) {
      int relay = n;
      chain = chain.thenCompose(x -> read(relay, false)).thenAccept(list::add);
    }
    return chain.thenApply(
        x -> {
          DeviceStatus status = DeviceStatus.of(context.clock().instant(), list);
          if (switches == switchesBefore) {
            report(status);
          } else {
            LOG.debug("{}: relays read during a switch; not reported", device);
          }
          return status;
        });
  }

  private void report(DeviceStatus status) {
    last = status;
    sink.status(status);
  }

  /** Reports {@code relay} with the other relays as last reported. */
  private void reportOne(OutletStatus relay) {
    List<OutletStatus> list = new ArrayList<>(RELAYS);
    for (int n = 1; n <= RELAYS; n++) {
      int k = n;
      list.add(
          n == relay.number()
              ? relay
              : Optional.ofNullable(last)
                  .flatMap(b -> b.outlet(k))
                  .orElse(status(k, OutletState.UNKNOWN)));
    }
    report(DeviceStatus.of(context.clock().instant(), list));
  }

  /**
   * Sends a SIS command, once no cycle holds the relays unless it is {@code cycling}'s own: nothing
   * else is sent between a cycle's off and on.
   */
  private CompletionStage<String> command(String sis, boolean cycling) {
    if (cycling || cyclesDone.isDone()) {
      return tunnel.command(sis);
    }
    int capacity = context.options().queueCapacity();
    if (waiting >= capacity) {
      return CompletableFuture.failedFuture(
          new DeviceBusyException(
              "command queue full (" + capacity + " wait for a cycle's on)",
              device,
              sis,
              null,
              null));
    }
    waiting++;
    return cyclesDone.thenCompose(
        x -> {
          waiting--;
          return tunnel.command(sis);
        });
  }

  private CompletionStage<OutletStatus> read(int relay, boolean cycling) {
    String command = relay + "O";
    return command(command, cycling)
        .thenApply(
            answer -> {
              String a = answer.trim();
              if (!a.equals("0") && !a.equals("1")) {
                throw new ProtocolException(
                    "relay read-back is not 0 or 1", device, command, answer, null);
              }
              return status(relay, a.equals("1") ? OutletState.ON : OutletState.OFF);
            });
  }

  private static OutletStatus status(int relay, OutletState s) {
    return OutletStatus.of(relay, "Relay " + relay, s, OUTLET_CAPS);
  }

  @Override
  public CompletionStage<OutletStatus> switchOutlet(int relay, OutletState state) {
    return switchRelay(relay, state == OutletState.ON, false);
  }

  private CompletionStage<OutletStatus> switchRelay(int relay, boolean on, boolean cycling) {
    String command = relay + "*" + (on ? 1 : 0) + "O";
    OutletState wanted = on ? OutletState.ON : OutletState.OFF;
    switches++;
    return command(command, cycling)
        .thenCompose(answer -> read(relay, cycling))
        .thenApply(
            s -> {
              if (s.state() != wanted) {
                throw new StateNotConfirmedException(
                    "relay " + relay + " reads back " + s.state() + " after " + command);
              }
              reportOne(s);
              return s;
            });
  }

  /** Switches relays 1..8 in turn, then reads them all. */
  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState state) {
    CompletionStage<OutletStatus> chain = CompletableFuture.completedFuture(null);
    for (int n = 1; n <= RELAYS; n++) {
      int relay = n;
      chain = chain.thenCompose(x -> switchRelay(relay, state == OutletState.ON, false));
    }
    return chain.thenCompose(x -> refresh());
  }

  /**
   * Opens the relay (confirmed), waits {@code offTime} on the device's thread and closes it
   * (confirmed). A relay has no reset delay of its own: an off time is needed. Like one exchange of
   * a command queue, it holds the relays: nothing else is sent from its off to its on (the polls,
   * the commands asked meanwhile and a second cycle wait, then run in turn), only the tunnel's
   * keep-alive {@code Q}, which touches no relay, when the off time is longer than the keep-alive.
   */
  @Override
  public CompletionStage<OutletStatus> cycle(int relay, Duration offTime) {
    if (offTime == null) {
      return CompletableFuture.failedFuture(
          new InvalidArgumentException(
              "a relay has no reset delay of its own: give the off time",
              device,
              null,
              null,
              null));
    }
    CompletionStage<OutletStatus> cycle =
        cyclesDone.thenCompose(
            x -> switchRelay(relay, false, true).thenCompose(off -> secondHalf(relay, offTime)));
    // however the cycle ends, what waits for it goes on
    cyclesDone = cycle.<Void>handle((s, t) -> null).toCompletableFuture();
    return cycle;
  }

  private CompletionStage<OutletStatus> secondHalf(int relay, Duration offTime) {
    CompletableFuture<OutletStatus> on = new CompletableFuture<>();
    if (closed) {
      on.completeExceptionally(leftOpen(null));
      return on;
    }
    cyclesOff.add(on);
    on.whenComplete((s, t) -> cyclesOff.remove(on));
    try {
      context
          .executor()
          .schedule(
              () -> {
                if (!on.isDone()) {
                  SisTunnelLink.forward(switchRelay(relay, true, true), on);
                }
              },
              offTime.toNanos(),
              TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      on.completeExceptionally(leftOpen(e));
    }
    return on;
  }

  private DeviceClosedException leftOpen(Throwable cause) {
    return new DeviceClosedException(
        "closed during a cycle's off time: the relay was left open", device, null, null, cause);
  }

  /** Fails the cycles in their off time: the relay stays open. */
  @Override
  public void shutdown() {
    closed = true;
    for (CompletableFuture<OutletStatus> cycle : List.copyOf(cyclesOff)) {
      cycle.completeExceptionally(leftOpen(null));
    }
  }
}

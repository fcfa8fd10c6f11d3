package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.Subscription;
import io.pdu4j.api.UnsupportedCapabilityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One Enistic Smart Energy Controller as a {@link PowerDevice}: its Smart Sockets (switchable,
 * metered) and meter channels (metered) are its outlets, numbered in the order they first report.
 *
 * <ul>
 *   <li>{@link #outlets()} grows as readings arrive; it may be empty right after open.
 *   <li>{@link #refresh()} cannot ask the controller anything: it completes with the status built
 *       from the latest readings once the outlets are known (no new one for 1.2 s, once per
 *       device), at the latest at the command timeout; with no reading at all by then it fails with
 *       {@link io.pdu4j.api.DeviceTimeoutException}.
 *   <li>Switching sends {@code controller,event,socket;} and completes when a reading shows the
 *       socket in the wanted state, retransmitting with backoff until the command timeout; then it
 *       fails with {@link io.pdu4j.api.DeviceTimeoutException}, or with {@link
 *       io.pdu4j.api.StateNotConfirmedException} when readings kept showing the opposite state
 *       (polarity probably inverted).
 * </ul>
 */
public final class EnisticDevice implements PowerDevice {
  private static final Set<DeviceCapability> CAPABILITIES =
      Set.of(
          DeviceCapability.STATUS,
          DeviceCapability.SWITCH,
          DeviceCapability.SWITCH_ALL,
          DeviceCapability.OUTLET_METERING,
          DeviceCapability.STATUS_PUSH);

  private final EnisticSession session;

  EnisticDevice(EnisticSession session) {
    this.session = session;
  }

  @Override
  public DeviceInfo info() {
    return new DeviceInfo(
        "enistic",
        "Enistic",
        "Smart Energy Controller",
        Optional.of(session.settings().controller()),
        Optional.empty(),
        Optional.empty(),
        session.device());
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return CAPABILITIES;
  }

  @Override
  public List<Outlet> outlets() {
    int n = session.outletCount();
    List<Outlet> list = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      list.add(new EnisticOutlet(this, i));
    }
    return List.copyOf(list);
  }

  @Override
  public Outlet outlet(int number) {
    int n = session.outletCount();
    if (number < 1 || number > n) {
      throw new InvalidArgumentException(
          session.device()
              + " has no outlet "
              + number
              + (n == 0 ? " (no socket or meter has reported yet)" : "; its outlets are 1.." + n));
    }
    return new EnisticOutlet(this, number);
  }

  OutletStatus outletStatus(int number) {
    return session
        .outletStatus(number)
        .orElseThrow(
            () -> new InvalidArgumentException(session.device() + ": no outlet " + number));
  }

  CompletionStage<OutletStatus> switchOutlet(int number, OutletState state) {
    return session.switchOutlet(number, state);
  }

  @Override
  public CompletionStage<DeviceStatus> refresh() {
    return session.refresh();
  }

  @Override
  public Optional<DeviceStatus> lastStatus() {
    return session.buildStatus();
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState state) {
    return session.switchAll(state);
  }

  @Override
  public CompletionStage<Void> restart() {
    return unsupported("the Enistic controller API cannot restart a controller");
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
    return session.listeners().add(listener);
  }

  @Override
  public ConnectionState connectionState() {
    return session.connectionState();
  }

  /** Reading, event and command counts. */
  public EnisticCounters counters() {
    return session.counters();
  }

  @Override
  public void close() {
    session.close();
  }

  <T> CompletionStage<T> unsupported(String what) {
    return CompletableFuture.failedFuture(
        new UnsupportedCapabilityException(what, session.device(), null, null, null));
  }

  @Override
  public String toString() {
    return "EnisticDevice[" + session.device() + ", " + connectionState() + "]";
  }
}

package io.pdu4j.runtime;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceListener;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Scheduler;
import io.pdu4j.api.Subscription;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.spi.DriverContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** A device with no outlets that publishes CLOSED when closed, as drivers must. */
class FakeDevice implements PowerDevice {
  final DriverContext context;
  private final List<DeviceListener> listeners = new CopyOnWriteArrayList<>();
  private volatile ConnectionState state = ConnectionState.CONNECTED;

  FakeDevice(DriverContext context) {
    this.context = context;
  }

  @Override
  public DeviceInfo info() {
    return new DeviceInfo(
        context.address().driver(),
        "Acme",
        "Fake",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        context.address().toString());
  }

  @Override
  public Set<DeviceCapability> capabilities() {
    return Set.of();
  }

  @Override
  public List<Outlet> outlets() {
    return List.of();
  }

  @Override
  public Outlet outlet(int number) {
    throw new InvalidArgumentException("no outlet " + number);
  }

  @Override
  public CompletionStage<DeviceStatus> refresh() {
    return unsupported();
  }

  @Override
  public Optional<DeviceStatus> lastStatus() {
    return Optional.empty();
  }

  @Override
  public CompletionStage<DeviceStatus> switchAll(OutletState state) {
    return unsupported();
  }

  @Override
  public CompletionStage<Void> restart() {
    return unsupported();
  }

  private static <T> CompletionStage<T> unsupported() {
    return CompletableFuture.failedFuture(new UnsupportedCapabilityException("fake"));
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
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  @Override
  public ConnectionState connectionState() {
    return state;
  }

  /** The link is lost and, like a driver that does not reconnect, the device stays OFFLINE. */
  void goOffline() {
    ConnectionState previous = state;
    state = ConnectionState.OFFLINE;
    DeviceEvent.Connection event =
        new DeviceEvent.Connection(
            info().address(),
            context.clock().instant(),
            previous,
            ConnectionState.OFFLINE,
            Optional.of("link lost"));
    context.executor().execute(() -> listeners.forEach(l -> l.onEvent(event)));
  }

  @Override
  public void close() {
    if (state == ConnectionState.CLOSED) {
      return;
    }
    ConnectionState previous = state;
    state = ConnectionState.CLOSED;
    context.link().close();
    DeviceEvent.Connection event =
        new DeviceEvent.Connection(
            info().address(),
            context.clock().instant(),
            previous,
            ConnectionState.CLOSED,
            Optional.of("closed"));
    try {
      context.executor().execute(() -> listeners.forEach(l -> l.onEvent(event)));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      listeners.forEach(l -> l.onEvent(event));
    }
  }
}

package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link PowerDevice#subscribe(Set, DeviceListener)}'s default, on a device that has only the
 * other.
 */
class PowerDeviceSubscribeTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  /** A device whose only method is subscribe(listener): the listeners it was given. */
  private static PowerDevice device(List<DeviceListener> listeners) {
    InvocationHandler h =
        (proxy, method, args) -> {
          if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
          }
          if (method.getName().equals("subscribe")) {
            DeviceListener l = (DeviceListener) args[0];
            listeners.add(l);
            return (Subscription) () -> listeners.remove(l);
          }
          throw new UnsupportedOperationException(method.getName());
        };
    return (PowerDevice)
        Proxy.newProxyInstance(
            PowerDevice.class.getClassLoader(), new Class<?>[] {PowerDevice.class}, h);
  }

  private static void emit(List<DeviceListener> listeners, DeviceEvent e) {
    List.copyOf(listeners).forEach(l -> l.onEvent(e));
  }

  @Test
  void theDefaultPassesOnTheKindsAskedForAndNoOther() {
    List<DeviceListener> listeners = new ArrayList<>();
    PowerDevice d = device(listeners);
    List<DeviceEvent> heard = new ArrayList<>();
    Subscription s = d.subscribe(Set.of(DeviceEvent.Connection.class), heard::add);

    DeviceStatus status = new DeviceStatus(T0, Optional.empty(), List.of(), Optional.empty());
    emit(listeners, new DeviceEvent.StatusReported("d", T0, status));
    DeviceEvent.Connection up =
        DeviceEvent.Connection.causedBy(
            "d", T0, ConnectionState.CONNECTING, ConnectionState.CONNECTED, null);
    emit(listeners, up);
    assertThat(heard).containsExactly(up);

    List<DeviceEvent> all = new ArrayList<>();
    d.subscribe(Set.of(DeviceEvent.class), all::add);
    emit(listeners, new DeviceEvent.StatusReported("d", T0, status));
    assertThat(all).hasSize(1);

    s.close();
    emit(listeners, up);
    assertThat(heard).containsExactly(up);

    assertThatThrownBy(() -> d.subscribe(Set.of(), e -> {}))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("at least one kind");
  }
}

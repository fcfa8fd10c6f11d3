package io.pdu4j.mqtt.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Subscription;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.MqttConfig;
import io.pdu4j.runtime.json.DeviceJson;
import io.pdu4j.runtime.metrics.PduMeter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One device's side of the bridge: follows its health (availability) and, while it is open, its
 * events (outlet states, readings, the status object, discovery). Runs on the device's threads and
 * only queues; {@link #publishAll} is called by the publishing thread after a connect.
 */
final class DeviceWatch {
  private final SupervisedDevice device;
  private final Topics topics;
  private final Outbox outbox;
  private final NodeDevices nodeDevices;
  private final MeterRegistry registry;
  private final boolean homeAssistant;
  private Subscription health;
  private PowerDevice current;
  private Subscription events;
  private String discovered = "";
  private Set<Integer> outlets = new TreeSet<>();
  private volatile boolean closed;

  DeviceWatch(
      SupervisedDevice device,
      Topics topics,
      Outbox outbox,
      NodeDevices nodeDevices,
      MeterRegistry registry,
      MqttConfig config) {
    this.device = device;
    this.topics = topics;
    this.outbox = outbox;
    this.nodeDevices = nodeDevices;
    this.registry = registry;
    this.homeAssistant = config.homeAssistant();
  }

  void start() {
    Subscription sub = device.subscribe(this::health);
    synchronized (this) {
      health = sub;
    }
  }

  private void health(DeviceHealth h) {
    if (closed) {
      return;
    }
    boolean online = h.state() == ConnectionState.CONNECTED;
    outbox.offer(Message.state(topics.availability(device.name()), online ? "online" : "offline"));
    if (online) {
      attach();
    }
  }

  /** Follows the device object the supervision holds now (a new one after it was recycled). */
  private void attach() {
    PowerDevice p = device.device().orElse(null);
    synchronized (this) {
      if (p == null || p == current || closed) {
        return;
      }
      if (events != null) {
        events.close();
      }
      current = p;
      events = p.subscribe(e -> event(p, e));
    }
    p.lastStatus().ifPresent(st -> status(p, st, outbox::offer, false));
  }

  private void event(PowerDevice p, DeviceEvent e) {
    if (closed) {
      return;
    }
    if (e instanceof DeviceEvent.StatusReported r) {
      status(p, r.status(), outbox::offer, false);
    } else if (e instanceof DeviceEvent.OutletChanged c) {
      outlet(c.current(), outbox::offer);
    } else if (e instanceof DeviceEvent.OutletAdded || e instanceof DeviceEvent.OutletRemoved) {
      p.lastStatus().ifPresent(st -> status(p, st, outbox::offer, false));
    }
  }

  /** Everything this device has retained, to {@code sink}: after a (re)connect. */
  void publishAll(Consumer<Message> sink) {
    if (closed) {
      return;
    }
    boolean online = device.health().state() == ConnectionState.CONNECTED;
    sink.accept(Message.state(topics.availability(device.name()), online ? "online" : "offline"));
    PowerDevice p;
    synchronized (this) {
      p = current;
    }
    if (p == null) {
      p = device.device().orElse(null);
    }
    if (p != null) {
      PowerDevice q = p;
      p.lastStatus().ifPresent(st -> status(q, st, sink, true));
    }
  }

  /** Outlet states and readings, the status object and, when the outlets changed, discovery. */
  private void status(PowerDevice p, DeviceStatus st, Consumer<Message> sink, boolean all) {
    for (OutletStatus o : st.outlets()) {
      outlet(o, sink);
    }
    sink.accept(
        Message.reading(
            topics.status(device.name()),
            DeviceJson.write(DeviceJson.status(p.info(), st, DeviceJson.clockOf(p, st)))));
    StringBuilder key = new StringBuilder(p.info().toString());
    Set<Integer> now = new TreeSet<>();
    for (OutletStatus o : st.outlets()) {
      now.add(o.number());
      key.append('|')
          .append(o.number())
          .append(o.name())
          .append(o.capabilities())
          .append(o.voltage().isPresent());
    }
    // every report, not only a changed one: the node's list is cheap to check and must not miss
    // a device
    nodeDevices.update(device.name(), now);
    Set<Integer> gone;
    synchronized (this) {
      if (!all && key.toString().equals(discovered)) {
        return;
      }
      discovered = key.toString();
      gone = new HashSet<>(outlets);
      gone.removeAll(now);
      outlets = now;
    }
    if (homeAssistant) {
      for (OutletStatus o : st.outlets()) {
        for (Discovery.Config c : Discovery.outlet(topics, device.name(), p.info(), o)) {
          sink.accept(Message.state(c.topic(), c.payload()));
        }
      }
    }
    for (int n : gone) {
      for (String t : Discovery.topics(topics, device.name(), n)) {
        sink.accept(Message.state(t, ""));
      }
      for (String f : NodeDevices.OUTLET_FIELDS) {
        sink.accept(Message.state(topics.outlet(device.name(), n, f), ""));
      }
    }
  }

  private void outlet(OutletStatus o, Consumer<Message> sink) {
    String name = device.name();
    if (o.state() != OutletState.UNKNOWN) {
      sink.accept(Message.state(topics.outlet(name, o.number(), "state"), o.state().name()));
    }
    number(o.power())
        .ifPresent(v -> sink.accept(Message.reading(topics.outlet(name, o.number(), "power"), v)));
    number(o.voltage())
        .ifPresent(
            v -> sink.accept(Message.reading(topics.outlet(name, o.number(), "voltage"), v)));
    if (o.capabilities().contains(OutletCapability.METERED) || o.power().isPresent()) {
      energyKwh(o.number())
          .ifPresent(
              kwh ->
                  sink.accept(
                      Message.reading(
                          topics.outlet(name, o.number(), "energy"),
                          String.format(Locale.ROOT, "%.4f", kwh))));
    }
  }

  private static Optional<String> number(OptionalDouble v) {
    return v.isPresent()
        ? Optional.of(String.format(Locale.ROOT, "%.1f", v.getAsDouble()))
        : Optional.empty();
  }

  /** The runtime's integrated energy of the outlet ({@code pdu.outlet.energy}, J), in kWh. */
  private Optional<Double> energyKwh(int outlet) {
    FunctionCounter c =
        registry
            .find(PduMeter.OUTLET_ENERGY.meterName())
            .tags(PduMeter.TAG_DEVICE, device.name(), PduMeter.TAG_OUTLET, Integer.toString(outlet))
            .functionCounter();
    if (c == null || !Double.isFinite(c.count())) {
      return Optional.empty();
    }
    return Optional.of(c.count() / 3.6e6);
  }

  void close() {
    closed = true;
    synchronized (this) {
      if (events != null) {
        events.close();
      }
      if (health != null) {
        health.close();
      }
    }
  }
}

package io.pdu4j.server.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Subscription;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.json.DeviceJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Device events for the event streams: each device's health changes (from its supervision) and
 * outlet changes (from the device itself, resubscribed when the supervision opens a new one). Every
 * event is formatted once and offered to each stream that may see the device; nothing here blocks
 * the device's thread.
 */
final class EventHub implements AutoCloseable {
  private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
  private final Map<String, PowerDevice> attached = new ConcurrentHashMap<>();
  private final Map<String, Subscription> deviceSubscriptions = new ConcurrentHashMap<>();
  private final List<Subscription> healthSubscriptions = new ArrayList<>();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();

  /** Starts following every device. */
  void follow(Map<String, SupervisedDevice> devices) {
    for (SupervisedDevice s : devices.values()) {
      healthSubscriptions.add(
          s.subscribe(
              h -> {
                attach(s);
                publish(s.name(), "health", health(s.name(), h));
              }));
    }
  }

  /** Follows the device the supervision has open now, once per device object. */
  private void attach(SupervisedDevice s) {
    s.device()
        .ifPresent(
            d -> {
              PowerDevice before = attached.put(s.name(), d);
              if (before != d) {
                Subscription old =
                    deviceSubscriptions.put(
                        s.name(),
                        d.subscribe(
                            Set.of(
                                DeviceEvent.OutletChanged.class,
                                DeviceEvent.OutletAdded.class,
                                DeviceEvent.OutletRemoved.class),
                            e -> onEvent(s.name(), e)));
                if (old != null) {
                  old.close();
                }
              }
            });
  }

  private void onEvent(String name, DeviceEvent e) {
    if (streams.isEmpty()) {
      return; // no one to tell: no JSON made (publish would drop it)
    }
    if (e instanceof DeviceEvent.OutletChanged c) {
      ObjectNode n = DeviceJson.object();
      n.put("device", name);
      n.put("at", c.at().toString());
      n.put("previous", c.previous().name());
      DeviceJson.outlet(n.putObject("outlet"), c.current());
      publish(name, "outlet", n);
    } else if (e instanceof DeviceEvent.OutletAdded a) {
      ObjectNode n = DeviceJson.object();
      n.put("device", name);
      n.put("at", a.at().toString());
      DeviceJson.outlet(n.putObject("outlet"), a.outlet());
      publish(name, "outlet-added", n);
    } else if (e instanceof DeviceEvent.OutletRemoved r) {
      ObjectNode n = DeviceJson.object();
      n.put("device", name);
      n.put("at", r.at().toString());
      DeviceJson.outlet(n.putObject("outlet"), r.outlet());
      publish(name, "outlet-removed", n);
    }
  }

  static ObjectNode health(String name, DeviceHealth h) {
    ObjectNode n = DeviceJson.object();
    n.put("device", name);
    DeviceJson.health(n, h);
    return n;
  }

  /** An SSE frame: {@code id}, {@code event} and one {@code data} line of JSON. */
  String frame(String event, ObjectNode data) {
    return "id: "
        + sequence.incrementAndGet()
        + "\nevent: "
        + event
        + "\ndata: "
        + DeviceJson.write(data)
        + "\n\n";
  }

  private void publish(String device, String event, ObjectNode data) {
    if (streams.isEmpty()) {
      return;
    }
    String frame = frame(event, data);
    for (EventStream s : streams) {
      if (s.allows(device)) {
        s.offer(frame);
      }
    }
  }

  /** Adds a stream; it receives every event from now on. */
  void add(EventStream s) {
    streams.add(s);
  }

  void remove(EventStream s) {
    streams.remove(s);
  }

  /** Sends a comment line to every stream, so that dead clients are found. */
  void keepAlive() {
    for (EventStream s : streams) {
      s.offer(": keep-alive\n\n");
    }
  }

  void countDropped() {
    dropped.incrementAndGet();
  }

  /** Streams dropped for not reading. */
  long dropped() {
    return dropped.get();
  }

  /** Streams open now. */
  int streams() {
    return streams.size();
  }

  /** Ends every stream and stops following the devices. */
  @Override
  public void close() {
    healthSubscriptions.forEach(Subscription::close);
    deviceSubscriptions.values().forEach(Subscription::close);
    for (EventStream s : List.copyOf(streams)) {
      s.close();
    }
    streams.clear();
  }
}

package io.pdu4j.mqtt.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.json.DeviceJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What this node publishes, kept retained on {@code PREFIX/node/NODE/devices} as {@code {"node":
 * NODE, "devices": {DEVICE: [OUTLET, ...]}}}: the memory that lets a later run remove the topics
 * and discovery entries of a device that left the configuration.
 */
final class NodeDevices {
  /** The retained topics of one outlet. */
  static final List<String> OUTLET_FIELDS = List.of("state", "power", "voltage", "energy");

  /** The largest device list read back: far above a thousand devices of 48 outlets. */
  static final int MAX_PAYLOAD_CHARS = 4 * 1024 * 1024;

  /** How long changes are gathered before the list is queued. */
  static final long FLUSH_MILLIS = 100;

  private final Topics topics;
  private final Set<String> configured;
  private final Set<String> mine;
  private final Outbox outbox;
  private final Map<String, Set<Integer>> owned = new TreeMap<>();
  private final ScheduledExecutorService timer;
  private boolean scheduled;
  private String published = "";

  /**
   * @param timer the one thread that queues the list: a list built on one device's thread could
   *     otherwise overtake a newer one built on another's
   */
  NodeDevices(
      Topics topics,
      Set<String> configured,
      Set<String> mine,
      Outbox outbox,
      ScheduledExecutorService timer) {
    this.topics = topics;
    this.timer = timer;
    this.configured = Set.copyOf(configured);
    this.mine = Set.copyOf(mine);
    this.outbox = outbox;
    for (String d : mine) {
      owned.put(d, new TreeSet<>());
    }
  }

  /** The device's outlets now; queues the list (soon, once for many changes) when it changed. */
  void update(String device, Set<Integer> outlets) {
    synchronized (this) {
      if (outlets.equals(owned.get(device))) {
        return;
      }
      owned.put(device, new TreeSet<>(outlets));
    }
    schedule();
  }

  private void schedule() {
    synchronized (this) {
      if (scheduled) {
        return;
      }
      scheduled = true;
    }
    try {
      timer.schedule(this::flush, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void flush() {
    synchronized (this) {
      scheduled = false;
    }
    publish(outbox::offer);
  }

  /** Publishes the list as it is now to {@code sink}. */
  void publish(Consumer<Message> sink) {
    String payload;
    synchronized (this) {
      payload = json();
      published = payload;
    }
    sink.accept(Message.state(topics.nodeDevices(), payload));
  }

  private String json() {
    ObjectNode n = DeviceJson.object();
    n.put("node", topics.node());
    ObjectNode d = n.putObject("devices");
    owned.forEach(
        (name, outlets) -> {
          var a = d.putArray(name);
          outlets.forEach(a::add);
        });
    return DeviceJson.write(n);
  }

  /**
   * The {@code devices} member of a node's list ({@code {"devices": {DEVICE: [OUTLET, ...]}}}): a
   * missing node when {@code payload} is empty or over the bound. Its names are not checked yet.
   *
   * @throws java.io.IOException when the payload is not JSON
   */
  static JsonNode listed(String payload) throws java.io.IOException {
    if (payload.isEmpty() || payload.length() > MAX_PAYLOAD_CHARS) {
      return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
    return DeviceJson.mapper().readTree(payload).path("devices");
  }

  /**
   * The list a previous run left: devices no longer configured lose their retained topics and
   * discovery entries; outlets of this node's devices that have not reported yet are kept in the
   * list. Bad input is ignored (the topic is writable by other clients).
   */
  void previous(String payload) {
    JsonNode devices;
    try {
      devices = listed(payload);
    } catch (java.io.IOException e) {
      return;
    }
    if (!devices.isObject()) {
      return;
    }
    boolean changed = false;
    for (Map.Entry<String, JsonNode> e : devices.properties()) {
      String name = e.getKey();
      List<Integer> outlets = new ArrayList<>();
      for (JsonNode o : e.getValue()) {
        if (o.canConvertToInt() && o.asInt() > 0 && outlets.size() < 1024) {
          outlets.add(o.asInt());
        }
      }
      if (!DeviceConfig.isName(name)) {
        continue;
      }
      if (!configured.contains(name)) {
        remove(name, outlets);
        changed = true;
      } else if (mine.contains(name)) {
        synchronized (this) {
          Set<Integer> known = owned.get(name);
          if (known != null && known.isEmpty() && !outlets.isEmpty()) {
            known.addAll(outlets);
            changed = true;
          }
        }
      }
    }
    if (changed) {
      schedule();
    }
  }

  private void remove(String device, List<Integer> outlets) {
    outbox.offer(Message.state(topics.availability(device), ""));
    outbox.offer(Message.state(topics.status(device), ""));
    for (int n : outlets) {
      for (String t : Discovery.topics(topics, device, n)) {
        outbox.offer(Message.state(t, ""));
      }
      for (String f : OUTLET_FIELDS) {
        outbox.offer(Message.state(topics.outlet(device, n, f), ""));
      }
    }
  }

  /** The last list published, for tests. */
  synchronized String published() {
    return published;
  }
}

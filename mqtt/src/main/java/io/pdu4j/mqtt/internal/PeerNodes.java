package io.pdu4j.mqtt.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pdu4j.runtime.config.DeviceConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The other nodes on the broker, from their retained {@code PREFIX/node/NODE/status} and {@code
 * PREFIX/node/NODE/devices}: a node that dies leaves its devices' retained availability {@code
 * online} (only its own status gets its last will), so when a node is {@code offline}, each device
 * of its list that no live node lists is published {@code offline} here.
 *
 * <p>This happens when the node's status turns {@code offline}, and when this bridge (re)connects
 * and reads a retained {@code offline} status with a retained list (a node that went away while no
 * peer ran). The bridge subscribes to the lists before the statuses, so the broker delivers every
 * retained list first and the claims of live nodes are known when a status is read. A device whose
 * node comes back is published {@code online} again by that node, which also sets it right should a
 * peer's {@code offline} reach the broker after it (see {@code HiveBridge}). Bad input is ignored:
 * these topics are writable by other clients. Thread-safe.
 */
final class PeerNodes {
  /** The most nodes followed; more are ignored. */
  static final int MAX_NODES = 4096;

  /** The most devices read from one node's list. */
  static final int MAX_DEVICES = 100_000;

  private final Topics topics;
  private final Set<String> mine;
  private final Consumer<Message> sink;
  private final Map<String, String> status = new HashMap<>();
  private final Map<String, Set<String>> lists = new HashMap<>();

  /**
   * @param mine the devices this node publishes: never marked, this node is alive
   * @param sink where the {@code offline} availabilities go (queued even if they repeat)
   */
  PeerNodes(Topics topics, Set<String> mine, Consumer<Message> sink) {
    this.topics = topics;
    this.mine = Set.copyOf(mine);
    this.sink = sink;
  }

  /** A node's status, {@code online} or {@code offline}; empty when it was cleared. */
  void status(String node, String payload) {
    if (node.equals(topics.node())) {
      return; // this node's own (a previous run's last will): it is alive now
    }
    synchronized (this) {
      if (!payload.equals("online") && !payload.equals("offline")) {
        status.remove(node); // cleared, or not a status: neither alive nor known to be dead
        return;
      }
      if (!status.containsKey(node) && status.size() >= MAX_NODES) {
        return;
      }
      status.put(node, payload);
    }
    if (payload.equals("offline")) {
      markOffline(node);
    }
  }

  /** A node's list ({@code {"devices": {DEVICE: [...]}}}); empty when it was cleared. */
  void devices(String node, String payload) {
    if (node.equals(topics.node())) {
      return; // NodeDevices reads this node's own
    }
    JsonNode devices;
    try {
      devices = NodeDevices.listed(payload);
    } catch (java.io.IOException e) {
      return; // not a list: the node's last good one stays
    }
    Set<String> names = new TreeSet<>();
    if (devices.isObject()) {
      devices
          .fieldNames()
          .forEachRemaining(
              n -> {
                if (names.size() < MAX_DEVICES && DeviceConfig.isName(n)) {
                  names.add(n);
                }
              });
    }
    boolean offline;
    synchronized (this) {
      if (names.isEmpty()) {
        lists.remove(node);
        return;
      }
      if (!lists.containsKey(node) && lists.size() >= MAX_NODES) {
        return;
      }
      lists.put(node, names);
      offline = "offline".equals(status.get(node));
    }
    if (offline) {
      markOffline(node);
    }
  }

  private void markOffline(String node) {
    Set<String> gone = new TreeSet<>();
    synchronized (this) {
      Set<String> list = lists.get(node);
      if (list == null || !"offline".equals(status.get(node))) {
        return;
      }
      for (String d : list) {
        if (!mine.contains(d) && !claimedByLiveNode(d)) {
          gone.add(d);
        }
      }
    }
    for (String d : gone) {
      sink.accept(Message.state(topics.availability(d), "offline"));
    }
  }

  private boolean claimedByLiveNode(String device) {
    for (Map.Entry<String, Set<String>> e : lists.entrySet()) {
      if ("online".equals(status.get(e.getKey())) && e.getValue().contains(device)) {
        return true;
      }
    }
    return false;
  }
}

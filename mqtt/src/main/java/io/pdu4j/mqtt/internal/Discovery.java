package io.pdu4j.mqtt.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.runtime.json.DeviceJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Home Assistant MQTT discovery: the retained {@code
 * homeassistant/COMPONENT/NODE_ID/OBJECT_ID/config} messages of one outlet. Per outlet a
 * non-optimistic {@code switch} (when switchable), a power {@code sensor} and an energy {@code
 * sensor} (when metered) and a voltage {@code sensor} (when the outlet reports one), each of one
 * Home Assistant device per pdu4j device. An entity is available only while both its device and the
 * node that publishes it are online.
 */
public final class Discovery {
  /** Home Assistant's discovery prefix. */
  public static final String PREFIX = "homeassistant";

  /** The entities one outlet may have: component and object id suffix. */
  static final String[][] ENTITIES = {
    {"switch", "switch"}, {"sensor", "power"}, {"sensor", "voltage"}, {"sensor", "energy"}
  };

  private Discovery() {}

  /** One discovery message: its topic and JSON payload. */
  public record Config(String topic, String payload) {}

  /**
   * The Home Assistant id of a device: the prefix and the name, with what an id may not hold
   * ({@code [a-zA-Z0-9_-]} only) as {@code _}.
   */
  static String nodeId(Topics t, String device) {
    return (t.prefix() + "_" + device).replaceAll("[^A-Za-z0-9_-]", "_");
  }

  /** Every topic an outlet's discovery may use, to remove them: with empty retained payloads. */
  public static List<String> topics(Topics t, String device, int outlet) {
    List<String> l = new ArrayList<>();
    for (String[] e : ENTITIES) {
      l.add(topic(t, device, e[0], outlet, e[1]));
    }
    return l;
  }

  private static String topic(Topics t, String device, String component, int outlet, String kind) {
    return PREFIX
        + "/"
        + component
        + "/"
        + nodeId(t, device)
        + "/outlet_"
        + outlet
        + "_"
        + kind
        + "/config";
  }

  /**
   * The discovery messages of one outlet; the topics of {@link #topics} that it does not use come
   * with an empty payload (so that an entity the outlet lost, e.g. its voltage, is removed).
   */
  public static List<Config> outlet(Topics t, String device, DeviceInfo info, OutletStatus o) {
    List<Config> l = new ArrayList<>();
    boolean metered = o.capabilities().contains(io.pdu4j.api.OutletCapability.METERED);
    String base = t.outlet(device, o.number(), "");
    String label = o.name().isBlank() ? "Outlet " + o.number() : o.name();
    // switch
    if (o.switchable()) {
      ObjectNode n = entity(t, device, info, o, "switch", label);
      n.put("command_topic", base + "set");
      n.put("state_topic", base + "state");
      n.put("payload_on", "ON");
      n.put("payload_off", "OFF");
      n.put("state_on", "ON");
      n.put("state_off", "OFF");
      n.put("optimistic", false);
      n.put("icon", "mdi:power-socket-eu");
      l.add(new Config(topic(t, device, "switch", o.number(), "switch"), DeviceJson.write(n)));
    } else {
      l.add(new Config(topic(t, device, "switch", o.number(), "switch"), ""));
    }
    l.add(
        metered || o.power().isPresent()
            ? sensor(t, device, info, o, label, "power", "W", "measurement", base)
            : new Config(topic(t, device, "sensor", o.number(), "power"), ""));
    l.add(
        o.voltage().isPresent()
            ? sensor(t, device, info, o, label, "voltage", "V", "measurement", base)
            : new Config(topic(t, device, "sensor", o.number(), "voltage"), ""));
    l.add(
        metered || o.power().isPresent()
            ? sensor(t, device, info, o, label, "energy", "kWh", "total_increasing", base)
            : new Config(topic(t, device, "sensor", o.number(), "energy"), ""));
    return l;
  }

  private static Config sensor(
      Topics t,
      String device,
      DeviceInfo info,
      OutletStatus o,
      String label,
      String kind,
      String unit,
      String stateClass,
      String base) {
    ObjectNode n = entity(t, device, info, o, kind, label + " " + kind);
    n.put("state_topic", base + kind);
    n.put("device_class", kind);
    n.put("unit_of_measurement", unit);
    n.put("state_class", stateClass);
    return new Config(topic(t, device, "sensor", o.number(), kind), DeviceJson.write(n));
  }

  private static ObjectNode entity(
      Topics t, String device, DeviceInfo info, OutletStatus o, String kind, String name) {
    ObjectNode n = DeviceJson.object();
    String id = nodeId(t, device);
    n.put("name", name);
    n.put("unique_id", id + "_outlet_" + o.number() + "_" + kind);
    n.put("object_id", id + "_outlet_" + o.number() + "_" + kind);
    var availability = n.putArray("availability");
    availability.addObject().put("topic", t.availability(device));
    availability.addObject().put("topic", t.nodeStatus());
    n.put("availability_mode", "all");
    n.put("payload_available", "online");
    n.put("payload_not_available", "offline");
    ObjectNode d = n.putObject("device");
    d.putArray("identifiers").add(id);
    d.put("name", device);
    if (!info.vendor().isBlank()) {
      d.put("manufacturer", info.vendor());
    }
    if (!info.model().isBlank()) {
      d.put("model", info.model());
    }
    info.serial().ifPresent(s -> d.put("serial_number", s));
    info.firmware().ifPresent(f -> d.put("sw_version", f));
    ObjectNode origin = n.putObject("origin");
    origin.put("name", "pdu4j");
    return n;
  }
}

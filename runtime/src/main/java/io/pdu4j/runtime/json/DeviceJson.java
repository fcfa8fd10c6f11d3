package io.pdu4j.runtime.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerReading;
import io.pdu4j.api.ScheduleRule;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The JSON shapes of a device that every front end shares: {@code pdu4j status --json}, the control
 * API and {@code /health} render a device with these, so a script reads the same fields from each.
 */
public final class DeviceJson {
  /**
   * The mapper, made on first use: a status table or a clock reading takes only {@link
   * #ISO_SECONDS} or {@link #clockOf} from here, and a command that prints no JSON then loads no
   * Jackson (hundreds of classes, a good part of a short command's start).
   */
  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper();
  }

  /** ISO local date-time, always with seconds (LocalDateTime.toString drops ":00"). */
  public static final DateTimeFormatter ISO_SECONDS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

  private DeviceJson() {}

  /** A fresh, empty JSON object. */
  public static ObjectNode object() {
    return Mapper.JSON.createObjectNode();
  }

  /**
   * The status as one JSON object, the device's clock taken in this host's zone: see {@link
   * #status(DeviceInfo, DeviceStatus, Optional, ZoneId)}.
   */
  public static ObjectNode status(
      DeviceInfo info, DeviceStatus status, Optional<LocalDateTime> clock) {
    return status(info, status, clock, ZoneId.systemDefault());
  }

  /**
   * The status as one JSON object: {@code device} (driver, vendor, model, serial, firmware,
   * address), {@code input} (voltage, power), {@code outlets} (number, id, name, state, voltage,
   * power, switchable), {@code clock} (the device's local date-time, which carries no zone), {@code
   * clockZone} (the zone it is taken in, e.g. {@code Europe/Berlin}: the host's, as {@code pdu4j
   * clock} does) and {@code clockOffset} (that zone's offset at that time, e.g. {@code +01:00});
   * absent values are null.
   */
  public static ObjectNode status(
      DeviceInfo info, DeviceStatus status, Optional<LocalDateTime> clock, ZoneId zone) {
    ObjectNode root = Mapper.JSON.createObjectNode();
    ObjectNode device = root.putObject("device");
    device.put("driver", info.driver());
    device.put("vendor", info.vendor());
    device.put("model", info.model());
    device.put("serial", info.serial().orElse(null));
    device.put("firmware", info.firmware().orElse(null));
    device.put("address", info.address());
    ObjectNode input = root.putObject("input");
    Optional<PowerReading> reading = status.input();
    number(input, "voltage", reading.map(PowerReading::voltage).orElse(OptionalDouble.empty()));
    number(input, "power", reading.map(PowerReading::power).orElse(OptionalDouble.empty()));
    ArrayNode outlets = root.putArray("outlets");
    for (OutletStatus o : status.outlets()) {
      outlet(outlets.addObject(), o);
    }
    root.put("clock", clock.map(ISO_SECONDS::format).orElse(null));
    root.put("clockZone", clock.map(c -> zone.getId()).orElse(null));
    root.put("clockOffset", clock.map(c -> zone.getRules().getOffset(c).getId()).orElse(null));
    return root;
  }

  /** One outlet's fields (number, id, name, state, voltage, power, switchable) into {@code n}. */
  public static ObjectNode outlet(ObjectNode n, OutletStatus o) {
    n.put("number", o.number());
    n.put("id", o.id());
    n.put("name", o.name());
    n.put("state", o.state().name());
    number(n, "voltage", o.voltage());
    number(n, "power", o.power());
    n.put("switchable", o.switchable());
    return n;
  }

  /**
   * One schedule rule, numbered from 1 in the device's order, as {@code pdu4j schedule list --json}
   * and the API write it: {@code index}, {@code name}, {@code outlet}, {@code action}
   * (on|off|restart), then {@code "type": "time"} with {@code at} (HH:MM) and {@code every} ({@link
   * io.pdu4j.api.Recurrence#spec()}), or {@code "type": "power"} with {@code comparison}
   * (above|below) and {@code watts}.
   */
  public static ObjectNode scheduleRule(int index, ScheduleRule r) {
    ObjectNode n = Mapper.JSON.createObjectNode();
    n.put("index", index);
    n.put("name", r.name());
    n.put("outlet", r.outlet());
    n.put("action", r.action().name().toLowerCase(Locale.ROOT));
    if (r instanceof ScheduleRule.TimePlan t) {
      n.put("type", "time");
      n.put("at", t.at().toString());
      n.put("every", t.recurrence().spec());
    } else {
      ScheduleRule.PowerPlan p = (ScheduleRule.PowerPlan) r;
      n.put("type", "power");
      n.put("comparison", p.comparison().name().toLowerCase(Locale.ROOT));
      n.put("watts", p.watts());
    }
    return n;
  }

  /**
   * A device's health: {@code state}, {@code problem} (when OFFLINE), {@code message} (when there
   * is one) and {@code since}.
   */
  public static ObjectNode health(ObjectNode n, DeviceHealth h) {
    n.put("state", h.state().name());
    h.problem().ifPresent(p -> n.put("problem", p.name()));
    h.message().ifPresent(m -> n.put("message", m));
    n.put("since", h.since().toString());
    return n;
  }

  /** The clock in the status, or the device's latest clock reading. */
  public static Optional<LocalDateTime> clockOf(PowerDevice pdu, DeviceStatus status) {
    return status
        .deviceClock()
        .or(
            () ->
                pdu.clock().flatMap(DeviceClock::lastReading).map(DeviceClock.Reading::deviceTime));
  }

  private static void number(ObjectNode node, String field, OptionalDouble value) {
    if (value.isPresent()) {
      node.put(field, value.getAsDouble());
    } else {
      node.putNull(field);
    }
  }

  /** {@code node} as compact JSON text. */
  public static String write(JsonNode node) {
    try {
      return Mapper.JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** {@code node} as indented JSON text. */
  public static String writePretty(JsonNode node) {
    try {
      return Mapper.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** The mapper the shapes are written with, for reading request bodies alike. */
  public static ObjectMapper mapper() {
    return Mapper.JSON.copy();
  }
}

package io.pdu4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceClock;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.PowerRuntime;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j clock URI [--set now|ISO-LOCAL-DATETIME] [--json]}: reads (and optionally sets) the
 * device clock and prints it with its offset from the host, taking the device's local time as the
 * host's time zone.
 */
@Command(
    name = "clock",
    mixinStandardHelpOptions = true,
    description = {
      "Read the device clock and its offset from this host; --set sets it first.",
      "Example: pdu4j clock isotek:tcp://10.0.0.5:501 --set now"
    })
final class ClockCommand implements Callable<Integer> {
  // made on first use: picocli makes every command object to parse any command line, and Jackson
  // is a good part of a short command's start
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  @Mixin DeviceArgs device;

  @Option(
      names = "--set",
      paramLabel = "now|TIME",
      description =
          "Set the clock first: 'now' (this host's local time) or a local date-time such as"
              + " 2026-11-21T10:00:00.")
  String set;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ZoneId zone = ZoneId.systemDefault();
    LocalDateTime target = set == null || set.equalsIgnoreCase("now") ? null : parse(set);
    PrintWriter out = spec.commandLine().getOut();
    try (PowerRuntime runtime = device.runtime()) {
      PowerDevice pdu = runtime.open(device.uri);
      String address = pdu.info().address();
      DeviceClock clock =
          pdu.clock()
              .orElseThrow(
                  () ->
                      new UnsupportedCapabilityException(
                          "the device has no clock", address, null, null, null));
      if (set != null) {
        if (!pdu.has(DeviceCapability.CLOCK_SET)) {
          throw new UnsupportedCapabilityException(
              "the device clock cannot be set", address, null, null, null);
        }
        device.await(
            target == null ? clock.setToNow(zone) : clock.set(target),
            "setting the clock",
            address);
      }
      DeviceClock.Reading reading = device.await(clock.read(), "reading the clock", address);
      Duration offset = reading.offset(zone);
      out.println(json ? json(address, reading, offset) : text(reading, offset));
      return ExitCodes.OK;
    } finally {
      out.flush();
    }
  }

  private static LocalDateTime parse(String text) {
    try {
      return LocalDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidArgumentException(
          "--set takes 'now' or a local date-time such as 2026-11-21T10:00:00, got '" + text + "'",
          e);
    }
  }

  static String text(DeviceClock.Reading reading, Duration offset) {
    return "device clock "
        + StatusView.ISO_SECONDS.format(reading.deviceTime())
        + "  offset "
        + signed(offset)
        + " from this host";
  }

  static String json(String address, DeviceClock.Reading reading, Duration offset) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    root.put("device", address);
    root.put("clock", StatusView.ISO_SECONDS.format(reading.deviceTime()));
    root.put("host", reading.hostTime().toString());
    root.put("offsetSeconds", offset.getSeconds());
    try {
      return Json.MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code +1h 02m 03s}, {@code -5s}, {@code +0s}. */
  static String signed(Duration d) {
    String sign = d.isNegative() ? "-" : "+";
    long s = Math.abs(d.getSeconds());
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%s%dh %02dm %02ds", sign, s / 3600, s / 60 % 60, s % 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%s%dm %02ds", sign, s / 60, s % 60);
    }
    return sign + s + "s";
  }
}

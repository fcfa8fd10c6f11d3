package io.pdu4j.runtime.metrics;

import io.micrometer.core.instrument.Meter;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Every meter the runtime publishes per device, with its name, type, base unit and description: the
 * one place they are defined (docs/metrics.md shows the same table).
 *
 * <p>Every meter carries the tag {@link #TAG_DEVICE}: the name a device was opened with (its
 * configuration name), or its address with secrets redacted. Outlet meters also carry {@link
 * #TAG_OUTLET}, the outlet number; {@link #COMMANDS} carries {@link #TAG_COMMAND} and {@link
 * #TAG_OUTCOME} ({@link CommandOutcome}); {@link #FRAMES_MALFORMED} and {@link #READINGS_DROPPED}
 * carry {@link #TAG_REASON}; {@link #DEVICE_HEALTH} carries {@link #TAG_STATE} and {@link
 * #TAG_PROBLEM}. Every tag value is bounded: a device has a fixed set of outlets and commands, and
 * outcomes are a closed set.
 *
 * <p>Gauges read {@code NaN} when there is no current value: before the first report, while the
 * device is not connected, once the last report is older than the device's {@code stale} option,
 * and (for {@link #OUTLET_STATE}) while the outlet's state is UNKNOWN.
 */
public enum PduMeter {
  /** The outlet's last reported power draw. */
  OUTLET_POWER("pdu.outlet.power", Meter.Type.GAUGE, "watts", "Power drawn by the outlet"),
  /** The outlet's last reported voltage. */
  OUTLET_VOLTAGE("pdu.outlet.voltage", Meter.Type.GAUGE, "volts", "Voltage at the outlet"),
  /** 1 when the outlet is reported ON, 0 when OFF, NaN when UNKNOWN. */
  OUTLET_STATE(
      "pdu.outlet.state", Meter.Type.GAUGE, null, "Outlet state: 1 on, 0 off, NaN unknown"),
  /**
   * Energy the outlet used since the device was opened, in joules (watt-seconds, the base unit:
   * {@code rate()} of it is watts; divide by 3.6e6 for kWh), integrated from successive power
   * readings by the trapezoid rule; an interval longer than the device's {@code stale} option (a
   * gap in the readings, a disconnection) adds nothing.
   */
  OUTLET_ENERGY(
      "pdu.outlet.energy",
      Meter.Type.COUNTER,
      "joules",
      "Energy used by the outlet, integrated from its power readings"),
  /** 1 while the device is connected, 0 otherwise. */
  DEVICE_CONNECTED(
      "pdu.device.connected", Meter.Type.GAUGE, null, "1 while the device is connected, else 0"),
  /**
   * Every command issued to the device, from call to completion, by command and outcome; a
   * histogram with the fixed buckets {@link #COMMAND_BUCKETS}, so quantiles can be taken across
   * devices.
   */
  COMMANDS("pdu.commands", Meter.Type.TIMER, null, "Commands issued to the device"),
  /** Bytes handed to the link for sending. */
  LINK_BYTES_SENT("pdu.link.sent", Meter.Type.COUNTER, "bytes", "Bytes sent to the device"),
  /** Bytes the link delivered. */
  LINK_BYTES_RECEIVED(
      "pdu.link.received", Meter.Type.COUNTER, "bytes", "Bytes received from the device"),
  /** Times the link came up again after it had been up. */
  LINK_RECONNECTS(
      "pdu.link.reconnects", Meter.Type.COUNTER, null, "Times the link to the device came back"),
  /**
   * Times the runtime closed the link because the device had gone quiet (a request unanswered by
   * any byte for the device's {@code quiet} option), so that the driver reconnects; each also
   * counts in {@link #LINK_RECONNECTS} once the link is back.
   */
  LINK_RECYCLED(
      "pdu.link.recycled",
      Meter.Type.COUNTER,
      null,
      "Times the link was closed and reopened because the device had gone quiet"),
  /**
   * A supervised device's health: one gauge per {@link #TAG_STATE} ({@code connecting}, {@code
   * connected}, {@code offline}) and {@link #TAG_PROBLEM} ({@code none}, or with {@code offline}
   * {@code communication_error}, {@code login_denied}, {@code configuration_error}), 1 for the
   * current one and 0 for the others. Kept from {@code supervise} until the supervision stops,
   * whether or not the device could be opened.
   */
  DEVICE_HEALTH(
      "pdu.device.health",
      Meter.Type.GAUGE,
      null,
      "1 for the supervised device's current state and problem, 0 for the others"),
  /**
   * Frames from the device the driver skipped, tagged {@link #TAG_REASON}: {@code malformed} (could
   * not be parsed) or {@code overlong} (longer than the driver's bound). Counted by drivers through
   * {@link io.pdu4j.spi.DriverCounters}.
   */
  FRAMES_MALFORMED(
      "pdu.frames.malformed",
      Meter.Type.COUNTER,
      null,
      "Frames from the device skipped as malformed or over-long"),
  /** Status reports received, asked for or pushed. */
  READINGS_RECEIVED(
      "pdu.readings.received", Meter.Type.COUNTER, null, "Status reports received from the device"),
  /**
   * Readings the driver dropped unread, tagged {@link #TAG_REASON}: {@code outlet_limit} (a
   * well-formed reading that would have added an outlet beyond the device's bound, e.g. Enistic's
   * {@code max-outlets}) or {@code source} (a datagram from a source the device does not accept,
   * e.g. outside Enistic's {@code allow=}). Counted by drivers through {@link
   * io.pdu4j.spi.DriverCounters}.
   */
  READINGS_DROPPED(
      "pdu.readings.dropped",
      Meter.Type.COUNTER,
      null,
      "Readings dropped: beyond the device's outlet bound, or from a refused source");

  /**
   * The upper bounds of the buckets of {@link #COMMANDS}: 5 ms to 30 s, twelve buckets (and {@code
   * +Inf}) per device, command and outcome.
   */
  public static final List<Duration> COMMAND_BUCKETS =
      Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)
          .map(Duration::ofMillis)
          .toList();

  /** The tag naming the device. */
  public static final String TAG_DEVICE = "device";

  /** The tag holding the outlet number. */
  public static final String TAG_OUTLET = "outlet";

  /** The tag naming the command ({@code switch_on}, {@code refresh}, ...). */
  public static final String TAG_COMMAND = "command";

  /**
   * The tag saying why a frame was skipped ({@code malformed}, {@code overlong}) or a reading
   * dropped ({@code outlet_limit}, {@code source}).
   */
  public static final String TAG_REASON = "reason";

  /** The tag holding a health state: {@code connecting}, {@code connected}, {@code offline}. */
  public static final String TAG_STATE = "state";

  /**
   * The tag holding why a device is offline ({@link io.pdu4j.api.ConnectionProblem#tag()}), or
   * {@code none}.
   */
  public static final String TAG_PROBLEM = "problem";

  /** The tag holding the {@link CommandOutcome}. */
  public static final String TAG_OUTCOME = "outcome";

  private final String meterName;
  private final Meter.Type type;
  private final String baseUnit;
  private final String description;

  PduMeter(String meterName, Meter.Type type, String baseUnit, String description) {
    this.meterName = meterName;
    this.type = type;
    this.baseUnit = baseUnit;
    this.description = description;
  }

  /** The Micrometer name, dot separated, e.g. {@code pdu.outlet.power}. */
  public String meterName() {
    return meterName;
  }

  /** The kind of meter. */
  public Meter.Type type() {
    return type;
  }

  /** The base unit, e.g. {@code watts}, or null for a plain count or a state. */
  public String baseUnit() {
    return baseUnit;
  }

  /** One line for humans. */
  public String description() {
    return description;
  }
}

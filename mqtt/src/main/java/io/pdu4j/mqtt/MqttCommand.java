package io.pdu4j.mqtt;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One command that came over MQTT, once it is done: what an audit log records.
 *
 * @param time when it arrived
 * @param topic the topic it came on
 * @param device the configured device it concerned, when one (empty for a group)
 * @param outlet the outlet, as the topic named it
 * @param group the group, for a group command
 * @param action {@code on}, {@code off} or {@code cycle}, or the payload as sent (at most 32
 *     characters) when it was none of them
 * @param outcome {@code ok} when the device confirmed it, else the error kind it was answered with:
 *     {@code invalid_argument}, {@code not_found}, {@code not_connected}, {@code timeout}, or the
 *     device failure's {@link io.pdu4j.api.PowerDeviceException.Kind#tag()}
 * @param duration from arrival to outcome
 */
public record MqttCommand(
    Instant time,
    String topic,
    Optional<String> device,
    Optional<String> outlet,
    Optional<String> group,
    String action,
    String outcome,
    Duration duration) {
  /** Checks that nothing is null. */
  public MqttCommand {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(outlet, "outlet");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(duration, "duration");
  }

  /** Whether the device confirmed it. */
  public boolean ok() {
    return outcome.equals("ok");
  }
}

package io.pdu4j.mqtt.internal;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * One message to publish.
 *
 * @param topic where
 * @param payload UTF-8 text; empty with {@code retain} removes a retained message
 * @param retain whether the broker keeps it for later subscribers
 * @param reliable QoS 1 (at least once) rather than 0
 * @param correlation the MQTT 5 correlation data of the request it answers, when it answers one
 */
public record Message(
    String topic,
    String payload,
    boolean retain,
    boolean reliable,
    Optional<ByteBuffer> correlation) {
  /** Checks that nothing is null. */
  public Message {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    Objects.requireNonNull(correlation, "correlation");
  }

  /** Retained state, QoS 1. */
  static Message state(String topic, String payload) {
    return new Message(topic, payload, true, true, Optional.empty());
  }

  /** Retained readings, QoS 0: the next reading replaces a lost one. */
  static Message reading(String topic, String payload) {
    return new Message(topic, payload, true, false, Optional.empty());
  }

  /** A command's answer, not retained, QoS 1. */
  static Message answer(String topic, String payload, Optional<ByteBuffer> correlation) {
    return new Message(topic, payload, false, true, correlation);
  }
}

/**
 * The MQTT bridge of {@code pdu4j serve}: device state on a broker, commands from it, Home
 * Assistant discovery. {@link io.pdu4j.mqtt.MqttBridge} is the entry point; everything under {@code
 * internal} is the implementation.
 */
package io.pdu4j.mqtt;

/**
 * The MQTT bridge of {@code pdu4j serve}: device state on a broker, commands from it, Home
 * Assistant discovery. {@link io.pdu4j.mqtt.MqttBridge} is the entry point of the bridge, {@link
 * io.pdu4j.mqtt.MqttRemote} the client that drives bridged devices through a broker ({@code pdu4j
 * --mqtt}); everything under {@code internal} is the implementation.
 */
package io.pdu4j.mqtt;

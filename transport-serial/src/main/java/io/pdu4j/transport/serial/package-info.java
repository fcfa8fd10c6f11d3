/**
 * The serial-line transport: {@link io.pdu4j.transport.serial.SerialTransportProvider} (scheme
 * {@code serial}, on jSerialComm), found through {@link java.util.ServiceLoader}.
 *
 * <p>Only the provider is public; the link lives in {@code io.pdu4j.transport.serial.internal}.
 */
package io.pdu4j.transport.serial;

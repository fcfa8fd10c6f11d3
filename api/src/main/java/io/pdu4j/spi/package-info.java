/**
 * The driver contract: what a driver author implements and what pdu4j hands a driver.
 *
 * <p>Read by driver authors and by the runtime. A driver implements {@link
 * io.pdu4j.spi.PowerDriver} (found through {@link java.util.ServiceLoader}) and a {@link
 * io.pdu4j.spi.DeviceSession} per device, reports through the {@link io.pdu4j.spi.DeviceSink} pdu4j
 * gives it, and may offer a {@link io.pdu4j.spi.DeviceDiscoverer}. It is given a {@link
 * io.pdu4j.spi.DriverContext}: the device's {@link io.pdu4j.spi.DeviceAddress}, its {@link
 * io.pdu4j.api.DeviceOptions} and a {@link io.pdu4j.spi.Link}, through which it sees its device
 * whether TCP, a serial line or a tunnel carries it. {@link io.pdu4j.spi.Devices} builds the device
 * users see around a session.
 *
 * <p>Beside it: {@link io.pdu4j.spi.support} holds the building blocks a driver may use (line
 * framer, command queue, backoff, ...); {@code io.pdu4j.spi.transport} is for transport authors
 * only; {@code io.pdu4j.spi.internal} is pdu4j's own device, used by no other module. This package
 * uses the support but never the transport SPI.
 */
package io.pdu4j.spi;

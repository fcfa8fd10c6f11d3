/**
 * The driver and transport SPI, and the shared support drivers build on.
 *
 * <p>Drivers ({@link io.pdu4j.spi.PowerDriver}) and transports ({@link
 * io.pdu4j.spi.transport.TransportProvider}) are found through {@link java.util.ServiceLoader}. A
 * driver sees its device only through a {@link io.pdu4j.spi.Link}, so one driver runs over TCP, a
 * serial line or a tunnel alike. Framing ({@link io.pdu4j.spi.support.LineFramer}) and
 * request/reply sequencing ({@link io.pdu4j.spi.support.CommandQueue}) are the driver's, in plain
 * Java.
 */
package io.pdu4j.spi;

/**
 * The transport SPI: what a transport author implements to carry a device's bytes or datagrams.
 *
 * <p>Read by transport authors (pdu4j's TCP, UDP and serial transports, and a driver that brings a
 * transport of its own, as Extron's tunnel does) and by the runtime that hosts them; drivers do not
 * use it. A {@link io.pdu4j.spi.transport.TransportProvider} (found through {@link
 * java.util.ServiceLoader}) creates a {@link io.pdu4j.spi.Link} for an address, given a {@link
 * io.pdu4j.spi.transport.TransportContext}; {@link io.pdu4j.spi.transport.LinkLifecycle} keeps the
 * open, up and down bookkeeping every link keeps the same way.
 */
package io.pdu4j.spi.transport;

/**
 * Netty network transports: {@link io.pdu4j.transport.net.TcpTransportProvider} (scheme {@code
 * tcp}), found through {@link java.util.ServiceLoader}.
 *
 * <p>Only the providers are public; the links live in {@code io.pdu4j.transport.net.internal}.
 */
package io.pdu4j.transport.net;

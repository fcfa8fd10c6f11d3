/**
 * The pdu4j runtime: {@link io.pdu4j.runtime.PowerRuntime} opens devices by address with the
 * drivers and transports found through {@link java.util.ServiceLoader}, on one shared pool of I/O
 * threads. {@link io.pdu4j.runtime.PowerModule} offers the same to Guice applications.
 */
package io.pdu4j.runtime;

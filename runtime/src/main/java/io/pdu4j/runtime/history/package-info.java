/**
 * The runtime's power history: the last hour of each device's watts and volts, kept in memory at a
 * fixed step ({@link PowerHistory}, read with {@link io.pdu4j.runtime.PowerRuntime#powerHistory}).
 */
package io.pdu4j.runtime.history;

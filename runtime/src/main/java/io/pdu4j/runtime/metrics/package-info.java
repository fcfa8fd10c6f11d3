/**
 * The names, units and tags of the meters pdu4j publishes through Micrometer: {@link PduMeter} and
 * the bounded tag values of {@link CommandOutcome}.
 */
package io.pdu4j.runtime.metrics;

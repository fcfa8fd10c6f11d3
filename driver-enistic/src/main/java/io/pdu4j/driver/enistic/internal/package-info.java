/**
 * The Enistic driver's implementation; not an API. {@code EnisticCodec} (readings and commands) and
 * {@code EnisticSettings} (the address) are pure; {@code EnisticSession} is the per-controller
 * state machine on the link's thread; {@code EnisticDevice} is what users hold.
 */
package io.pdu4j.driver.enistic.internal;

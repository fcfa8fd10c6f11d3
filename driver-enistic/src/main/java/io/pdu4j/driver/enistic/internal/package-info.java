/**
 * The Enistic driver's implementation; not an API. {@code EnisticCodec} (readings and commands) and
 * {@code EnisticSettings} (the address) are pure; {@code EnisticSession} is the per-controller
 * session on the link's thread, with its {@code OutletTable} (the outlets and their readings) and
 * {@code PendingSwitches} (switches waiting for their confirming reading); pdu4j builds the device
 * users hold around it.
 */
package io.pdu4j.driver.enistic.internal;

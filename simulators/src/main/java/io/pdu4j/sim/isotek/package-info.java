/**
 * A simulated IsoTek SMART Power PDU speaking the vendor's text protocol over TCP, for tests and
 * demonstrations. Start with {@link io.pdu4j.sim.isotek.IsoTekSimulator#builder()}.
 */
package io.pdu4j.sim.isotek;

/**
 * Implementation of the IsoTek SMART Power simulator: line framing, the wire codec, the device
 * model and the TCP/UDP servers. Nothing here is API; use {@link
 * io.pdu4j.sim.isotek.IsoTekSimulator}.
 */
package io.pdu4j.sim.isotek.internal;

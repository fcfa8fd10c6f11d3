/**
 * Implementation of the Extron IPCP simulator: the Telnet server and its SIS sessions, the web form
 * server, the command semantics both share, the COM ports with their serial devices, and the unit's
 * state. Nothing here is API; use {@link io.pdu4j.sim.extron.ExtronSimulator}.
 */
package io.pdu4j.sim.extron.internal;

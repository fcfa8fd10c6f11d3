/** A simulated Extron IPCP 505 control processor speaking SIS over Telnet, for tests. */
package io.pdu4j.sim.extron;

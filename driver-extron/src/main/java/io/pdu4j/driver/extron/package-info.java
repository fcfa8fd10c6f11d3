/**
 * Extron IPCP control processors: the {@code extron} tunnel transport, which carries another
 * driver's bytes to a serial device on one of the IPCP's COM ports through SIS send-data-string
 * commands over Telnet. See {@code docs/extron.md}.
 */
package io.pdu4j.driver.extron;

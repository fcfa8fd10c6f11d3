/**
 * The IsoTek driver's implementation; not an API. The line parser ({@code IsoTekParser}), command
 * formatter ({@code IsoTekCommands}), status assembler ({@code IsoTekStatusAssembler}) and line
 * reader ({@code IsoTekLineReader}) are pure; {@code IsoTekSession} is the per-device state machine
 * on the link's thread; {@code IsoTekDevice} is what users hold. Protocol-independent support
 * (listeners, status events, staleness, backoff, burst logging) comes from {@code io.pdu4j.spi}.
 */
package io.pdu4j.driver.isotek.internal;

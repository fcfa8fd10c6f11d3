/**
 * The IsoTek driver's implementation; not an API. The line parser ({@code IsoTekParser}), command
 * formatter ({@code IsoTekCommands}), status assembler ({@code IsoTekStatusAssembler}) and line
 * reader ({@code IsoTekLineReader}) are pure; {@code IsoTekSession} is the per-device state machine
 * on the link's thread; {@code IsoTekDevice} is what users hold. {@code ListenerList}, {@code
 * StatusEvents}, {@code Freshness}, {@code Backoff}, {@code BurstLog} and {@code FrameCounters}
 * know nothing about IsoTek and may move to the SPI.
 */
package io.pdu4j.driver.isotek.internal;

/**
 * The IsoTek driver's implementation; not an API. The line parser ({@code IsoTekParser}), command
 * formatter ({@code IsoTekCommands}), status assembler ({@code IsoTekStatusAssembler}) and line
 * reader ({@code IsoTekLineReader}) are pure; {@code IsoTekSession} is the per-device protocol
 * session on the link's thread, with the outlets' settings in {@code IsoTekOutletTable} and the
 * schedule in {@code IsoTekSchedule}. pdu4j builds what users hold around the session; shared
 * support (command queue, line framer, burst logging) comes from {@code io.pdu4j.spi}.
 */
package io.pdu4j.driver.isotek.internal;

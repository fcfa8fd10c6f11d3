/**
 * The fleet benchmark ({@code bench/fleet}): {@code pdu4j serve} against an out-of-process load
 * generator of pushing IsoTek units beside a bare reader on the same load, Enistic ingest beside a
 * raw datagram reader, the confirmed switch against a raw socket exchange, and the CLI's start;
 * {@link io.pdu4j.bench.fleet.FleetBench} runs it and writes the results table into {@code
 * docs/benchmarks.md}.
 */
package io.pdu4j.bench.fleet;

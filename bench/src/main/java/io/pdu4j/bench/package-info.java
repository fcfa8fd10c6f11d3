/**
 * Benchmarks: JMH micro-benchmarks of the hot paths (framing, parsing, a switch round trip) and
 * {@link io.pdu4j.bench.FleetHarness}, which opens a fleet of simulated PDUs and reports open time,
 * memory and threads per device and switch latency percentiles. Built by the normal build, never
 * run by it; see {@code docs/benchmarks.md}.
 */
package io.pdu4j.bench;

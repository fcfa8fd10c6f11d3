/**
 * The soak: a fleet of simulated devices of every kind under one runtime, given random commands and
 * faults for a configurable time, then checked for commands that never completed or completed
 * twice, a fleet that did not come back, and threads or file descriptors that grew. {@link
 * io.pdu4j.bench.soak.Soak} runs it from the command line, {@code it-tests}' {@code SoakIT} runs a
 * short form; see {@code docs/reliability.md (Soak)}.
 */
package io.pdu4j.bench.soak;

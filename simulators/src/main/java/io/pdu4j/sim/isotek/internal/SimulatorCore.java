package io.pdu4j.sim.isotek.internal;

/**
 * The parts every connection of one simulator shares.
 *
 * @param device the simulated unit
 * @param processor executes commands on {@code device}
 * @param renderer renders replies and pushes to text
 * @param faults the faults currently injected
 * @param log the received command lines
 * @param silentOnError whether a rejected command gets no reply at all instead of the error reply
 * @param maxLineLength the longest command line accepted, in characters
 * @param restart how {@code X} restarts the unit
 */
public record SimulatorCore(
    DeviceModel device,
    CommandProcessor processor,
    ReplyRenderer renderer,
    Faults faults,
    CommandLog log,
    boolean silentOnError,
    int maxLineLength,
    RestartSignal restart) {}

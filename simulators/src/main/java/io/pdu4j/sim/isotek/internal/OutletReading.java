package io.pdu4j.sim.isotek.internal;

/**
 * One {@code CHn=s|vvv|ppp|} line's values.
 *
 * @param on the relay state (for CH0, the unit: always on)
 * @param volts the voltage in V
 * @param watts the power in W
 */
public record OutletReading(boolean on, int volts, int watts) {}

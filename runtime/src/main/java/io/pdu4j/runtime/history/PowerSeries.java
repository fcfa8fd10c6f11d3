package io.pdu4j.runtime.history;

import java.util.Arrays;
import java.util.OptionalDouble;

/**
 * One series of a {@link PowerHistory}: a value per step, oldest first, or a gap where the device
 * reported nothing in that step. Immutable.
 */
public final class PowerSeries {
  private final double[] values; // NaN: a gap

  private PowerSeries(double[] values) {
    this.values = values;
  }

  /**
   * A series of these values, copied; {@link Double#NaN} marks a gap.
   *
   * @throws IllegalArgumentException when a value is infinite
   */
  public static PowerSeries of(double... values) {
    double[] copy = values.clone();
    for (double v : copy) {
      if (Double.isInfinite(v)) {
        throw new IllegalArgumentException("a power series holds finite values or gaps, got " + v);
      }
    }
    return new PowerSeries(copy);
  }

  /** How many steps it covers (as many as its history's {@link PowerHistory#times()}). */
  public int size() {
    return values.length;
  }

  /** The value of step {@code i}, empty for a gap. */
  public OptionalDouble at(int i) {
    double v = values[i];
    return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** How many steps hold a value. */
  public int count() {
    int n = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        n++;
      }
    }
    return n;
  }

  /** A copy of the values, {@link Double#NaN} for gaps. */
  public double[] toArray() {
    return values.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PowerSeries s && Arrays.equals(values, s.values);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "PowerSeries" + Arrays.toString(values);
  }
}

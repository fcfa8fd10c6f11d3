package io.pdu4j.spi.internal;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import java.util.Arrays;
import java.util.List;

/**
 * The numbers and states of one status's outlets, in two small arrays: what the next status is
 * compared with (did outlets come or go, which ones changed state), without reading the previous
 * status's outlet objects again. At a fleet's scale those are a second old and out of the cache;
 * these arrays are a few cache lines a device. Not thread-safe: the device's thread only.
 */
final class OutletStates {
  private static final OutletState[] STATES = OutletState.values();

  private int[] numbers = new int[0];
  private byte[] states = new byte[0];
  private int count;

  /** Of {@code status}'s outlets. */
  static OutletStates of(DeviceStatus status) {
    OutletStates s = new OutletStates();
    s.take(status);
    return s;
  }

  /**
   * Becomes {@code status}'s outlets (its arrays reused while the outlet count allows), and says
   * whether they have the numbers it held, in the same order: the comparison made in the pass that
   * writes them, not in a pass of its own over the status's outlets.
   *
   * @return whether {@code status} has the outlet numbers held before, in the same order
   */
  boolean take(DeviceStatus status) {
    List<OutletStatus> outlets = status.outlets();
    int n = outlets.size();
    boolean same = n == count;
    if (numbers.length < n) {
      numbers = Arrays.copyOf(numbers, n); // kept for the comparison below
      states = new byte[n];
    }
    for (int i = 0; i < n; i++) {
      OutletStatus o = outlets.get(i);
      int number = o.number();
      if (numbers[i] != number) {
        same = false;
        numbers[i] = number;
      }
      states[i] = (byte) o.state().ordinal();
    }
    count = n;
    return same;
  }

  /** The number of outlets. */
  int size() {
    return count;
  }

  /** The number of the {@code i}-th outlet. */
  int number(int i) {
    return numbers[i];
  }

  /** The state of the {@code i}-th outlet. */
  OutletState state(int i) {
    return STATES[states[i]];
  }
}

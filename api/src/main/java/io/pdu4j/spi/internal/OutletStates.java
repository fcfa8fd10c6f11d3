package io.pdu4j.spi.internal;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
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

  /** Becomes {@code status}'s outlets (its arrays reused while the outlet count allows). */
  void take(DeviceStatus status) {
    List<OutletStatus> outlets = status.outlets();
    int n = outlets.size();
    if (numbers.length < n) {
      numbers = new int[n];
      states = new byte[n];
    }
    for (int i = 0; i < n; i++) {
      OutletStatus o = outlets.get(i);
      numbers[i] = o.number();
      states[i] = (byte) o.state().ordinal();
    }
    count = n;
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

  /** Whether {@code status} has the same outlet numbers, in the same order. */
  boolean sameNumbers(DeviceStatus status) {
    List<OutletStatus> outlets = status.outlets();
    if (outlets.size() != count) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      if (outlets.get(i).number() != numbers[i]) {
        return false;
      }
    }
    return true;
  }
}

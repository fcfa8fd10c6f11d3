package io.pdu4j.runtime.config;

import io.pdu4j.api.InvalidArgumentException;
import java.nio.charset.StandardCharsets;

/**
 * One of N instances sharing one configuration ({@code serve --shard I/N}): the instance runs the
 * devices whose name hashes to its index. The hash is fixed (32-bit FNV-1a of the name's UTF-8
 * bytes, modulo N), so every instance, and every version of pdu4j, agrees on who owns a device.
 *
 * @param index this instance's index, 0 to {@code count - 1} (a Kubernetes StatefulSet's ordinal)
 * @param count how many instances share the configuration, 1 to {@link #MAX_COUNT}
 */
public record Shard(int index, int count) {
  /** The most instances one configuration may be shared by. */
  public static final int MAX_COUNT = 1024;

  /** The one instance of an unsharded configuration. */
  public static final Shard ALL = new Shard(0, 1);

  /** Validates the index against the count. */
  public Shard {
    if (count < 1 || count > MAX_COUNT) {
      throw new InvalidArgumentException(
          "the shard count must be 1.." + MAX_COUNT + ", got " + count);
    }
    if (index < 0 || index >= count) {
      throw new InvalidArgumentException(
          "the shard index must be 0.." + (count - 1) + " for " + count + " shards, got " + index);
    }
  }

  /**
   * Reads {@code I/N}, e.g. {@code 0/3}.
   *
   * @throws InvalidArgumentException when it is not that
   */
  public static Shard parse(String text) {
    String t = text.strip();
    int slash = t.indexOf('/');
    try {
      if (slash > 0) {
        return new Shard(
            Integer.parseInt(t.substring(0, slash)), Integer.parseInt(t.substring(slash + 1)));
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new InvalidArgumentException(
        "not a shard: '" + text + "'; write INDEX/COUNT, e.g. 0/3 (indexes start at 0)");
  }

  /** Which shard of {@code count} owns the device called {@code name}. */
  public static int of(String name, int count) {
    int h = 0x811c9dc5;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return Integer.remainderUnsigned(h, count);
  }

  /** Whether this shard runs the device called {@code name}. */
  public boolean owns(String name) {
    return of(name, count) == index;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}

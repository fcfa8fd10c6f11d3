package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.driver.enistic.internal.EnisticCodec.Reading;
import io.pdu4j.spi.support.Freshness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's outlets: one per Smart Socket and per meter channel, numbered in the order of
 * their first reading, each with its last reading. Decides which serials are sockets and which
 * meters, keeps at most {@code max-outlets} (with room kept for the serials in {@code sockets=} and
 * {@code meters=}), and which readings still count.
 *
 * <p>Confined to the device's thread.
 */
final class OutletTable {
  private static final Logger LOG = LoggerFactory.getLogger(OutletTable.class);

  /** One outlet: a socket, or one channel of a meter. */
  static final class Entry {
    final int number;
    final String serial;
    final int channel;
    private final String channelId;
    boolean socket;
    OutletStatus reported;
    Instant at;
    // at + stale: the reading counts up to this instant, included
    Instant currentUntil;
    boolean staleSeen;

    Entry(int number, String serial, int channel) {
      this.number = number;
      this.serial = serial;
      this.channel = channel;
      this.channelId = serial + "/" + channel;
    }

    /** The socket serial as read, or {@code meterSerial/channel}. */
    String id() {
      return socket ? serial : channelId;
    }

    /** The serial as compared: upper case. */
    String key() {
      return EnisticCodec.key(serial);
    }
  }

  private final String device;
  private final EnisticSettings settings;
  private final Duration staleAfter;
  private final Consumer<Entry> becameMeter;
  // by upper-case serial, then channel (index 1..16): no key to build for every reading
  private final Map<String, Entry[]> entries = new HashMap<>();
  private final List<Entry> byNumber = new ArrayList<>();
  private final Set<String> multiChannel = new HashSet<>(); // only serials with an outlet
  private int unlistedOutlets; // outlets of serials not in sockets=/meters=
  private long lastAddedNanos;
  // What status(now) needs, kept up to date by every reading, so that a status of outlets that
  // are all current is a copy of the reported outlets rather than a pass over every entry:
  // each outlet's reported status by number - 1,
  private OutletStatus[] reported = new OutletStatus[16];
  // the newest reading's time (exactly the newest of all entries' while newestExact),
  private Instant newest;
  private boolean newestExact = true;
  // and an instant before which no outlet's reading goes stale (at most the earliest such).
  private Instant allCurrentUntil;

  /**
   * An empty table.
   *
   * @param becameMeter told when an outlet taken for a socket turned out to be a meter's channel 1
   */
  OutletTable(
      String device, EnisticSettings settings, Duration staleAfter, Consumer<Entry> becameMeter) {
    this.device = device;
    this.settings = settings;
    this.staleAfter = staleAfter;
    this.becameMeter = becameMeter;
  }

  /** How many outlets there are. */
  int size() {
    return byNumber.size();
  }

  /** Outlet {@code number}, 1-based; null when there is none. */
  Entry outlet(int number) {
    return number < 1 || number > byNumber.size() ? null : byNumber.get(number - 1);
  }

  /** Every outlet, in number order. */
  List<Entry> all() {
    return byNumber;
  }

  /** {@link System#nanoTime()} when the last outlet was added; 0 before the first. */
  long lastAddedNanos() {
    return lastAddedNanos;
  }

  /**
   * Takes a reading of this controller: updates its outlet, adding it when new and there is room.
   *
   * @return the outlet, or null when the reading would add one beyond {@code max-outlets}
   */
  Entry take(Reading r, Instant now) {
    String serialKey = EnisticCodec.key(r.meter());
    Entry[] channels = entries.get(serialKey);
    Entry e = channels == null ? null : channels[r.channel()];
    boolean added = e == null;
    boolean listed = added && settings.listed(serialKey, r.channel());
    boolean admitted = !added || listed || unlistedOutlets < unlistedRoom();
    // what is learnt about a serial is kept only for serials that have an outlet: bounded too
    if (r.channel() > 1
        && (admitted || (channels != null && channels[1] != null))
        && multiChannel.add(serialKey)) {
      reclassify(serialKey);
    }
    if (!admitted) {
      return null;
    }
    if (added) {
      if (!listed) {
        unlistedOutlets++;
      }
      e = new Entry(byNumber.size() + 1, r.meter(), r.channel());
      e.socket = isSocket(serialKey, r.channel());
      if (channels == null) {
        channels = new Entry[17];
        entries.put(serialKey, channels);
      }
      channels[r.channel()] = e;
      byNumber.add(e);
      lastAddedNanos = System.nanoTime();
      LOG.debug("{}: new outlet {} ({})", device, e.number, e.id());
    }
    e.reported = status(e, e.socket ? r.socketState() : OutletState.UNKNOWN, r.power());
    Instant previousAt = e.at;
    e.at = now;
    e.currentUntil = now.plus(staleAfter);
    e.staleSeen = false;
    remember(e, previousAt);
    return e;
  }

  /** Outlets serials outside {@code sockets=}/{@code meters=} may have: the rest is kept. */
  private int unlistedRoom() {
    return settings.maxOutlets() - settings.reservedOutlets();
  }

  private boolean isSocket(String serialKey, int channel) {
    if (settings.meters().contains(serialKey)) {
      return false;
    }
    if (!settings.sockets().isEmpty()) {
      return channel == 1 && settings.sockets().contains(serialKey);
    }
    return channel == 1 && !multiChannel.contains(serialKey);
  }

  /** A serial thought to be a socket reported a second channel: it is a meter after all. */
  private void reclassify(String serialKey) {
    Entry[] channels = entries.get(serialKey);
    Entry e = channels == null ? null : channels[1];
    if (e == null || !e.socket || !settings.sockets().isEmpty()) {
      return;
    }
    LOG.info(
        "{}: {} reported more than one channel: outlet {} is a meter channel, not a socket",
        device,
        e.serial,
        e.number);
    e.socket = false;
    e.reported = status(e, OutletState.UNKNOWN, e.reported.power().orElse(0));
    reported[e.number - 1] = e.reported;
    becameMeter.accept(e);
  }

  private void remember(Entry e, Instant previousAt) {
    int i = e.number - 1;
    if (i >= reported.length) {
      reported = Arrays.copyOf(reported, Math.max(i + 1, reported.length * 2));
    }
    reported[i] = e.reported;
    if (newest == null || e.at.isAfter(newest)) {
      newest = e.at;
    } else if (e.at.isBefore(newest) && newest.equals(previousAt)) {
      newestExact = false; // the clock went back: the newest may be another outlet's now
    }
    if (allCurrentUntil == null || e.currentUntil.isBefore(allCurrentUntil)) {
      allCurrentUntil = e.currentUntil;
    }
  }

  private static final Set<OutletCapability> SOCKET =
      Set.of(OutletCapability.SWITCHABLE, OutletCapability.METERED);
  private static final Set<OutletCapability> METER = Set.of(OutletCapability.METERED);

  private static OutletStatus status(Entry e, OutletState s, double power) {
    // immutable sets: OutletStatus keeps them as they are rather than copying them every reading
    Set<OutletCapability> caps = e.socket ? SOCKET : METER;
    // the id is the name: short enough for a table, and what on/off take to pick the outlet
    return new OutletStatus(
        e.number, e.id(), e.id(), s, OptionalDouble.empty(), OptionalDouble.of(power), caps);
  }

  /** Whether the outlet's last reading still counts: at most {@code stale} old. */
  private static boolean isCurrent(Entry e, Instant now) {
    return !now.isAfter(e.currentUntil);
  }

  /**
   * Marks the outlets whose last reading went stale since the last call.
   *
   * @return whether there were any
   */
  boolean sweep(Instant now) {
    boolean any = false;
    for (Entry e : byNumber) {
      if (!e.staleSeen && !isCurrent(e, now)) {
        e.staleSeen = true;
        any = true;
      }
    }
    return any;
  }

  /**
   * The status as it reads at {@code now}: every outlet with its last reading, UNKNOWN without
   * readings where that is older than the stale limit; received at the newest reading ({@code now}
   * before the first).
   */
  DeviceStatus status(Instant now) {
    int n = byNumber.size();
    if (n > 0 && newestExact && !now.isAfter(allCurrentUntil)) {
      // every outlet's reading is current: an immutable list, which DeviceStatus keeps as it is
      return DeviceStatus.of(newest, List.of(Arrays.copyOf(reported, n)));
    }
    Instant latest = n == 0 ? now : Instant.MIN;
    Instant until = null;
    OutletStatus[] outlets = new OutletStatus[n];
    for (int i = 0; i < n; i++) {
      Entry e = byNumber.get(i);
      if (e.at.isAfter(latest)) {
        latest = e.at;
      }
      if (until == null || e.currentUntil.isBefore(until)) {
        until = e.currentUntil;
      }
      outlets[i] = Freshness.effective(e.reported, isCurrent(e, now));
    }
    if (n > 0) {
      newest = latest;
      newestExact = true;
      allCurrentUntil = until;
    }
    return DeviceStatus.of(latest, List.of(outlets));
  }
}

package io.pdu4j.driver.enistic.internal;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.spi.support.Freshness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    private final String key;
    private final String channelId;
    boolean socket;
    OutletStatus reported;
    Instant at;
    boolean staleSeen;

    Entry(int number, String serial, String key, int channel) {
      this.number = number;
      this.serial = serial;
      this.key = key;
      this.channel = channel;
      this.channelId = serial + "/" + channel;
    }

    /** The socket serial as read, or {@code meterSerial/channel}. */
    String id() {
      return socket ? serial : channelId;
    }

    /** The serial as compared: upper case. */
    String key() {
      return key;
    }
  }

  /** What is kept of a serial that has outlets: its channels' outlets, found by its 16 digits. */
  private static final class Serial {
    final long meterKey;
    final String key;
    // by channel, 1..16
    final Entry[] channels = new Entry[17];
    boolean multiChannel;

    Serial(long meterKey, String key) {
      this.meterKey = meterKey;
      this.key = key;
    }
  }

  private final String device;
  private final EnisticSettings settings;
  private final long staleSeconds;
  private final int staleNanos;
  private final Duration staleAfter;
  private final Consumer<Entry> becameMeter;
  // the serials with an outlet, open addressing by meterKey: no key to build for every reading
  private Serial[] serials = new Serial[16];
  private int serialCount;
  private final List<Entry> byNumber = new ArrayList<>();
  private int unlistedOutlets; // outlets of serials not in sockets=/meters=
  private long lastAddedNanos;
  // What status(now) needs, kept up to date by every reading, so that a status of outlets that
  // are all current is one copy of the reported outlets rather than a pass over every entry:
  // each outlet's reported status by number - 1 (exactly as many as there are outlets),
  private OutletStatus[] reported = new OutletStatus[0];
  // the newest reading's time (exactly the newest of all entries' while newestExact),
  private Instant newest;
  private boolean newestExact = true;
  // and the time of a reading no later than the oldest outlet's, with that time plus stale: before
  // then no outlet's reading goes stale.
  private Instant oldestAt;
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
    this.staleSeconds = staleAfter.getSeconds();
    this.staleNanos = staleAfter.getNano();
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
   * An outlet whose reading shows the same state and power as its last keeps its reported status
   * (the same instance).
   *
   * @return the outlet, or null when the reading would add one beyond {@code max-outlets}
   */
  Entry take(EnisticCodec.Line r, Instant now) {
    int channel = r.channel();
    Serial serial = find(r.meterKey());
    Entry e = serial == null ? null : serial.channels[channel];
    boolean added = e == null;
    String serialKey = !added ? null : serial != null ? serial.key : EnisticCodec.key(r.meter());
    boolean listed = added && settings.listed(serialKey, channel);
    boolean admitted = !added || listed || unlistedOutlets < unlistedRoom();
    // what is learnt about a serial is kept only for serials that have an outlet: bounded too
    if (channel > 1 && (admitted || (serial != null && serial.channels[1] != null))) {
      if (serial == null) {
        serial = add(r.meterKey(), serialKey);
      }
      if (!serial.multiChannel) {
        serial.multiChannel = true;
        reclassify(serial);
      }
    }
    if (!admitted) {
      return null;
    }
    if (added) {
      if (!listed) {
        unlistedOutlets++;
      }
      if (serial == null) {
        serial = add(r.meterKey(), serialKey);
      }
      e = new Entry(byNumber.size() + 1, r.meter(), serial.key, channel);
      e.socket = isSocket(serial, channel);
      serial.channels[channel] = e;
      byNumber.add(e);
      reported = Arrays.copyOf(reported, byNumber.size());
      lastAddedNanos = System.nanoTime();
      LOG.debug("{}: new outlet {} ({})", device, e.number, e.id());
    }
    OutletState state = e.socket ? r.socketState() : OutletState.UNKNOWN;
    double power = r.power();
    OutletStatus last = e.reported;
    if (last == null
        || last.state() != state
        || Double.compare(last.power().orElse(Double.NaN), power) != 0) {
      e.reported = status(e, state, power);
    }
    Instant previousAt = e.at;
    e.at = now;
    e.staleSeen = false;
    remember(e, previousAt);
    return e;
  }

  /** The serial with these 16 digits, or null. */
  private Serial find(long meterKey) {
    Serial[] table = serials;
    int mask = table.length - 1;
    for (int i = slot(meterKey) & mask; ; i = (i + 1) & mask) {
      Serial s = table[i];
      if (s == null || s.meterKey == meterKey) {
        return s;
      }
    }
  }

  private Serial add(long meterKey, String key) {
    if ((serialCount + 1) * 2 > serials.length) {
      Serial[] old = serials;
      serials = new Serial[old.length * 2];
      for (Serial s : old) {
        if (s != null) {
          put(s);
        }
      }
    }
    Serial s = new Serial(meterKey, key);
    put(s);
    serialCount++;
    return s;
  }

  private void put(Serial s) {
    int mask = serials.length - 1;
    int i = slot(s.meterKey) & mask;
    while (serials[i] != null) {
      i = (i + 1) & mask;
    }
    serials[i] = s;
  }

  private static int slot(long meterKey) {
    long h = meterKey * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 32);
  }

  /** Outlets serials outside {@code sockets=}/{@code meters=} may have: the rest is kept. */
  private int unlistedRoom() {
    return settings.maxOutlets() - settings.reservedOutlets();
  }

  private boolean isSocket(Serial serial, int channel) {
    if (settings.meters().contains(serial.key)) {
      return false;
    }
    if (!settings.sockets().isEmpty()) {
      return channel == 1 && settings.sockets().contains(serial.key);
    }
    return channel == 1 && !serial.multiChannel;
  }

  /** A serial thought to be a socket reported a second channel: it is a meter after all. */
  private void reclassify(Serial serial) {
    Entry e = serial.channels[1];
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
    reported[e.number - 1] = e.reported;
    if (newest == null || e.at.isAfter(newest)) {
      newest = e.at;
    } else if (e.at.isBefore(newest) && newest.equals(previousAt)) {
      newestExact = false; // the clock went back: the newest may be another outlet's now
    }
    if (oldestAt == null || e.at.isBefore(oldestAt)) {
      oldestAt = e.at;
      allCurrentUntil = e.at.plus(staleAfter);
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

  /**
   * Whether the outlet's last reading still counts: at most {@code stale} old ({@code now} no later
   * than its time plus stale, compared without making an instant).
   */
  private boolean isCurrent(Entry e, Instant now) {
    long seconds = now.getEpochSecond() - e.at.getEpochSecond();
    int nanos = now.getNano() - e.at.getNano();
    if (nanos < 0) {
      seconds--;
      nanos += 1_000_000_000;
    }
    return seconds < staleSeconds || (seconds == staleSeconds && nanos <= staleNanos);
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
      return DeviceStatus.of(newest, List.of(reported));
    }
    Instant latest = n == 0 ? now : Instant.MIN;
    Instant oldest = null;
    OutletStatus[] outlets = new OutletStatus[n];
    for (int i = 0; i < n; i++) {
      Entry e = byNumber.get(i);
      if (e.at.isAfter(latest)) {
        latest = e.at;
      }
      if (oldest == null || e.at.isBefore(oldest)) {
        oldest = e.at;
      }
      outlets[i] = Freshness.effective(e.reported, isCurrent(e, now));
    }
    if (n > 0) {
      newest = latest;
      newestExact = true;
      oldestAt = oldest;
      allCurrentUntil = oldest.plus(staleAfter);
    }
    return DeviceStatus.of(latest, List.of(outlets));
  }
}

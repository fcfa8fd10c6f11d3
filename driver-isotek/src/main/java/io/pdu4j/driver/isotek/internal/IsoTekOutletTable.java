package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerReading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The outlets' settings as the unit last answered {@code C?} (names of up to 8 characters, types,
 * reset delays), and what they make of a status: the outlets' names, and their capabilities (a
 * locked outlet, type 3, is not switchable; outlets are configurable once {@code C?} was answered).
 * Empty until the unit answered {@code C?}, and again when another unit answers at the address.
 * Device thread only.
 */
final class IsoTekOutletTable {
  private static final Set<OutletCapability> UNREAD =
      Set.of(OutletCapability.SWITCHABLE, OutletCapability.METERED);
  private static final Set<OutletCapability> CONFIGURED =
      Set.of(OutletCapability.SWITCHABLE, OutletCapability.METERED, OutletCapability.CONFIGURABLE);
  private static final Set<OutletCapability> LOCKED =
      Set.of(OutletCapability.METERED, OutletCapability.CONFIGURABLE);

  // by outlet number (C? answers 1..16): an array, not a map of an entry per outlet
  private final OutletConfig[] configs = new OutletConfig[IsoTekFrame.MAX_CHANNEL + 1];

  /**
   * The outlets of the last status, by number: a push that changed nothing about an outlet reports
   * the same (immutable) {@link OutletStatus} again instead of a new one.
   */
  private final OutletStatus[] last = new OutletStatus[IsoTekFrame.MAX_CHANNEL + 1];

  // last[n]'s state and readings: a push whose readings moved (most do) is told from these few
  // cache lines, without reading the old outlet objects of a second ago. The states as bits of
  // one field (bit n: last[n] is ON), the readings in one array, each outlet's volts and watts
  // side by side (2n, 2n + 1): what one outlet compares is in one line
  private long lastOn;
  private final double[] lastReadings = new double[2 * (IsoTekFrame.MAX_CHANNEL + 1)];

  /**
   * Readings of whole volts and watts as the unit mostly writes them, made once: {@link
   * OptionalDouble} is a value, so every outlet that reads 230 V can share one.
   */
  private static final OptionalDouble[] WHOLE = new OptionalDouble[4096];

  static {
    for (int i = 0; i < WHOLE.length; i++) {
      WHOLE[i] = OptionalDouble.of(i);
    }
  }

  /**
   * The outlet settings read from units, each kept once for every table (records, immutable): the
   * units of a fleet mostly answer {@code C?} alike (their factory names, types and delays), and
   * each answer would otherwise keep 16 settings and their names per device. Bounded: past {@link
   * #SHARED_MAX} different settings, a new one is kept by its own table only.
   */
  private static final ConcurrentHashMap<OutletConfig, OutletConfig> SHARED =
      new ConcurrentHashMap<>();

  static final int SHARED_MAX = 4096;

  /** {@code config}, or an equal one read before. */
  static OutletConfig shared(OutletConfig config) {
    OutletConfig known = SHARED.get(config);
    if (known != null) {
      return known;
    }
    if (SHARED.size() >= SHARED_MAX) {
      return config;
    }
    known = SHARED.putIfAbsent(config, config);
    return known != null ? known : config;
  }

  /** {@code OptionalDouble.of(value)}, shared for the whole numbers of {@link #WHOLE}. */
  static OptionalDouble reading(double value) {
    int whole = (int) value;
    return whole == value
            && whole >= 0
            && whole < WHOLE.length
            && Double.doubleToRawLongBits(value) != NEGATIVE_ZERO
        ? WHOLE[whole]
        : OptionalDouble.of(value);
  }

  private static final long NEGATIVE_ZERO = Double.doubleToRawLongBits(-0.0);

  // name(n) and capabilities(n) of the channels, made when the settings change rather than looked
  // up (and the name checked for blanks) for every outlet of every push
  private final String[] names = new String[IsoTekFrame.MAX_CHANNEL + 1];
  private final byte[] kinds = new byte[IsoTekFrame.MAX_CHANNEL + 1]; // 0 unread, 1 set, 2 locked

  IsoTekOutletTable() {
    index();
  }

  private void index() {
    for (int n = 0; n < names.length; n++) {
      OutletConfig c = configs[n];
      names[n] = c != null && !c.name().isBlank() ? c.name() : DEFAULT_NAMES[n];
      kinds[n] = (byte) (c == null ? 0 : c.type() == OutletType.LOCKED ? 2 : 1);
    }
  }

  /** Takes the lines of an answer to {@code C?}. */
  void read(List<IsoTekFrame.OutletSetting> settings) {
    OutletConfig[] read = new OutletConfig[configs.length]; // a setting's number is 1..16
    for (IsoTekFrame.OutletSetting s : settings) {
      read[s.number()] =
          shared(
              new OutletConfig(
                  s.name(), IsoTekCommands.type(s.type()), Duration.ofSeconds(s.delaySeconds())));
    }
    System.arraycopy(read, 0, configs, 0, read.length);
    index();
  }

  /** Forgets what was read: another unit answers at the address. */
  void forget() {
    Arrays.fill(configs, null);
    index();
  }

  /** The settings of outlet {@code number} as last read, when the unit answered {@code C?}. */
  Optional<OutletConfig> config(int number) {
    return number >= 0 && number < configs.length
        ? Optional.ofNullable(configs[number])
        : Optional.empty();
  }

  /** The unit's name for the outlet ({@code C?}, trailing blanks trimmed), or {@code Outlet N}. */
  String name(int number) {
    return number >= 0 && number < names.length ? names[number] : "Outlet " + number;
  }

  private static final String[] DEFAULT_NAMES = new String[IsoTekFrame.MAX_CHANNEL + 1];
  private static final String[] ID = new String[IsoTekFrame.MAX_CHANNEL + 1];

  static {
    for (int n = 0; n < DEFAULT_NAMES.length; n++) {
      DEFAULT_NAMES[n] = "Outlet " + n;
      ID[n] = Integer.toString(n);
    }
  }

  Set<OutletCapability> capabilities(int number) {
    if (number >= 0 && number < kinds.length) {
      return switch (kinds[number]) {
        case 0 -> UNREAD;
        case 2 -> LOCKED;
        default -> CONFIGURED;
      };
    }
    return UNREAD; // no settings beyond the channels C? answers
  }

  /** The status a complete status block reports. */
  DeviceStatus toStatus(IsoTekStatusAssembler.Block block, Instant receivedAt) {
    OutletStatus[] outlets = scratch(block.outletCount());
    for (int n = 1; n <= outlets.length; n++) {
      outlets[n - 1] = outlet(n, block.on(n), block.volts(n), block.watts(n));
    }
    // List.of: the immutable list DeviceStatus keeps as it is, rather than a list copied again;
    // it copies the outlets out of the scratch array, which is the thread's next push's again
    return new DeviceStatus(
        receivedAt,
        Optional.of(new PowerReading(reading(block.volts(0)), reading(block.watts(0)))),
        List.of(outlets),
        block.clock());
  }

  // where toStatus puts a status's outlets before List.of copies them into the status's list: an
  // array of the thread's for each outlet count, not one made for every push only to be copied,
  // nor one kept by each of a fleet's devices (toStatus hands it on before it returns)
  private static final ThreadLocal<OutletStatus[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new OutletStatus[IsoTekFrame.MAX_CHANNEL + 1][]);

  private static OutletStatus[] scratch(int outletCount) {
    OutletStatus[][] byCount = SCRATCH.get();
    OutletStatus[] outlets = byCount[outletCount];
    if (outlets == null) {
      outlets = new OutletStatus[outletCount];
      byCount[outletCount] = outlets;
    }
    return outlets;
  }

  /** The outlet channel {@code n} reports: the last one again when nothing about it changed. */
  private OutletStatus outlet(int n, boolean on, double volts, double watts) {
    String name = names[n];
    Set<OutletCapability> capabilities = capabilities(n);
    OutletStatus before = last[n];
    // the arrays first: the old outlet object is read only when its state and readings are equal
    long bit = 1L << n;
    if (before != null
        && ((lastOn & bit) != 0) == on
        && Double.compare(lastReadings[2 * n], volts) == 0
        && Double.compare(lastReadings[2 * n + 1], watts) == 0
        && same(before.name(), name)
        && same(before.capabilities(), capabilities)) {
      return before;
    }
    // ID[n]: an outlet's id is its number, whatever it was called before
    OutletStatus now =
        new OutletStatus(
            n,
            ID[n],
            name,
            on ? OutletState.ON : OutletState.OFF,
            reading(volts),
            reading(watts),
            capabilities);
    last[n] = now;
    lastOn = on ? lastOn | bit : lastOn & ~bit;
    lastReadings[2 * n] = volts;
    lastReadings[2 * n + 1] = watts;
    return now;
  }

  /** Equal; usually the very same constant or name, which is quicker to see. */
  private static boolean same(Object a, Object b) {
    return a == b || a.equals(b);
  }

  /**
   * {@code status} with the outlets' names and capabilities as now known: an outlet they do not
   * change is the same object, and a renamed one is what the next push reports again while nothing
   * else about it changes.
   */
  DeviceStatus renamed(DeviceStatus status) {
    List<OutletStatus> renamed = new ArrayList<>(status.outlets().size());
    for (OutletStatus o : status.outlets()) {
      int n = o.number();
      String name = name(n);
      Set<OutletCapability> capabilities = capabilities(n);
      if (same(o.name(), name) && same(o.capabilities(), capabilities)) {
        renamed.add(o);
        continue;
      }
      OutletStatus now =
          new OutletStatus(n, o.id(), name, o.state(), o.voltage(), o.power(), capabilities);
      if (n >= 0 && n < last.length && last[n] == o) {
        last[n] = now; // its state and readings are those of the arrays still
      }
      renamed.add(now);
    }
    return new DeviceStatus(status.receivedAt(), status.input(), renamed, status.deviceClock());
  }
}

package io.pdu4j.bench.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a soak run does: how many devices of which kinds, for how long, how many commands and faults
 * per second, and the tolerances its resource checks allow.
 *
 * @param devices the number of devices, at least 1
 * @param mix the relative weight of each kind (at least one above 0)
 * @param duration how long commands and faults run
 * @param commandsPerSecond commands issued per second over the whole fleet
 * @param faultsPerSecond faults started per second over the whole fleet (0 for none)
 * @param basePort the first local port the simulators try; they take the free ports from there
 *     upwards, below the system's ephemeral range so a restarted simulator gets its port back
 * @param seed the seed of every random choice (which device, which command, which fault)
 * @param threadTolerance how many more live threads the end may have than the start
 * @param fdTolerance how many more open file descriptors the end may have than the start
 * @param readyTimeout how long the fleet may take to be connected, at the start and once the faults
 *     end
 * @param drainTimeout how long commands still open when the run ends may take to complete
 * @param progressEvery how often a progress line is printed (zero: never)
 */
public record SoakSettings(
    int devices,
    Map<DeviceKind, Integer> mix,
    Duration duration,
    double commandsPerSecond,
    double faultsPerSecond,
    int basePort,
    long seed,
    int threadTolerance,
    int fdTolerance,
    Duration readyTimeout,
    Duration drainTimeout,
    Duration progressEvery) {

  /** The kinds of simulated device a soak opens. */
  public enum DeviceKind {
    /** An IsoTek PDU over TCP, one simulator (and port) per device. */
    ISOTEK,
    /** An Enistic controller over UDP; up to 25 controllers share one simulator. */
    ENISTIC,
    /** An IsoTek PDU on a serial port of an Extron IPCP, through the {@code extron} tunnel. */
    TUNNEL,
    /** The relays of an Extron IPCP, one IPCP per relay device. */
    RELAYS;

    String code() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Validates every value. */
  public SoakSettings {
    Objects.requireNonNull(mix, "mix");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(readyTimeout, "readyTimeout");
    Objects.requireNonNull(drainTimeout, "drainTimeout");
    Objects.requireNonNull(progressEvery, "progressEvery");
    if (devices < 1 || devices > 5000) {
      throw new IllegalArgumentException("devices must be 1..5000, was " + devices);
    }
    mix = Map.copyOf(mix);
    if (mix.values().stream().anyMatch(w -> w < 0)
        || mix.values().stream().mapToInt(Integer::intValue).sum() <= 0) {
      throw new IllegalArgumentException("the mix needs weights of 0 or more, one above 0: " + mix);
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration must be positive, was " + duration);
    }
    if (!(commandsPerSecond > 0 && commandsPerSecond <= 10_000)) {
      throw new IllegalArgumentException("commands per second must be in (0, 10000]");
    }
    if (!(faultsPerSecond >= 0 && faultsPerSecond <= 1000)) {
      throw new IllegalArgumentException("faults per second must be in [0, 1000]");
    }
    if (basePort < 1024 || basePort > 65000) {
      throw new IllegalArgumentException("base port must be 1024..65000, was " + basePort);
    }
    if (threadTolerance < 0 || fdTolerance < 0) {
      throw new IllegalArgumentException("tolerances must be 0 or more");
    }
  }

  /** The defaults: 1,000 devices, 40/30/20/10 %, 30 minutes, 100 commands/s, 2 faults/s. */
  public static SoakSettings defaults() {
    return new SoakSettings(
        1000,
        parseMix("isotek=40,enistic=30,tunnel=20,relays=10"),
        Duration.ofMinutes(30),
        100,
        2,
        21000,
        1,
        16,
        32,
        Duration.ofMinutes(3),
        Duration.ofMinutes(1),
        Duration.ofSeconds(30));
  }

  /** A copy with another device count. */
  public SoakSettings withDevices(int n) {
    return new SoakSettings(
        n,
        mix,
        duration,
        commandsPerSecond,
        faultsPerSecond,
        basePort,
        seed,
        threadTolerance,
        fdTolerance,
        readyTimeout,
        drainTimeout,
        progressEvery);
  }

  /** A copy with another duration and rates. */
  public SoakSettings withLoad(Duration d, double commands, double faults) {
    return new SoakSettings(
        devices,
        mix,
        d,
        commands,
        faults,
        basePort,
        seed,
        threadTolerance,
        fdTolerance,
        readyTimeout,
        drainTimeout,
        progressEvery);
  }

  /** A copy with another base port and seed. */
  public SoakSettings withPorts(int base, long randomSeed) {
    return new SoakSettings(
        devices,
        mix,
        duration,
        commandsPerSecond,
        faultsPerSecond,
        base,
        randomSeed,
        threadTolerance,
        fdTolerance,
        readyTimeout,
        drainTimeout,
        progressEvery);
  }

  /** How many devices of each kind: the mix's shares of {@link #devices()}, summing to it. */
  public Map<DeviceKind, Integer> counts() {
    int total = mix.values().stream().mapToInt(Integer::intValue).sum();
    Map<DeviceKind, Integer> counts = new EnumMap<>(DeviceKind.class);
    int given = 0;
    DeviceKind largest = null;
    for (DeviceKind k : DeviceKind.values()) {
      int w = mix.getOrDefault(k, 0);
      int n = (int) ((long) devices * w / total);
      counts.put(k, n);
      given += n;
      if (w > 0 && (largest == null || w > mix.getOrDefault(largest, 0))) {
        largest = k;
      }
    }
    counts.merge(largest, devices - given, Integer::sum);
    return counts;
  }

  /**
   * Parses {@code isotek=40,enistic=30,tunnel=20,relays=10}; kinds left out weigh 0.
   *
   * @throws IllegalArgumentException naming the part that is wrong
   */
  public static Map<DeviceKind, Integer> parseMix(String text) {
    Map<DeviceKind, Integer> mix = new EnumMap<>(DeviceKind.class);
    for (String part : text.split(",", -1)) {
      String[] kv = part.trim().split("=", -1);
      DeviceKind kind = null;
      for (DeviceKind k : DeviceKind.values()) {
        if (kv.length == 2 && k.code().equals(kv[0].trim())) {
          kind = k;
        }
      }
      if (kind == null || !kv[1].trim().matches("\\d{1,4}")) {
        throw new IllegalArgumentException(
            "bad mix part '"
                + part
                + "': use kind=weight with kinds isotek, enistic, tunnel, relays, e.g."
                + " isotek=40,enistic=30,tunnel=20,relays=10");
      }
      mix.put(kind, Integer.parseInt(kv[1].trim()));
    }
    return mix;
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,6})(ms|s|m|h)");

  /**
   * Parses {@code 500ms}, {@code 20s}, {@code 30m}, {@code 2h}.
   *
   * @throws IllegalArgumentException when the text is none of these
   */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "bad duration '" + text + "': use a number and ms, s, m or h, e.g. 30m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /**
   * Reads command line options over the defaults: {@code --devices N}, {@code --duration 30m},
   * {@code --mix ...}, {@code --commands-per-second X}, {@code --faults-per-second X}, {@code
   * --base-port N}, {@code --seed N}, {@code --thread-tolerance N}, {@code --fd-tolerance N},
   * {@code --ready-timeout D}, {@code --drain-timeout D}, {@code --progress D}.
   *
   * @throws IllegalArgumentException for an unknown option or a bad value, naming it
   */
  public static SoakSettings parse(String... args) {
    SoakSettings d = defaults();
    int devices = d.devices;
    Map<DeviceKind, Integer> mix = d.mix;
    Duration duration = d.duration;
    double commands = d.commandsPerSecond;
    double faults = d.faultsPerSecond;
    int basePort = d.basePort;
    long seed = d.seed;
    int threads = d.threadTolerance;
    int fds = d.fdTolerance;
    Duration ready = d.readyTimeout;
    Duration drain = d.drainTimeout;
    Duration progress = d.progressEvery;
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String option = rest.remove(0);
      if (rest.isEmpty()) {
        throw new IllegalArgumentException("option " + option + " needs a value");
      }
      String value = rest.remove(0);
      try {
        switch (option) {
          case "--devices" -> devices = Integer.parseInt(value);
          case "--mix" -> mix = parseMix(value);
          case "--duration" -> duration = parseDuration(value);
          case "--commands-per-second" -> commands = Double.parseDouble(value);
          case "--faults-per-second" -> faults = Double.parseDouble(value);
          case "--base-port" -> basePort = Integer.parseInt(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--thread-tolerance" -> threads = Integer.parseInt(value);
          case "--fd-tolerance" -> fds = Integer.parseInt(value);
          case "--ready-timeout" -> ready = parseDuration(value);
          case "--drain-timeout" -> drain = parseDuration(value);
          case "--progress" -> progress = parseDuration(value);
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad value '" + value + "' for " + option, e);
      }
    }
    return new SoakSettings(
        devices, mix, duration, commands, faults, basePort, seed, threads, fds, ready, drain,
        progress);
  }
}

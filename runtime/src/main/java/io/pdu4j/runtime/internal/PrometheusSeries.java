package io.pdu4j.runtime.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.runtime.metrics.PduMeter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-device series of every runtime that shares one Micrometer {@link
 * PrometheusMeterRegistry}, written at scrape time straight from the devices' state ({@link
 * DeviceMetrics}, {@link Supervisor#health()}): one collector registered with the registry's {@link
 * PrometheusRegistry}, instead of some seventy Micrometer meters per device, each with its id, tags
 * and Prometheus collector, kept for the device's lifetime. The names, labels, help texts and
 * values are those the Micrometer meters had ({@link DeviceMetrics#bindTo} with any other
 * registry). {@code pdu.commands} too, when the registry's window of a timer's maximum could be
 * read ({@link #commandWindow}): its histogram, {@code _count}, {@code _sum} and {@code _max} per
 * device, command and outcome are those of Micrometer's timer, from {@link CommandSeries}; else it
 * stays a Micrometer timer. A device's series go as soon as it is closed.
 *
 * <p>Only this class refers to the Prometheus classes, which are optional: {@link
 * RuntimeCore#isPrometheus} tells, without loading them, whether a registry is one.
 */
public final class PrometheusSeries implements MultiCollector {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusSeries.class);

  // one collector per Prometheus registry, however many runtimes share it (names must be unique)
  private static final Map<PrometheusRegistry, PrometheusSeries> COLLECTORS =
      new WeakHashMap<>(); // guarded by itself

  /** What one runtime contributes: its open devices' metrics and its supervisors. */
  interface Source {
    /** The metrics of the open devices, in the order they were opened. */
    List<DeviceMetrics> devices();

    /** The supervisors, in the order they were started. */
    List<Supervisor> supervisors();
  }

  private static final String[] DEVICE = {PduMeter.TAG_DEVICE};
  private static final String[] COMMAND_DEVICE_OUTCOME = {
    PduMeter.TAG_COMMAND, PduMeter.TAG_DEVICE, PduMeter.TAG_OUTCOME
  };

  /** {@code pdu.commands}' histogram family, as Micrometer names a timer's: in seconds. */
  static final String COMMANDS = "pdu_commands_seconds";

  /** {@code pdu.commands}' maximum, a gauge family of its own. */
  static final String COMMANDS_MAX = COMMANDS + "_max";

  private static final String[] DEVICE_OUTLET = {PduMeter.TAG_DEVICE, PduMeter.TAG_OUTLET};
  private static final String[] DEVICE_REASON = {PduMeter.TAG_DEVICE, PduMeter.TAG_REASON};
  private static final String[] DEVICE_PROBLEM_STATE = {
    PduMeter.TAG_DEVICE, PduMeter.TAG_PROBLEM, PduMeter.TAG_STATE
  };

  /** The five health series of a device: state and problem tags, in {@code HealthMeters}' order. */
  private record HealthSeries(ConnectionState state, Optional<ConnectionProblem> problem) {
    String stateTag() {
      return state.name().toLowerCase(Locale.ROOT);
    }

    String problemTag() {
      return problem.map(ConnectionProblem::tag).orElse(HealthMeters.NO_PROBLEM);
    }
  }

  private static final List<HealthSeries> HEALTH = healthSeries();

  private final List<Source> sources = new CopyOnWriteArrayList<>();
  // whether the devices keep their commands for this collector to write (commandWindow): else the
  // commands are the registry's own timers, and their names are not this collector's
  private final boolean commands;

  private PrometheusSeries(boolean commands) {
    this.commands = commands;
  }

  private static List<HealthSeries> healthSeries() {
    List<HealthSeries> list = new ArrayList<>();
    list.add(new HealthSeries(ConnectionState.CONNECTING, Optional.empty()));
    list.add(new HealthSeries(ConnectionState.CONNECTED, Optional.empty()));
    for (ConnectionProblem p : ConnectionProblem.values()) {
      list.add(new HealthSeries(ConnectionState.OFFLINE, Optional.of(p)));
    }
    // in the order the scrape writes them: by problem, then state
    list.sort(Comparator.comparing(HealthSeries::problemTag).thenComparing(HealthSeries::stateTag));
    return List.copyOf(list);
  }

  /**
   * Adds {@code source}'s series to the scrapes of {@code registry}, a registry {@link
   * #isPrometheus} said yes to; the returned action takes them out again.
   */
  static Runnable attach(MeterRegistry registry, Source source) {
    PrometheusRegistry prometheus = ((PrometheusMeterRegistry) registry).getPrometheusRegistry();
    PrometheusSeries series;
    synchronized (COLLECTORS) {
      series = COLLECTORS.get(prometheus);
      if (series == null) {
        series = new PrometheusSeries(commandWindow(registry) != null);
        prometheus.register(series);
        COLLECTORS.put(prometheus, series);
      }
      series.sources.add(source);
    }
    PrometheusSeries attached = series;
    return () -> attached.sources.remove(source);
  }

  /**
   * The window of the maximum of {@code registry}'s timers (the registry's default distribution
   * statistics: the expiry and buffer length Micrometer's {@code TimeWindowMax} rotates with, and
   * its clock), or null when it cannot be read: then the commands stay Micrometer timers. The
   * registry keeps that configuration to itself ({@code defaultHistogramConfig()} is protected), so
   * it is read by reflection. The same answer for a registry every time: its runtimes' devices keep
   * their commands exactly when its collector names their families.
   */
  static CommandSeries.Window commandWindow(MeterRegistry registry) {
    try {
      java.lang.reflect.Method m = MeterRegistry.class.getDeclaredMethod("defaultHistogramConfig");
      m.setAccessible(true);
      DistributionStatisticConfig config = (DistributionStatisticConfig) m.invoke(registry);
      Duration expiry = config.getExpiry();
      Integer length = config.getBufferLength();
      if (expiry == null || length == null || expiry.toMillis() <= 0 || length <= 0) {
        return null;
      }
      return new CommandSeries.Window(registry.config().clock(), expiry.toMillis(), length);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("the registry's timer window is unknown; command series stay timers", e);
      return null;
    }
  }

  /** The Prometheus name of a meter as Micrometer writes it: dots to underscores, then the unit. */
  private static String name(PduMeter meter) {
    String name = meter.meterName().replace('.', '_');
    return meter.baseUnit() == null ? name : name + "_" + meter.baseUnit();
  }

  @Override
  public List<String> getPrometheusNames() {
    List<String> names = new ArrayList<>();
    for (PduMeter m : PduMeter.values()) {
      if (m != PduMeter.COMMANDS) {
        names.add(name(m));
      }
    }
    if (commands) {
      names.add(COMMANDS);
      names.add(COMMANDS_MAX);
    }
    return names;
  }

  /** The labels an outlet's four series share, made at its first scrape and kept. */
  private static Labels outletLabels(String device, DeviceMetrics.OutletView o) {
    Object cached = o.scrapeCache();
    if (cached instanceof Labels labels) {
      return labels;
    }
    Labels labels =
        Labels.of(DEVICE_OUTLET.clone(), new String[] {device, Integer.toString(o.number())});
    o.scrapeCache(labels);
    return labels;
  }

  /**
   * Leaves this collector's series out of a scrape that asks for none of them ({@link #scrape}
   * writes them itself), without collecting them first.
   */
  @Override
  public MetricSnapshots collect(Predicate<String> includedNames) {
    boolean devices = false;
    for (Family f : Family.values()) {
      devices |= includedNames.test(name(f.meter));
    }
    List<MetricSnapshot> families = new ArrayList<>();
    if (devices) {
      families.addAll(deviceFamilies());
    }
    if (commands && (includedNames.test(COMMANDS) || includedNames.test(COMMANDS_MAX))) {
      families.addAll(commandFamilies());
    }
    families.removeIf(f -> !includedNames.test(f.getMetadata().getPrometheusName()));
    return new MetricSnapshots(families);
  }

  @Override
  public MetricSnapshots collect() {
    List<MetricSnapshot> families = deviceFamilies();
    families.addAll(commandFamilies());
    return new MetricSnapshots(families);
  }

  /**
   * The open devices of every source, in name order, each name once: runtimes sharing the registry
   * may use a name twice, and the first one's series are written, as a registry keeps the first of
   * two equal meters, since a repeated series fails the scrape.
   */
  private List<DeviceMetrics> devices() {
    List<DeviceMetrics> all = new ArrayList<>();
    for (Source s : sources) {
      all.addAll(s.devices());
    }
    all.sort(Comparator.comparing(DeviceMetrics::device));
    List<DeviceMetrics> devices = new ArrayList<>(all.size());
    Set<String> written = new HashSet<>();
    for (DeviceMetrics d : all) {
      if (!d.isClosed() && written.add(d.device())) {
        devices.add(d);
      }
    }
    return devices;
  }

  /**
   * {@code pdu.commands} as the registry writes a timer's: a histogram of the buckets, the count
   * and the sum in seconds, and the maximum as a gauge family of its own; none without a command.
   */
  private List<MetricSnapshot> commandFamilies() {
    List<HistogramDataPointSnapshot> histograms = new ArrayList<>();
    List<GaugeDataPointSnapshot> maxima = new ArrayList<>();
    List<Double> bounds = Arrays.stream(CommandSeries.UPPER_BOUNDS).boxed().toList();
    for (DeviceMetrics d : devices()) {
      for (CommandSeries.Point p : d.commands()) {
        Labels labels =
            Labels.of(
                COMMAND_DEVICE_OUTCOME.clone(),
                new String[] {p.command(), d.device(), p.outcome()});
        List<Number> counts = new ArrayList<>(p.bucketCounts().length);
        for (long c : p.bucketCounts()) {
          counts.add(c);
        }
        histograms.add(
            new HistogramDataPointSnapshot(
                ClassicHistogramBuckets.of(bounds, counts),
                p.sumSeconds(),
                labels,
                Exemplars.EMPTY,
                p.createdMillis()));
        maxima.add(new GaugeDataPointSnapshot(p.maxSeconds(), labels, null));
      }
    }
    if (histograms.isEmpty()) {
      return List.of();
    }
    String help = PduMeter.COMMANDS.description();
    return List.of(
        new HistogramSnapshot(new MetricMetadata(COMMANDS, help), histograms),
        new GaugeSnapshot(new MetricMetadata(COMMANDS_MAX, help), maxima));
  }

  /** Every family but the commands', as the devices' and supervisors' state reads now. */
  private List<MetricSnapshot> deviceFamilies() {
    List<DeviceMetrics> devices = devices();
    List<Supervisor> supervisors = new ArrayList<>();
    for (Source s : sources) {
      supervisors.addAll(s.supervisors());
    }
    List<GaugeDataPointSnapshot> power = new ArrayList<>();
    List<GaugeDataPointSnapshot> voltage = new ArrayList<>();
    List<GaugeDataPointSnapshot> state = new ArrayList<>();
    List<CounterDataPointSnapshot> energy = new ArrayList<>();
    List<GaugeDataPointSnapshot> connected = new ArrayList<>();
    List<CounterDataPointSnapshot> sent = new ArrayList<>();
    List<CounterDataPointSnapshot> received = new ArrayList<>();
    List<CounterDataPointSnapshot> reconnects = new ArrayList<>();
    List<CounterDataPointSnapshot> recycled = new ArrayList<>();
    List<CounterDataPointSnapshot> readings = new ArrayList<>();
    List<CounterDataPointSnapshot> malformed = new ArrayList<>();
    List<CounterDataPointSnapshot> dropped = new ArrayList<>();
    List<GaugeDataPointSnapshot> health = new ArrayList<>();
    // in the order of their labels, which the snapshots sort by: sorting sorted points is linear
    supervisors.sort(Comparator.comparing(Supervisor::name));
    for (DeviceMetrics d : devices) {
      String device = d.device();
      Labels labels = Labels.of(DEVICE.clone(), new String[] {device});
      connected.add(gauge(d.connected(), labels));
      sent.add(counter(d.count(PduMeter.LINK_BYTES_SENT, null), labels));
      received.add(counter(d.count(PduMeter.LINK_BYTES_RECEIVED, null), labels));
      reconnects.add(counter(d.count(PduMeter.LINK_RECONNECTS, null), labels));
      recycled.add(counter(d.count(PduMeter.LINK_RECYCLED, null), labels));
      readings.add(counter(d.count(PduMeter.READINGS_RECEIVED, null), labels));
      for (String reason : new String[] {"malformed", "overlong"}) {
        malformed.add(
            counter(
                d.count(PduMeter.FRAMES_MALFORMED, reason),
                Labels.of(DEVICE_REASON.clone(), new String[] {device, reason})));
      }
      for (String reason : new String[] {"outlet_limit", "source"}) {
        dropped.add(
            counter(
                d.count(PduMeter.READINGS_DROPPED, reason),
                Labels.of(DEVICE_REASON.clone(), new String[] {device, reason})));
      }
      List<DeviceMetrics.OutletView> outlets = d.outlets();
      outlets.sort(Comparator.comparing(o -> Integer.toString(o.number()))); // "10" before "2"
      for (DeviceMetrics.OutletView o : outlets) {
        Labels outlet = outletLabels(device, o);
        power.add(gauge(o.power(), outlet));
        voltage.add(gauge(o.voltage(), outlet));
        state.add(gauge(o.state(), outlet));
        energy.add(counter(o.energy(), outlet));
      }
    }
    // a supervisor's name twice: the first one's, as for devices
    Set<String> written = new HashSet<>();
    for (Supervisor s : supervisors) {
      if (!written.add(s.name())) {
        continue;
      }
      DeviceHealth now = s.health();
      for (HealthSeries h : HEALTH) {
        health.add(
            gauge(
                now.state() == h.state() && now.problem().equals(h.problem()) ? 1 : 0,
                Labels.of(
                    DEVICE_PROBLEM_STATE.clone(),
                    new String[] {s.name(), h.problemTag(), h.stateTag()})));
      }
    }
    List<MetricSnapshot> families = new ArrayList<>();
    addGauges(families, PduMeter.DEVICE_CONNECTED, connected);
    addGauges(families, PduMeter.DEVICE_HEALTH, health);
    addCounters(families, PduMeter.FRAMES_MALFORMED, malformed);
    addCounters(families, PduMeter.LINK_BYTES_RECEIVED, received);
    addCounters(families, PduMeter.LINK_RECONNECTS, reconnects);
    addCounters(families, PduMeter.LINK_RECYCLED, recycled);
    addCounters(families, PduMeter.LINK_BYTES_SENT, sent);
    addCounters(families, PduMeter.OUTLET_ENERGY, energy);
    addGauges(families, PduMeter.OUTLET_POWER, power);
    addGauges(families, PduMeter.OUTLET_STATE, state);
    addGauges(families, PduMeter.OUTLET_VOLTAGE, voltage);
    addCounters(families, PduMeter.READINGS_DROPPED, dropped);
    addCounters(families, PduMeter.READINGS_RECEIVED, readings);
    return families;
  }

  private static GaugeDataPointSnapshot gauge(double value, Labels labels) {
    return new GaugeDataPointSnapshot(value, labels, null);
  }

  private static CounterDataPointSnapshot counter(double value, Labels labels) {
    return new CounterDataPointSnapshot(value, labels, null, 0L);
  }

  /** A family as Micrometer wrote it: no series, no family (no HELP or TYPE line either). */
  private static void addGauges(
      List<MetricSnapshot> families, PduMeter meter, List<GaugeDataPointSnapshot> points) {
    if (!points.isEmpty()) {
      families.add(new GaugeSnapshot(new MetricMetadata(name(meter), meter.description()), points));
    }
  }

  private static void addCounters(
      List<MetricSnapshot> families, PduMeter meter, List<CounterDataPointSnapshot> points) {
    if (!points.isEmpty()) {
      families.add(
          new CounterSnapshot(new MetricMetadata(name(meter), meter.description()), points));
    }
  }

  // ------------------------------------------------------------------ the scrape, written here

  /** Whether {@code contentType} asks for OpenMetrics (else the Prometheus text format). */
  private static boolean openMetrics(String contentType) {
    return contentType.contains("application/openmetrics-text");
  }

  /**
   * {@code registry.scrape(contentType)} for the Prometheus text format and OpenMetrics, the same
   * bytes, but with the devices' series written straight from their state rather than collected
   * into a snapshot object per series and written by the generic writer: the registry's other
   * families (the JVM's, the command timers, ...) are scraped without this collector and written by
   * the registry's writer, and this collector's families are put between them in name order, as the
   * registry sorts them. Another content type (protobuf) is the registry's own scrape.
   */
  public static String scrape(PrometheusMeterRegistry registry, String contentType) {
    Text all = new Text(64 * 1024);
    try (InputStream in = stream(registry, contentType, Set.of())) {
      byte[] chunk = new byte[CHUNK];
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        all.bytes(chunk, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // written in memory: does not fail
    }
    return all.toString();
  }

  /**
   * What a stream writes before it hands a chunk out, at least (a device's series at most more).
   */
  static final int CHUNK = 32 * 1024;

  /**
   * {@link #scrape} as a stream, less the families named in {@code leftOut} (Prometheus family
   * names, a counter's without {@code _total}): the same bytes as the registry's scrape of every
   * other family. The text is written as it is read, about {@value #CHUNK} bytes at a time, so that
   * a scrape of a large fleet never holds the whole exposition; each device's values are read when
   * its series are written. Another content type (protobuf) is the registry's own scrape, whole,
   * and leaves nothing out.
   */
  public static InputStream stream(
      PrometheusMeterRegistry registry, String contentType, Set<String> leftOut) {
    PrometheusRegistry prometheus = registry.getPrometheusRegistry();
    PrometheusSeries series;
    synchronized (COLLECTORS) {
      series = COLLECTORS.get(prometheus);
    }
    boolean om = openMetrics(contentType);
    if (!(om || contentType.startsWith("text/plain"))) {
      return new ByteArrayInputStream(
          registry.scrape(contentType).getBytes(StandardCharsets.UTF_8));
    }
    Set<String> ours = new HashSet<>();
    for (Family f : Family.values()) {
      ours.add(name(f.meter));
    }
    MetricSnapshots others =
        prometheus.scrape(name -> !ours.contains(name) && !leftOut.contains(name));
    List<Object> plan = new ArrayList<>(); // a Family, or a Set of the registry's names
    List<Family> families = new ArrayList<>();
    if (series != null) {
      for (Family f : Family.values()) {
        if (!leftOut.contains(name(f.meter))) {
          families.add(f);
        }
      }
      families.sort(Comparator.comparing(f -> name(f.meter)));
    }
    Set<String> run = new HashSet<>();
    int next = 0;
    for (MetricSnapshot s : others) {
      String name = s.getMetadata().getPrometheusName();
      while (next < families.size() && name(families.get(next).meter).compareTo(name) < 0) {
        if (!run.isEmpty()) {
          plan.add(run);
          run = new HashSet<>();
        }
        plan.add(families.get(next++));
      }
      run.add(name);
    }
    if (!run.isEmpty()) {
      plan.add(run);
    }
    plan.addAll(families.subList(next, families.size()));
    return new Exposition(registry, contentType, om, series, plan);
  }

  /**
   * One scrape as a stream: its plan (this collector's families, and runs of the registry's between
   * them) written a step at a time (a family's header, one device's series of it, one run) whenever
   * the bytes written so far have been read.
   */
  private static final class Exposition extends InputStream {
    private final PrometheusMeterRegistry registry;
    private final String contentType;
    private final boolean om;
    private final Text out = new Text(CHUNK + 8 * 1024);
    private final Scrape scrape;
    private final List<Object> plan;
    private int step; // in plan
    private int unit = -1; // in the current family: -1 its header, then a device (or supervisor)
    private boolean ended;
    private int read; // of out

    Exposition(
        PrometheusMeterRegistry registry,
        String contentType,
        boolean om,
        PrometheusSeries series,
        List<Object> plan) {
      this.registry = registry;
      this.contentType = contentType;
      this.om = om;
      this.plan = plan;
      this.scrape = series == null ? null : series.new Scrape(out, om);
    }

    /** Writes more, unless everything was: false at the end. */
    private boolean fill() {
      out.clear();
      read = 0;
      while (out.length() < CHUNK && !ended) {
        if (step == plan.size()) {
          if (om) {
            out.ascii("# EOF\n");
          }
          ended = true;
        } else if (plan.get(step) instanceof Family f) {
          if (unit < 0 ? !scrape.header(f) : !scrape.unit(f, unit)) {
            step++;
            unit = -1;
          } else {
            unit++;
          }
        } else {
          @SuppressWarnings("unchecked")
          Set<String> run = (Set<String>) plan.get(step++);
          flush(registry, contentType, run, out, om);
        }
      }
      return out.length() > 0;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      // as much as asked for, so that the reader's buffers go out full
      int done = 0;
      while (done < len && (read < out.length() || fill())) {
        int n = Math.min(len - done, out.length() - read);
        out.copyTo(read, b, off + done, n);
        read += n;
        done += n;
      }
      return done == 0 ? -1 : done;
    }

    @Override
    public int available() {
      return out.length() - read;
    }
  }

  /**
   * Writes the registry's families of one run between two of ours, by the registry's own writer,
   * without OpenMetrics' end.
   */
  private static void flush(
      PrometheusMeterRegistry registry, String contentType, Set<String> run, Text out, boolean om) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try {
      registry.scrape(bytes, contentType, run);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    byte[] b = bytes.toByteArray();
    int end = b.length;
    if (om && end >= EOF.length && Arrays.equals(b, end - EOF.length, end, EOF, 0, EOF.length)) {
      end -= EOF.length; // one "# EOF" at the very end of the whole scrape
    }
    out.bytes(b, end);
  }

  private static final byte[] EOF = "# EOF\n".getBytes(StandardCharsets.US_ASCII);

  /** This collector's families, as {@link #collect()} makes them. */
  private enum Family {
    CONNECTED(PduMeter.DEVICE_CONNECTED, false),
    HEALTH(PduMeter.DEVICE_HEALTH, false),
    MALFORMED(PduMeter.FRAMES_MALFORMED, true),
    RECEIVED(PduMeter.LINK_BYTES_RECEIVED, true),
    RECONNECTS(PduMeter.LINK_RECONNECTS, true),
    RECYCLED(PduMeter.LINK_RECYCLED, true),
    SENT(PduMeter.LINK_BYTES_SENT, true),
    ENERGY(PduMeter.OUTLET_ENERGY, true),
    POWER(PduMeter.OUTLET_POWER, false),
    STATE(PduMeter.OUTLET_STATE, false),
    VOLTAGE(PduMeter.OUTLET_VOLTAGE, false),
    DROPPED(PduMeter.READINGS_DROPPED, true),
    READINGS(PduMeter.READINGS_RECEIVED, true);

    final PduMeter meter;
    final boolean counter;

    Family(PduMeter meter, boolean counter) {
      this.meter = meter;
      this.counter = counter;
    }
  }

  /** One scrape: the devices and supervisors of every source, in label order, read once. */
  private final class Scrape {
    private final Text out;
    private final boolean om;
    private final List<DeviceMetrics> devices = new ArrayList<>();
    private final List<String> deviceLabels = new ArrayList<>(); // escaped names
    private final List<List<DeviceMetrics.OutletView>> outlets = new ArrayList<>();
    private final List<Supervisor> supervisors = new ArrayList<>();

    Scrape(Text out, boolean om) {
      this.out = out;
      this.om = om;
      List<Supervisor> sups = new ArrayList<>();
      for (Source s : sources) {
        sups.addAll(s.supervisors());
      }
      sups.sort(Comparator.comparing(Supervisor::name));
      for (DeviceMetrics d : devices()) {
        devices.add(d);
        deviceLabels.add(escape(d.device()));
        List<DeviceMetrics.OutletView> list = d.outlets();
        list.sort(Comparator.comparing(o -> Integer.toString(o.number())));
        outlets.add(list);
      }
      Set<String> written = new HashSet<>();
      for (Supervisor s : sups) {
        if (written.add(s.name())) {
          supervisors.add(s);
        }
      }
    }

    /** Whether {@code f} has series in this scrape: then writes its HELP and TYPE. */
    boolean header(Family f) {
      boolean any =
          switch (f) {
            case HEALTH -> !supervisors.isEmpty();
            case POWER, VOLTAGE, STATE, ENERGY -> outlets.stream().anyMatch(l -> !l.isEmpty());
            default -> !devices.isEmpty();
          };
      if (any) {
        writeHeader(f);
      }
      return any;
    }

    /**
     * Writes the series of {@code f} of the {@code i}th device (or supervisor, for health): false
     * when there is no such device, the family's end.
     */
    boolean unit(Family f, int i) {
      switch (f) {
        case HEALTH -> {
          if (i >= supervisors.size()) {
            return false;
          }
          Supervisor s = supervisors.get(i);
          DeviceHealth now = s.health();
          String device = escape(s.name());
          for (HealthSeries h : HEALTH) {
            name(f);
            out.ascii("{device=\"").utf8(device);
            out.ascii("\",problem=\"").utf8(escape(h.problemTag()));
            out.ascii("\",state=\"").utf8(escape(h.stateTag())).ascii("\"} ");
            out.number(now.state() == h.state() && now.problem().equals(h.problem()) ? 1 : 0);
            out.newline();
          }
        }
        case POWER, VOLTAGE, STATE, ENERGY -> {
          if (i >= devices.size()) {
            return false;
          }
          for (DeviceMetrics.OutletView o : outlets.get(i)) {
            name(f);
            out.ascii("{device=\"").utf8(deviceLabels.get(i));
            out.ascii("\",outlet=\"").integer(o.number()).ascii("\"} ");
            out.number(
                switch (f) {
                  case POWER -> o.power();
                  case VOLTAGE -> o.voltage();
                  case STATE -> o.state();
                  default -> o.energy();
                });
            out.newline();
          }
        }
        case MALFORMED, DROPPED -> {
          if (i >= devices.size()) {
            return false;
          }
          String[] reasons =
              f == Family.MALFORMED
                  ? new String[] {"malformed", "overlong"}
                  : new String[] {"outlet_limit", "source"};
          for (String reason : reasons) {
            name(f);
            out.ascii("{device=\"").utf8(deviceLabels.get(i));
            out.ascii("\",reason=\"").ascii(reason).ascii("\"} ");
            out.number(devices.get(i).count(f.meter, reason));
            out.newline();
          }
        }
        default -> {
          if (i >= devices.size()) {
            return false;
          }
          DeviceMetrics d = devices.get(i);
          name(f);
          out.ascii("{device=\"").utf8(deviceLabels.get(i)).ascii("\"} ");
          out.number(f == Family.CONNECTED ? d.connected() : d.count(f.meter, null));
          out.newline();
        }
      }
      return true;
    }

    /** The sample's name: a counter's ends in {@code _total}. */
    private void name(Family f) {
      out.ascii(PrometheusSeries.name(f.meter));
      if (f.counter) {
        out.ascii("_total");
      }
    }

    /**
     * HELP and TYPE as the registry's writers put them: the Prometheus text format names a counter
     * with its {@code _total} and puts HELP first; OpenMetrics names the family and puts TYPE
     * first.
     */
    private void writeHeader(Family f) {
      String family = PrometheusSeries.name(f.meter);
      String type = f.counter ? "counter" : "gauge";
      String help = f.meter.description();
      if (om) {
        out.ascii("# TYPE ").ascii(family).ascii(" ").ascii(type).newline();
        if (help != null && !help.isEmpty()) {
          out.ascii("# HELP ").ascii(family).ascii(" ").utf8(escape(help)).newline();
        }
      } else {
        String sample = f.counter ? family + "_total" : family;
        if (help != null && !help.isEmpty()) {
          out.ascii("# HELP ").ascii(sample).ascii(" ").utf8(escapeHelp(help)).newline();
        }
        out.ascii("# TYPE ").ascii(sample).ascii(" ").ascii(type).newline();
      }
    }
  }

  /** A label value (and OpenMetrics help) escaped: backslash, double quote, line feed. */
  private static String escape(String s) {
    if (s.indexOf('\\') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** A help text in the Prometheus text format: backslash and line feed escaped. */
  private static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  /** A growing buffer of UTF-8 bytes; numbers written as {@link Double#toString} writes them. */
  private static final class Text {
    private byte[] buf;
    private int len;

    Text(int capacity) {
      buf = new byte[capacity];
    }

    int length() {
      return len;
    }

    void clear() {
      len = 0;
    }

    void copyTo(int from, byte[] b, int off, int n) {
      System.arraycopy(buf, from, b, off, n);
    }

    private void room(int n) {
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      }
    }

    /** Text known to be ASCII (names, fixed labels). */
    Text ascii(String s) {
      int n = s.length();
      room(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
      return this;
    }

    /** Any text (a device name, a help text): as UTF-8. */
    Text utf8(String s) {
      for (int i = 0; i < s.length(); i++) {
        if (s.charAt(i) >= 0x80) {
          return bytes(s.getBytes(StandardCharsets.UTF_8));
        }
      }
      return ascii(s);
    }

    Text bytes(byte[] b) {
      return bytes(b, b.length);
    }

    Text bytes(byte[] b, int n) {
      room(n);
      System.arraycopy(b, 0, buf, len, n);
      len += n;
      return this;
    }

    Text newline() {
      room(1);
      buf[len++] = '\n';
      return this;
    }

    Text integer(long v) {
      if (v < 0) {
        return ascii(Long.toString(v));
      }
      int digits = 1;
      for (long x = v / 10; x > 0; x /= 10) {
        digits++;
      }
      room(digits);
      for (int i = len + digits - 1; i >= len; i--) {
        buf[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      len += digits;
      return this;
    }

    /**
     * A value as the registry's writers write it ({@code Double.toString}, {@code +Inf}, {@code
     * -Inf}): a whole number below 10^7, the usual case, without making a string.
     */
    Text number(double v) {
      if (v == Double.POSITIVE_INFINITY) {
        return ascii("+Inf");
      }
      if (v == Double.NEGATIVE_INFINITY) {
        return ascii("-Inf");
      }
      if (v == Math.rint(v) && Math.abs(v) < 1e7 && !(v == 0 && 1 / v < 0)) {
        return integer((long) v).ascii(".0");
      }
      return ascii(Double.toString(v));
    }

    @Override
    public String toString() {
      return new String(buf, 0, len, StandardCharsets.UTF_8);
    }
  }
}

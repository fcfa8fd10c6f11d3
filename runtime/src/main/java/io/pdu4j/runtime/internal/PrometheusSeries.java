package io.pdu4j.runtime.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.runtime.metrics.PduMeter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The per-device series of every runtime that shares one Micrometer {@link
 * PrometheusMeterRegistry}, written at scrape time straight from the devices' state ({@link
 * DeviceMetrics}, {@link Supervisor#health()}): one collector registered with the registry's {@link
 * PrometheusRegistry}, instead of some seventy Micrometer meters per device, each with its id, tags
 * and Prometheus collector, kept for the device's lifetime. The names, labels, help texts and
 * values are those the Micrometer meters had ({@link DeviceMetrics#bindTo} with any other
 * registry); {@code pdu.commands} stays a Micrometer timer. A device's series go as soon as it is
 * closed.
 *
 * <p>Only this class refers to the Prometheus classes, which are optional: {@link
 * RuntimeCore#isPrometheus} tells, without loading them, whether a registry is one.
 */
final class PrometheusSeries implements MultiCollector {
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

  private PrometheusSeries() {}

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
        series = new PrometheusSeries();
        prometheus.register(series);
        COLLECTORS.put(prometheus, series);
      }
      series.sources.add(source);
    }
    PrometheusSeries attached = series;
    return () -> attached.sources.remove(source);
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

  @Override
  public MetricSnapshots collect() {
    List<DeviceMetrics> devices = new ArrayList<>();
    List<Supervisor> supervisors = new ArrayList<>();
    for (Source s : sources) {
      devices.addAll(s.devices());
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
    devices.sort(Comparator.comparing(DeviceMetrics::device));
    supervisors.sort(Comparator.comparing(Supervisor::name));
    // runtimes sharing the registry may use a name twice: the first one's series are written, as
    // a registry keeps the first of two equal meters, since a repeated series fails the scrape
    Set<String> written = new HashSet<>();
    for (DeviceMetrics d : devices) {
      if (d.isClosed() || !written.add(d.device())) {
        continue;
      }
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
    written.clear();
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
    return new MetricSnapshots(families);
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
}

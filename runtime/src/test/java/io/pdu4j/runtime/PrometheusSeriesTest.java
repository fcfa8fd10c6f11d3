package io.pdu4j.runtime;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With Micrometer's Prometheus registry the runtime writes the devices' series at scrape time from
 * their state, with no Micrometer meter per device: the same names, labels, help texts and values
 * as the meters it registers in any other registry, following the device from one scrape to the
 * next, gone with the device.
 */
class PrometheusSeriesTest {
  private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";
  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^(pdu_(?!commands)[a-z_]+\\{[^}]*\\}) (\\S+)$");
  private static final Pattern META =
      Pattern.compile("(?m)^# (?:HELP|TYPE|UNIT) pdu_(?!commands).*$");

  private IsoTekSimulator sim;
  private PrometheusMeterRegistry prometheus;
  private PowerRuntime runtime;

  @BeforeEach
  void start() {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .pushInterval(Duration.ofMillis(50))
            .initialState(5, false)
            .loadWatts(1, 36)
            .build()
            .start();
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    runtime = PowerRuntime.builder().meterRegistry(prometheus).build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    prometheus.close();
    sim.close();
  }

  private String uri() {
    return "isotek:tcp://127.0.0.1:" + sim.port();
  }

  private static Set<String> matches(Pattern p, String body, int group) {
    Set<String> found = new TreeSet<>();
    Matcher m = p.matcher(body);
    while (m.find()) {
      found.add(m.group(group));
    }
    return found;
  }

  /** The value of the one sample named {@code series} (name and labels), or null. */
  private static String value(String body, String series) {
    Matcher m = SAMPLE.matcher(body);
    while (m.find()) {
      if (m.group(1).equals(series)) {
        return m.group(2);
      }
    }
    return null;
  }

  @Test
  void theSeriesAreThoseOfTheMicrometerMeters() throws Exception {
    // the same device under a runtime that registers Micrometer meters (a composite registry is
    // not a Prometheus one) into a Prometheus registry of its own
    PrometheusMeterRegistry inner = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    composite.add(inner);
    try (PowerRuntime metered = PowerRuntime.builder().meterRegistry(composite).build()) {
      runtime.supervise(DeviceConfig.of("rack-a", uri()));
      metered.supervise(DeviceConfig.of("rack-a", uri()));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              // every series, not only the device's: a device's outlet meters come with its
              // first status, which may follow the connected gauge
              () ->
                  matches(SAMPLE, prometheus.scrape(TEXT), 1).size() == 8 * 4 + 10 + 5
                      && matches(SAMPLE, inner.scrape(TEXT), 1).size() == 8 * 4 + 10 + 5);
      assertThat(prometheus.getMeters()).as("no Micrometer meter per device").isEmpty();
      assertThat(inner.getMeters()).hasSizeGreaterThan(40);
      for (String type : new String[] {TEXT, OPENMETRICS}) {
        String collected = prometheus.scrape(type);
        String registered = inner.scrape(type);
        assertThat(matches(META, collected, 0))
            .as("HELP and TYPE lines, " + type)
            .isEqualTo(matches(META, registered, 0))
            .hasSize(type.equals(TEXT) ? 26 : 26);
        Set<String> series = matches(SAMPLE, collected, 1);
        assertThat(series).as("series, " + type).isEqualTo(matches(SAMPLE, registered, 1));
        assertThat(series).hasSize(8 * 4 + 10 + 5);
        for (String s : series) {
          if (s.startsWith("pdu_outlet_power")
              || s.startsWith("pdu_outlet_voltage")
              || s.startsWith("pdu_outlet_state")
              || s.startsWith("pdu_device_")) {
            assertThat(value(collected, s)).as(s).isEqualTo(value(registered, s));
          }
        }
      }
      assertThat(prometheus.scrape(OPENMETRICS)).endsWith("# EOF\n");
    } finally {
      composite.close();
      inner.close();
    }
  }

  @Test
  void theFastScrapeIsTheRegistrysOwnByteForByte() throws Exception {
    IsoTekSimulator quiet =
        IsoTekSimulator.builder()
            .outlets(16)
            .jitter(false)
            .pushInterval(Duration.ofMinutes(10))
            .loadWatts(1, 36)
            .loadWatts(11, 1234)
            .build()
            .start();
    try {
      // meters of the registry's own that sort before, between and after the devices' families
      Gauge.builder("aaa.first", () -> 1.5).description("first").register(prometheus);
      Gauge.builder("pdu.http.connections", () -> 3).register(prometheus);
      Gauge.builder("pdu.mqtt.connected", () -> 1)
          .description("a \\ and a \"")
          .register(prometheus);
      Counter.builder("zzz.last").register(prometheus).increment(12_345_678.5);
      String q = "isotek:tcp://127.0.0.1:" + quiet.port();
      PowerDevice a = runtime.open(q);
      runtime.open(q); // named "... #2"
      runtime.supervise(DeviceConfig.of("rack-b", q));
      runtime.supervise(DeviceConfig.of("gone", "isotek:tcp://127.0.0.1:1?connect-timeout=1s"));
      a.outlet(2).switchOff().toCompletableFuture().get(10, TimeUnit.SECONDS); // a command timer
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  runtime.supervised().stream()
                      .allMatch(
                          d -> d.health().state() != io.pdu4j.api.ConnectionState.CONNECTING));
      // a retry of "gone" may change its health between two scrapes: they agree again at once
      for (String type : new String[] {TEXT, OPENMETRICS}) {
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () ->
                    assertThat(PrometheusScrape.scrape(prometheus, type))
                        .isEqualTo(prometheus.scrape(type)));
      }
      for (String type : new String[] {TEXT, OPENMETRICS}) {
        // the stream, read in pieces of odd sizes, is the same text; leaving families out is the
        // registry's scrape of the others
        Set<String> leftOut = Set.of("pdu_outlet_voltage_volts", "pdu_outlet_energy_joules");
        Set<String> others = new TreeSet<>();
        prometheus.getPrometheusRegistry().scrape().stream()
            .map(f -> f.getMetadata().getPrometheusName())
            .filter(n -> !leftOut.contains(n))
            .forEach(others::add);
        assertThat(others).contains("pdu_outlet_power_watts", "aaa_first", "zzz_last");
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(
                () -> {
                  assertThat(read(PrometheusScrape.stream(prometheus, type, Set.of()), 7))
                      .isEqualTo(prometheus.scrape(type));
                  assertThat(read(PrometheusScrape.stream(prometheus, type, leftOut), 4096))
                      .isEqualTo(prometheus.scrape(type, others))
                      .contains("pdu_outlet_power_watts{")
                      .doesNotContain("pdu_outlet_voltage")
                      .doesNotContain("pdu_outlet_energy");
                });
      }
      String text = PrometheusScrape.scrape(prometheus, TEXT);
      assertThat(text)
          .contains("pdu_outlet_power_watts{device=\"" + q + " #2\",outlet=\"11\"} 1234.0\n")
          .contains("pdu_device_health{device=\"gone\",problem=\"communication_error\"")
          .contains("zzz_last_total 1.23456785E7\n");
      assertThat(PrometheusScrape.scrape(prometheus, OPENMETRICS)).endsWith("# EOF\n");
    } finally {
      quiet.close();
    }
  }

  /** Reads the whole stream, {@code piece} bytes at most at a time, as UTF-8. */
  private static String read(InputStream in, int piece) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] b = new byte[piece];
    try (in) {
      for (int n = in.read(b); n >= 0; n = in.read(b)) {
        assertThat(n).isPositive();
        all.write(b, 0, n);
      }
    }
    return all.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aStreamIsWrittenAChunkAtATimeAsItIsRead() throws Exception {
    IsoTekSimulator quiet =
        IsoTekSimulator.builder()
            .outlets(16)
            .jitter(false)
            .pushInterval(Duration.ofMinutes(10))
            .maxClients(32)
            .build()
            .start();
    try {
      for (int i = 0; i < 30; i++) {
        runtime.open(
            DeviceConfig.of(
                String.format("pdu-%02d", i), "isotek:tcp://127.0.0.1:" + quiet.port()));
      }
      String whole = prometheus.scrape(TEXT);
      assertThat(whole.length()).as("more than a few chunks").isGreaterThan(100_000);
      try (InputStream in = PrometheusScrape.stream(prometheus, TEXT, Set.of())) {
        byte[] b = new byte[100];
        assertThat(in.read(b)).isEqualTo(100);
        // what was written for that first read is a chunk, not the whole exposition
        assertThat(in.available()).isPositive().isLessThan(64 * 1024);
        assertThat(new String(b, StandardCharsets.UTF_8) + read(in, 1 << 20)).isEqualTo(whole);
      }
    } finally {
      quiet.close();
    }
  }

  @Test
  void aStateChangeShowsOnTheNextScrape() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    String power1 = "pdu_outlet_power_watts{device=\"" + uri() + "\",outlet=\"1\"}";
    String state1 = "pdu_outlet_state{device=\"" + uri() + "\",outlet=\"1\"}";
    pdu.refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(value(prometheus.scrape(TEXT), state1)).isEqualTo("1.0");
    assertThat(value(prometheus.scrape(TEXT), power1)).isEqualTo("36.0");

    pdu.outlet(1).switchOff().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String body = prometheus.scrape(TEXT);
    assertThat(value(body, state1)).isEqualTo("0.0");
    // the push after the switch reports the outlet's power as the device measures it
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "0.0".equals(value(prometheus.scrape(TEXT), power1)));

    String address = uri();
    sim.close(); // the link goes down: the device is no longer CONNECTED
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                "0.0"
                    .equals(
                        value(
                            prometheus.scrape(TEXT),
                            "pdu_device_connected{device=\"" + address + "\"}")));
    assertThat(value(prometheus.scrape(TEXT), power1)).isEqualTo("NaN");
  }

  @Test
  void aClosedDevicesSeriesAreGoneAndOthersStay() throws Exception {
    PowerDevice a = runtime.open(uri());
    PowerDevice b = runtime.open(uri());
    a.refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);
    b.refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String body = prometheus.scrape(TEXT);
    assertThat(body).contains("device=\"" + uri() + "\"").contains("device=\"" + uri() + " #2\"");

    a.close();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !prometheus.scrape(TEXT).contains("device=\"" + uri() + "\""));
    assertThat(prometheus.scrape(TEXT))
        .contains("pdu_outlet_power_watts{device=\"" + uri() + " #2\",outlet=\"1\"} 36.0");

    runtime.close();
    assertThat(prometheus.scrape(TEXT)).doesNotContain("pdu_outlet").doesNotContain("#2");
  }

  @Test
  void statusesRegisterNoMeters() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    pdu.refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);
    // the refresh's series, written from the device's state (recorded just after the stage
    // completed) like every other: no meter, not even a timer for the commands
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                prometheus
                    .scrape(TEXT)
                    .contains(
                        "pdu_commands_seconds_count{command=\"refresh\",device=\""
                            + uri()
                            + "\",outcome=\"ok\"} 1\n"));
    assertThat(prometheus.getMeters()).isEmpty();
    int meters = prometheus.getMeters().size();
    long readings = readings();
    // pushes every 50 ms: a hundred statuses
    await().atMost(Duration.ofSeconds(30)).until(() -> readings() >= readings + 100);
    assertThat(prometheus.getMeters()).hasSize(meters);
  }

  private long readings() {
    String v =
        value(prometheus.scrape(TEXT), "pdu_readings_received_total{device=\"" + uri() + "\"}");
    return v == null ? 0 : (long) Double.parseDouble(v);
  }

  @Test
  void runtimesSharingARegistryEachShowTheirOwn() throws Exception {
    try (PowerRuntime second = PowerRuntime.builder().meterRegistry(prometheus).build()) {
      runtime.open(DeviceConfig.of("a", uri())).refresh().toCompletableFuture().get(10, SECONDS);
      second.open(DeviceConfig.of("b", uri())).refresh().toCompletableFuture().get(10, SECONDS);
      // a name used in both: written once (as a registry keeps the first of two equal meters),
      // rather than a duplicate series that would fail the whole scrape
      second.open(DeviceConfig.of("a", uri())).refresh().toCompletableFuture().get(10, SECONDS);
      String body = prometheus.scrape(TEXT);
      assertThat(body.split("# TYPE pdu_outlet_power_watts ", -1)).hasSize(2);
      assertThat(powerSeries(body)).hasSize(2 * 8);
      assertThat(body).contains("pdu_outlet_power_watts{device=\"b\",outlet=\"1\"} 36.0");
    }
    assertThat(powerSeries(prometheus.scrape(TEXT))).hasSize(8).allMatch(s -> s.contains("\"a\""));
  }

  private static Set<String> powerSeries(String body) {
    Set<String> series = matches(SAMPLE, body, 1);
    series.removeIf(s -> !s.startsWith("pdu_outlet_power_watts{"));
    return series;
  }
}

package io.pdu4j.runtime.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.PrometheusScrape;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With Micrometer's Prometheus registry the devices keep {@code pdu.commands} as plain numbers and
 * the collector writes them: the same bytes as a Micrometer timer per device, command and outcome
 * (its buckets, count, sum, and its maximum decaying with the registry's clock), and no meter.
 */
class CommandSeriesTest {
  private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";
  private static final Duration STALE = Duration.ofSeconds(10);

  private final MockClock clock = new MockClock();
  private final List<DeviceMetrics> open = new CopyOnWriteArrayList<>();
  // the same clock for both: the timers' maxima and the collected ones rotate alike
  private PrometheusMeterRegistry collected;
  private PrometheusMeterRegistry timers;
  private Runnable detach;

  @BeforeEach
  void registries() {
    registries(PrometheusConfig.DEFAULT);
  }

  /** Both registries anew, with {@code config}. */
  private void registries(PrometheusConfig config) {
    if (detach != null) {
      close();
    }
    collected = new PrometheusMeterRegistry(config, new PrometheusRegistry(), clock);
    timers = new PrometheusMeterRegistry(config, new PrometheusRegistry(), clock);
    detach =
        PrometheusSeries.attach(
            collected,
            new PrometheusSeries.Source() {
              @Override
              public List<DeviceMetrics> devices() {
                return open;
              }

              @Override
              public List<Supervisor> supervisors() {
                return List.of();
              }
            });
  }

  @AfterEach
  void close() {
    detach.run();
    collected.close();
    timers.close();
  }

  /** One device both ways: collected into {@code collected}, timers in {@code timers}. */
  private final class Pair {
    final DeviceMetrics kept;
    final DeviceMetrics timed;

    Pair(String name) {
      CommandSeries.Window window = PrometheusSeries.commandWindow(collected);
      assertThat(window).isNotNull();
      kept = new DeviceMetrics(name, Clock.systemUTC(), STALE, true, window);
      kept.bindTo(collected);
      open.add(kept);
      timed = new DeviceMetrics(name, Clock.systemUTC(), STALE);
      timed.bindTo(timers);
    }

    void command(String command, Duration took, Throwable failure) {
      kept.recordCommand(command, took, failure);
      timed.recordCommand(command, took, failure);
    }

    void close() {
      kept.close();
      open.remove(kept);
      timed.close();
    }
  }

  /** The command families' lines of a scrape, in order. */
  private static String commandLines(String scrape) {
    return scrape
        .lines()
        .filter(l -> l.startsWith("pdu_commands") || l.matches("# (HELP|TYPE|UNIT) pdu_commands.*"))
        .collect(Collectors.joining("\n"));
  }

  /** Both registries' command series agree, in both text formats and in the fast scrape. */
  private void assertSame() {
    for (String type : new String[] {TEXT, OPENMETRICS}) {
      String expected = commandLines(timers.scrape(type));
      String scraped = collected.scrape(type);
      assertThat(commandLines(scraped)).as(type).isEqualTo(expected);
      assertThat(PrometheusScrape.scrape(collected, type)).as(type).isEqualTo(scraped);
    }
  }

  @Test
  void theSeriesAreThoseOfTheTimersByteForByte() {
    Pair a = new Pair("rack-a");
    Pair b = new Pair("rack-b \"2\"");
    new Pair("quiet"); // no command: no series
    a.command("switch", Duration.ofMillis(3), null);
    a.command("switch", Duration.ofMillis(5), null); // on a bound
    a.command("switch", Duration.ofNanos(5_000_001), null);
    a.command("switch", Duration.ofSeconds(31), null); // above every bound
    a.command("switch", Duration.ofMillis(800), new DeviceTimeoutException("late"));
    a.command("refresh", Duration.ofMillis(12), new PowerDeviceException("odd"));
    a.command("refresh", Duration.ofNanos(-1), null); // not recorded, but its series appear
    b.command("switch", Duration.ZERO, null);
    b.command("cycle", Duration.ofMillis(2_500), null);
    String text = PrometheusScrape.scrape(collected, TEXT);
    assertThat(text)
        .contains(
            "pdu_commands_seconds_bucket{command=\"switch\",device=\"rack-a\",outcome=\"ok\","
                + "le=\"0.005\"} 2\n")
        .contains(
            "pdu_commands_seconds_count{command=\"switch\",device=\"rack-a\",outcome=\"ok\"} 4\n")
        .contains(
            "pdu_commands_seconds_max{command=\"switch\",device=\"rack-a\",outcome=\"ok\"} 31.0\n")
        .contains("outcome=\"timeout\"")
        .contains("device=\"rack-b \\\"2\\\"\"");
    assertThat(commandLines(text)).doesNotContain("device=\"quiet\"");
    assertSame();
    assertThat(collected.getMeters()).as("no Micrometer meter for the commands").isEmpty();
    assertThat(timers.getMeters().stream().filter(m -> m.getId().getName().equals("pdu.commands")))
        .hasSize(6);

    a.close(); // a closed device leaves no series
    assertThat(commandLines(collected.scrape(TEXT))).doesNotContain("rack-a");
    assertSame();
    b.close();
    assertThat(commandLines(collected.scrape(TEXT))).isEmpty();
    assertSame();
  }

  @Test
  void theMaximumDecaysAsTheTimersDoes() {
    // commands and scrapes at random times over some hours: the maxima rotate every step (a
    // minute) in a ring of three, and a gap of a whole ring clears them all
    decays(Duration.ofMinutes(1));
  }

  @Test
  void theMaximumDecaysWithTheRegistrysOwnStep() {
    Duration step = Duration.ofSeconds(10);
    registries(
        new PrometheusConfig() {
          @Override
          public String get(String key) {
            return null;
          }

          @Override
          public Duration step() {
            return step;
          }
        });
    CommandSeries.Window window = PrometheusSeries.commandWindow(collected);
    assertThat(window.rotateMillis()).isEqualTo(10_000);
    assertThat(window.length()).isEqualTo(3);
    assertThat(window.clock()).isSameAs(clock);
    decays(step);
  }

  /** Random commands and scrapes, the clock moving by up to a few steps at a time. */
  private void decays(Duration step) {
    long stepMillis = step.toMillis();
    List<Pair> devices = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      devices.add(new Pair("pdu-" + i));
    }
    String[] commands = {"switch", "refresh"};
    Throwable[] failures = {null, null, new DeviceTimeoutException("late")};
    Random random = new Random(7);
    int rotated = 0;
    for (int i = 0; i < 400; i++) {
      int what = random.nextInt(10);
      if (what < 5) {
        devices
            .get(random.nextInt(devices.size()))
            .command(
                commands[random.nextInt(commands.length)],
                Duration.ofNanos(random.nextInt(40_000) * 1_000_000L + random.nextInt(1000)),
                failures[random.nextInt(failures.length)]);
      } else if (what < 9) {
        long ms =
            random.nextInt(4) == 0
                ? random.nextLong(stepMillis * 4)
                : random.nextLong(stepMillis / 2);
        clock.add(ms, TimeUnit.MILLISECONDS);
        rotated++;
      }
      assertSame();
    }
    assertThat(rotated).isGreaterThan(100);
    // after a quiet ring's time every maximum reads 0
    clock.add(step.multipliedBy(3));
    assertSame();
    assertThat(
            collected.scrape(TEXT).lines().filter(l -> l.startsWith("pdu_commands_seconds_max{")))
        .isNotEmpty()
        .allMatch(l -> l.endsWith("} 0.0"));
  }
}

package io.pdu4j.it;

import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletConfig;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.OutletType;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Recurrence;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import io.pdu4j.api.Scheduler;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime, the serial transport and the IsoTek driver over a socat pseudo-terminal pair, with
 * the IsoTek simulator serving an 8-outlet unit on the other end (its serial mode).
 *
 * <p>Needs socat; skipped without it, except under CI ({@code CI=true}), where it fails.
 */
class IsoTekSerialIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path JAR =
      Path.of(System.getProperty("pdu4j.jar", "../cli/target/pdu4j.jar"));

  @TempDir Path dir;
  private Path a;
  private Path b;
  private SocatPair pair;
  private IsoTekSimulator sim;
  private PowerRuntime runtime;

  @BeforeEach
  void start() throws Exception {
    SocatPair.assumeSocat();
    a = dir.resolve("pdu");
    b = dir.resolve("unit");
    startPair();
    runtime = PowerRuntime.builder().build();
  }

  @AfterEach
  void stop() throws Exception {
    if (runtime != null) {
      runtime.close();
    }
    stopPair();
  }

  private String uri() {
    return "isotek:serial://" + a + "?baud=115200&parity=none&data=8&stop=1&flow=none";
  }

  @Test
  void readsTheStatusAndSwitchesOverASerialLine() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    assertThat(pdu.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    DeviceStatus status = get(pdu.refresh());
    assertThat(status.outlets())
        .extracting(OutletStatus::number)
        .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(status.outlets()).allMatch(o -> o.state() == OutletState.ON);
    assertThat(status.outlet(1).orElseThrow().voltage()).hasValue(230.0);
    assertThat(status.deviceClock()).isPresent();

    OutletStatus off = get(pdu.outlet(3).switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(sim.outletState(3)).isFalse();
    assertThat(sim.commandsReceived()).contains("?", "S3=0");
    OutletStatus on = get(pdu.outlet(3).switchOn());
    assertThat(on.state()).isEqualTo(OutletState.ON);
    assertThat(sim.outletState(3)).isTrue();
  }

  @Test
  void everyIsoTekCommandWorksOverASerialLine() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    // outlet settings (C? / Cx=)
    get(
        pdu.outlet(2)
            .configure(new OutletConfig("LAMP", OutletType.ROUTER, Duration.ofSeconds(1))));
    assertThat(get(pdu.outlet(2).config()).name()).isEqualTo("LAMP");
    assertThat(pdu.outlet(2).name()).isEqualTo("LAMP");
    // cycle (S2=0, wait, S2=1)
    assertThat(get(pdu.outlet(2).cycle(Duration.ofMillis(200))).state()).isEqualTo(OutletState.ON);
    // all off / all on (G / H)
    assertThat(get(pdu.switchAll(OutletState.OFF)).outlets())
        .allMatch(o -> o.state() == OutletState.OFF);
    assertThat(get(pdu.switchAll(OutletState.ON)).outlets())
        .allMatch(o -> o.state() == OutletState.ON);
    // clock (T= and the RTC line)
    LocalDateTime when = LocalDateTime.of(2030, 6, 1, 12, 30, 0);
    get(pdu.clock().orElseThrow().set(when));
    assertThat(get(pdu.clock().orElseThrow().read()).deviceTime()).isAfterOrEqualTo(when);
    // schedule (P=, PW=, P?)
    Scheduler scheduler = pdu.scheduler().orElseThrow();
    ScheduleRule rule =
        new ScheduleRule.TimePlan(
            "NIGHT", LocalTime.of(23, 0), Recurrence.daily(), 3, ScheduleAction.OFF);
    assertThat(get(scheduler.replaceAll(List.of(rule)))).containsExactly(rule);
    get(scheduler.clear());
    assertThat(get(scheduler.rules())).isEmpty();
    assertThat(sim.commandsReceived())
        .contains("C?", "G", "H", "P?", "P=0")
        .anyMatch(c -> c.startsWith("C2=LAMP"))
        .anyMatch(c -> c.startsWith("T=2030/06|01|12|30|00"))
        .anyMatch(c -> c.startsWith("PW="));
    // restart (X): over a serial line the link stays; the unit goes quiet and reports again
    DeviceStatus before = pdu.lastStatus().orElseThrow();
    get(pdu.restart());
    assertThat(sim.commandsReceived()).contains("X");
    await()
        .atMost(WAIT)
        .until(() -> pdu.lastStatus().orElseThrow().receivedAt().isAfter(before.receivedAt()));
    assertThat(get(pdu.refresh()).outlets()).hasSize(8);
  }

  @Test
  void goesOfflineWhenThePortGoesAndReconnectsWhenItComesBack() throws Exception {
    PowerDevice pdu = runtime.open(uri());
    List<ConnectionState> states = new CopyOnWriteArrayList<>();
    pdu.subscribe(
        e -> {
          if (e instanceof io.pdu4j.api.DeviceEvent.Connection c) {
            states.add(c.current());
          }
        });

    stopPair();
    await().atMost(WAIT).until(() -> pdu.connectionState() == ConnectionState.OFFLINE);

    startPair();
    await().atMost(WAIT).until(() -> pdu.connectionState() == ConnectionState.CONNECTED);
    assertThat(states).containsSubsequence(ConnectionState.OFFLINE, ConnectionState.CONNECTED);
    OutletStatus off = get(pdu.outlet(5).switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(sim.outletState(5)).isFalse();
  }

  @Test
  void thePackagedCliOpensASerialAddress() throws Exception {
    assertThat(JAR).as("the packaged CLI jar").exists();
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString(),
                "status",
                uri())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("pdu4j status did not finish in 60 s");
    }
    assertThat(p.exitValue()).as(Files.readString(err)).isZero();
    String table = Files.readString(out);
    for (int n = 1; n <= 8; n++) {
      assertThat(table).containsPattern("(?m)^\\s*" + n + "\\s");
    }
    assertThat(table).contains("ON");
  }

  // ---------------------------------------------------------------------------- the pair

  private void startPair() throws IOException {
    pair = SocatPair.start(dir, a, b);
    sim = IsoTekSimulator.builder().outlets(8).jitter(false).serialDevice(b).build().start();
  }

  private void stopPair() throws Exception {
    SocatPair p = pair;
    pair = null;
    if (p != null) {
      p.close();
    }
    if (sim != null) {
      sim.close();
      sim = null;
    }
  }
}

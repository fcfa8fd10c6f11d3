package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.metrics.PduMeter;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's supervision end to end over loopback: simulator restarts, repeated link drops, a
 * denied login, and shutting down with commands in flight.
 */
// alone: its thread checks see every thread of the JVM, and a class running beside it (the Extron
// tunnel matrix runs its cases concurrently) starts runtimes and secret readers of its own
@org.junit.jupiter.api.parallel.Isolated
class SupervisionIT {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> simulators = new ArrayList<>();
  private PowerRuntime runtime;

  @TempDir Path dir;

  private Set<Thread> threadsBefore = Set.of();

  @BeforeEach
  void start() {
    // pdu4j threads of other test classes in this JVM are theirs to answer for, not this runtime's
    threadsBefore = Set.copyOf(Thread.getAllStackTraces().keySet());
    runtime =
        PowerRuntime.builder()
            .meterRegistry(registry)
            .retryBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    runtime.close();
    for (AutoCloseable s : simulators) {
      s.close();
    }
  }

  private IsoTekSimulator isotek(int port) {
    IsoTekSimulator sim = IsoTekSimulator.builder().outlets(8).tcpPort(port).build().start();
    simulators.add(sim);
    return sim;
  }

  private double counter(PduMeter meter, String device) {
    return registry
        .get(meter.meterName())
        .tags(PduMeter.TAG_DEVICE, device)
        .functionCounter()
        .count();
  }

  /** One completion per stage, counted: a second would show. */
  private static final class Completions {
    final AtomicInteger count = new AtomicInteger();
    final List<CompletableFuture<?>> stages = new ArrayList<>();

    void track(CompletionStage<?> stage) {
      CompletableFuture<?> f = stage.toCompletableFuture();
      f.whenComplete((v, t) -> count.incrementAndGet());
      stages.add(f);
    }

    /** The failures, each unwrapped; successes are not listed. */
    List<Throwable> failures() {
      List<Throwable> out = new ArrayList<>();
      for (CompletableFuture<?> f : stages) {
        try {
          f.join();
        } catch (CompletionException e) {
          out.add(e.getCause());
        }
      }
      return out;
    }
  }

  @Test
  void theDeviceComesBackAfterTheSimulatorRestartsAndCommandsIssuedMeanwhileCompleteOnce()
      throws Exception {
    IsoTekSimulator sim = isotek(0);
    int port = sim.port();
    SupervisedDevice rack =
        runtime.supervise(
            DeviceConfig.of("rack", "isotek:tcp://127.0.0.1:" + port + "?timeout=15s"));
    PowerDevice pdu = rack.opened().toCompletableFuture().get(10, TimeUnit.SECONDS);
    await().until(() -> rack.health().isConnected());
    double readings = counter(PduMeter.READINGS_RECEIVED, "rack");

    sim.close();
    await().until(() -> rack.health().state() == ConnectionState.OFFLINE);
    assertThat(rack.health().problem()).contains(ConnectionProblem.COMMUNICATION_ERROR);
    assertThat(rack.device()).containsSame(pdu);

    // issued while the device is away: they wait in its queue within their timeout
    Completions commands = new Completions();
    commands.track(pdu.outlet(3).switchOff());
    commands.track(pdu.refresh());
    commands.track(pdu.outlet(4).switchOff());

    IsoTekSimulator again = isotek(port);
    await().atMost(Duration.ofSeconds(20)).until(() -> rack.health().isConnected());
    await().atMost(Duration.ofSeconds(20)).until(() -> commands.count.get() == 3);
    for (Throwable t : commands.failures()) {
      assertThat(t).isInstanceOfAny(DeviceTimeoutException.class, LinkLostException.class);
    }
    if (commands.failures().isEmpty()) {
      assertThat(again.outletState(3)).isFalse();
      assertThat(again.outletState(4)).isFalse();
    }
    assertThat(pdu.outlet(5).switchOff().toCompletableFuture().get(10, TimeUnit.SECONDS).state())
        .isEqualTo(OutletState.OFF);
    assertThat(commands.count.get()).as("each command completed once").isEqualTo(3);

    // the same meters carry on counting
    await().until(() -> counter(PduMeter.READINGS_RECEIVED, "rack") > readings + 2);
    assertThat(counter(PduMeter.LINK_RECONNECTS, "rack")).isEqualTo(1.0);
  }

  /**
   * How many times the link is dropped. Each reconnect waits the device's first backoff (0.5 s), so
   * a hundred took a minute; a duplicate meter shows from the first reconnect on, and a leak per
   * reconnect as surely after twenty as after a hundred.
   */
  private static final int RECONNECTS = 20;

  @Test
  void repeatedReconnectsRegisterEveryMeterOnce() throws Exception {
    IsoTekSimulator sim = isotek(0);
    SupervisedDevice rack =
        runtime.supervise(DeviceConfig.of("rack", "isotek:tcp://127.0.0.1:" + sim.port()));
    PowerDevice pdu = rack.opened().toCompletableFuture().get(10, TimeUnit.SECONDS);
    pdu.refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Set<Meter.Id> before = ids();

    for (int i = 1; i <= RECONNECTS; i++) {
      sim.closeMidNextReply();
      CompletableFuture<?> dropped = pdu.refresh().toCompletableFuture();
      int n = i;
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  counter(PduMeter.LINK_RECONNECTS, "rack") == n
                      && rack.health().isConnected()
                      && dropped.isDone());
    }
    pdu.refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);

    List<Meter.Id> all = registry.getMeters().stream().map(Meter::getId).toList();
    assertThat(all).doesNotHaveDuplicates();
    // the same meters as before, plus only the timers of the failed refreshes (and their bucket
    // gauges, pdu.commands.histogram, in a registry without histograms of its own)
    Set<Meter.Id> added = ids();
    added.removeAll(before);
    assertThat(added)
        .allSatisfy(id -> assertThat(id.getName()).startsWith(PduMeter.COMMANDS.meterName()));
    assertThat(ids()).containsAll(before);
    assertThat(counter(PduMeter.LINK_RECONNECTS, "rack")).isEqualTo(RECONNECTS);
    assertThat(
            registry
                .get(PduMeter.DEVICE_HEALTH.meterName())
                .tags(PduMeter.TAG_DEVICE, "rack")
                .gauges())
        .hasSize(5);
  }

  private Set<Meter.Id> ids() {
    return registry.getMeters().stream().map(Meter::getId).collect(Collectors.toSet());
  }

  @Test
  void aDeniedLoginIsReportedAsSuch() throws Exception {
    ExtronSimulator ipcp = ExtronSimulator.builder().adminPassword("adm1n").build().start();
    simulators.add(ipcp);
    Path wrong = Files.writeString(dir.resolve("wrong"), "guess");
    SupervisedDevice relays =
        runtime.supervise(
            DeviceConfig.of(
                "relays", "extron:tcp://127.0.0.1:" + ipcp.port() + "?password=file:" + wrong));
    await().until(() -> relays.health().state() == ConnectionState.OFFLINE);
    assertThat(relays.health().problem()).contains(ConnectionProblem.LOGIN_DENIED);
    assertThat(relays.health().message())
        .hasValueSatisfying(m -> assertThat(m).contains("login denied").doesNotContain("guess"));
    assertThat(
            registry
                .get(PduMeter.DEVICE_HEALTH.meterName())
                .tags(PduMeter.TAG_DEVICE, "relays", PduMeter.TAG_PROBLEM, "login_denied")
                .gauge()
                .value())
        .isEqualTo(1.0);
  }

  @Test
  void aTunnelWhoseGatewayNowRefusesTheLoginTurnsFromCommunicationErrorToLoginDenied()
      throws Exception {
    IsoTekSimulator pdu = isotek(0);
    ExtronSimulator ipcp =
        ExtronSimulator.builder()
            .adminPassword("adm1n")
            .serialDevice(3, pdu.port())
            .build()
            .start();
    simulators.add(ipcp);
    int ipcpPort = ipcp.port();
    Path secret = Files.writeString(dir.resolve("ipcp.pw"), "adm1n");
    SupervisedDevice av =
        runtime.supervise(
            DeviceConfig.of(
                "av", "isotek:extron://127.0.0.1:" + ipcpPort + "/3?password=file:" + secret));
    av.opened().toCompletableFuture().get(15, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(15)).until(() -> av.health().isConnected());

    // the gateway restarts with another password: the driver's reconnects are now refused
    ipcp.close();
    await().until(() -> av.health().state() == ConnectionState.OFFLINE);
    assertThat(av.health().problem()).contains(ConnectionProblem.COMMUNICATION_ERROR);
    ExtronSimulator changed =
        ExtronSimulator.builder()
            .port(ipcpPort)
            .adminPassword("n3w")
            .serialDevice(3, pdu.port())
            .build()
            .start();
    simulators.add(changed);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                av.health()
                    .problem()
                    .equals(java.util.Optional.of(ConnectionProblem.LOGIN_DENIED)));
    assertThat(av.health().state()).isEqualTo(ConnectionState.OFFLINE);
    assertThat(av.health().message())
        .hasValueSatisfying(m -> assertThat(m).contains("login denied").doesNotContain("adm1n"));
  }

  @Test
  void closingUnderLoadCompletesEveryCommandOnceAndLeavesNoThread() throws Exception {
    List<SupervisedDevice> racks = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      IsoTekSimulator sim = isotek(0);
      sim.setReplyLatency(Duration.ofMillis(50));
      racks.add(
          runtime.supervise(
              DeviceConfig.of("rack" + i, "isotek:tcp://127.0.0.1:" + sim.port() + "?queue=64")));
    }
    Completions commands = new Completions();
    for (SupervisedDevice r : racks) {
      PowerDevice pdu = r.opened().toCompletableFuture().get(10, TimeUnit.SECONDS);
      for (int k = 0; k < 40; k++) {
        int outlet = 1 + k % 8;
        commands.track(
            k % 3 == 0
                ? pdu.refresh()
                : k % 3 == 1 ? pdu.outlet(outlet).switchOff() : pdu.outlet(outlet).switchOn());
      }
    }
    // some commands are answered before the close, most are still queued
    await().until(() -> commands.count.get() >= 3);

    assertTimeoutPreemptively(Duration.ofSeconds(20), runtime::close);

    assertThat(commands.stages).allSatisfy(f -> assertThat(f).isDone());
    assertThat(commands.count.get()).as("each command completed once").isEqualTo(120);
    List<Throwable> failures = commands.failures();
    assertThat(failures).isNotEmpty();
    for (Throwable t : failures) {
      assertThat(t).isInstanceOfAny(DeviceClosedException.class, LinkLostException.class);
    }
    assertThat(racks)
        .allSatisfy(r -> assertThat(r.health().state()).isEqualTo(ConnectionState.CLOSED));
    assertThat(pdu4jThreads()).isEmpty();
  }

  /**
   * The pdu4j threads alive now that were not there when the test's runtime was built. Not the
   * secret readers ({@code pdu4j-secret-N}): one pool for the whole JVM, not a runtime's, whose
   * threads end after a second idle; tests running beside this one read their passwords on it.
   */
  private List<String> pdu4jThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> !threadsBefore.contains(t))
        .map(Thread::getName)
        .filter(n -> n.startsWith("pdu4j-") && !n.startsWith("pdu4j-secret-"))
        .toList();
  }
}

package io.pdu4j.it;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.metrics.PduMeter;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IPCP password through the runtime's metrics and the device's public face: no meter name, tag
 * key or tag value, no exception and no {@code toString()} ever shows it, over both tunnel forms.
 */
class ExtronMetricsIT {
  private static final String PASSWORD = "Metr1cs-Pw-77";

  @TempDir Path dir;
  private IsoTekSimulator isotek;
  private ExtronSimulator ipcp;
  private SimpleMeterRegistry registry;
  private PowerRuntime runtime;

  @BeforeEach
  void start() {
    isotek =
        IsoTekSimulator.builder()
            .tcpPort(0)
            .outlets(8)
            .pushInterval(Duration.ofMillis(300))
            .build()
            .start();
    ipcp =
        ExtronSimulator.builder()
            .adminPassword(PASSWORD)
            .httpPort(0)
            .serialDevice(3, isotek.port())
            .build()
            .start();
    registry = new SimpleMeterRegistry();
    runtime = PowerRuntime.builder().meterRegistry(registry).build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    ipcp.close();
    isotek.close();
  }

  private String uri(String scheme, String password) throws Exception {
    Path secret = Files.writeString(Files.createTempFile(dir, "ipcp", ".pw"), password + "\n");
    int port = scheme.equals("extron+http") ? ipcp.httpPort() : ipcp.port();
    return "isotek:" + scheme + "://127.0.0.1:" + port + "/3?password=file:" + secret;
  }

  /** Some of every kind of command, one of them failing, so every meter has been used. */
  private void exercise(PowerDevice pdu) throws Exception {
    get(pdu.refresh());
    assertThat(get(pdu.outlet(2).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(get(pdu.outlet(2).switchOn()).state()).isEqualTo(OutletState.ON);
    get(pdu.outlet(3).config());
    get(pdu.clock().orElseThrow().read());
    get(pdu.scheduler().orElseThrow().rules());
    ipcp.failNextSendData("E14");
    assertThat(failure(pdu.outlet(4).switchOff())).isInstanceOf(DeviceRejectedException.class);
  }

  private List<String> everyNameAndTag() {
    List<String> texts = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      texts.add(m.getId().getName());
      if (m.getId().getDescription() != null) {
        texts.add(m.getId().getDescription());
      }
      for (Tag t : m.getId().getTags()) {
        texts.add(t.getKey());
        texts.add(t.getValue());
      }
    }
    return texts;
  }

  private Set<String> deviceTags() {
    return registry.getMeters().stream()
        .map(m -> m.getId().getTag("device"))
        .filter(v -> v != null)
        .collect(Collectors.toSet());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"extron", "extron+http"})
  void noMeterShowsThePasswordAndTheDeviceTagIsTheRedactedAddress(String scheme) throws Exception {
    String uri = uri(scheme, PASSWORD);
    PowerDevice pdu = runtime.open(uri);
    exercise(pdu);

    assertThat(registry.getMeters()).isNotEmpty();
    assertThat(everyNameAndTag()).noneMatch(t -> t.contains(PASSWORD));
    // a reference names where the secret lives, so the redacted address is the address itself
    assertThat(pdu.info().address()).isEqualTo(uri);
    assertThat(deviceTags()).containsExactly(pdu.info().address());
    // a command is timed when its stage completes, on the device thread, which may be just after
    // the caller woke up from that completion
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(registry.find("pdu.commands").tag("outcome", "rejected").timers())
                    .isNotEmpty());
    assertThat(registry.find("pdu.commands").tag("command", "switch_off").timers()).isNotEmpty();
    assertThat(registry.get(PduMeter.LINK_BYTES_SENT.meterName()).functionCounter().count())
        .isPositive();
    assertThat(registry.get("pdu.device.connected").gauge().value()).isEqualTo(1.0);

    assertThat(pdu.toString()).doesNotContain(PASSWORD);
    assertThat(pdu.info().toString()).doesNotContain(PASSWORD);
    assertThat(pdu.lastStatus().orElseThrow().toString()).doesNotContain(PASSWORD);
    assertThat(pdu.outlets().toString()).doesNotContain(PASSWORD);
  }

  @Test
  void aNamedDeviceIsTaggedWithItsName() throws Exception {
    PowerDevice pdu = runtime.open(DeviceConfig.of("ipcp-com3", uri("extron", PASSWORD)));
    exercise(pdu);
    assertThat(deviceTags()).containsExactly("ipcp-com3");
    assertThat(everyNameAndTag()).noneMatch(t -> t.contains(PASSWORD));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"extron", "extron+http"})
  void aWrongPasswordFailsTheOpenWithoutShowingEitherPassword(String scheme) throws Exception {
    String wrong = "Wr0ng-" + PASSWORD;
    String uri = uri(scheme, wrong) + "&ready-timeout=3s";
    assertThatThrownBy(() -> runtime.open(uri))
        .isInstanceOf(PowerDeviceException.class)
        .satisfies(
            e -> {
              assertThat(everything(e)).contains("login denied");
              assertThat(everything(e)).doesNotContain(wrong).doesNotContain(PASSWORD);
            });
    assertThat(everyNameAndTag()).noneMatch(t -> t.contains(wrong) || t.contains(PASSWORD));
  }

  @Test
  void aLiteralPasswordIsRefusedWithoutEchoingIt() {
    String literal = "Liter4l-" + PASSWORD;
    String uri = "isotek:extron://127.0.0.1:" + ipcp.port() + "/3?password=" + literal;
    assertThatThrownBy(() -> runtime.open(uri))
        .isInstanceOf(InvalidArgumentException.class)
        .satisfies(e -> assertThat(everything(e)).contains("password").doesNotContain(literal));
    assertThat(ipcp.commandsReceived()).isEmpty();
    assertThat(everyNameAndTag()).noneMatch(t -> t.contains(literal));
  }

  /** The exception as a user would see it: its stack trace with every cause and message. */
  private static String everything(Throwable e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}

package io.pdu4j.it;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An IsoTek simulator behind an IPCP simulator, reached through the {@code extron} tunnel. */
class ExtronTunnelIT {
  private static final String PASSWORD = "s3cret-Pw";

  @TempDir Path dir;
  private IsoTekSimulator isotek;
  private ExtronSimulator ipcp;
  private PowerRuntime runtime;
  private Path secret;

  @BeforeEach
  void start() throws Exception {
    isotek =
        IsoTekSimulator.builder()
            .tcpPort(0)
            .outlets(8)
            .pushInterval(Duration.ofMillis(300))
            .build()
            .start();
    secret = Files.writeString(dir.resolve("ipcp.pw"), PASSWORD + "\n");
    runtime = PowerRuntime.builder().build();
  }

  private void startIpcp(ExtronSimulator.Builder b) {
    ipcp = b.serialDevice(3, isotek.port()).build().start();
  }

  @AfterEach
  void stop() {
    runtime.close();
    if (ipcp != null) {
      ipcp.close();
    }
    isotek.close();
  }

  private String uri(String options) {
    return "isotek:extron://127.0.0.1:" + ipcp.port() + "/3?password=file:" + secret + options;
  }

  @Test
  void statusAndSwitchingThroughTheIpcp() throws Exception {
    startIpcp(ExtronSimulator.builder().adminPassword(PASSWORD));
    isotek.setOutletState(2, false);
    PowerDevice pdu = runtime.open(uri(""));
    assertThat(pdu.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    DeviceStatus status = get(pdu.refresh());
    assertThat(status.outlets()).hasSize(8);
    assertThat(status.outlet(2).orElseThrow().state()).isEqualTo(OutletState.OFF);
    assertThat(status.outlet(3).orElseThrow().state()).isEqualTo(OutletState.ON);

    OutletStatus off = get(pdu.outlet(3).switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(isotek.outletState(3)).isFalse();
    OutletStatus on = get(pdu.outlet(3).switchOn());
    assertThat(on.state()).isEqualTo(OutletState.ON);
    assertThat(isotek.outletState(3)).isTrue();
    assertThat(isotek.commandsReceived()).contains("S3=0", "S3=1");
    assertThat(ipcp.commandsReceived()).anyMatch(c -> c.equals("Esc03*10*2*62DRS"));
  }

  @Test
  void aSilentDeviceBehindTheIpcpIsSeenAsAQuietLinkAndComesBack() throws Exception {
    startIpcp(ExtronSimulator.builder().adminPassword(PASSWORD));
    PowerDevice pdu = runtime.open(uri("&quiet=1s&timeout=500ms&poll=300ms"));
    assertThat(pdu.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    List<String> offline = new CopyOnWriteArrayList<>();
    pdu.subscribe(
        e -> {
          if (e instanceof DeviceEvent.Connection c && c.current() == ConnectionState.OFFLINE) {
            offline.add(c.reason().orElse(""));
          }
        });
    // the IPCP still answers every send-data-string, with nothing from the device in it
    isotek.setSilent(true);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> pdu.connectionState() == ConnectionState.OFFLINE);
    await().until(() -> !offline.isEmpty());
    assertThat(offline.get(0)).contains("nothing received for 1s");
    isotek.setSilent(false);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> pdu.connectionState() == ConnectionState.CONNECTED);
    assertThat(get(pdu.refresh()).outlets()).hasSize(8);
  }

  @Test
  void withoutPasswordAndWithExplicitTimes() throws Exception {
    startIpcp(ExtronSimulator.builder());
    PowerDevice pdu = runtime.open("isotek:extron://127.0.0.1:" + ipcp.port() + "/3?t1=20&t2=5");
    assertThat(get(pdu.refresh()).outlets()).hasSize(8);
    assertThat(ipcp.commandsReceived()).contains("Esc03*20*5*62DRS");
  }

  @Test
  void aWrongPasswordFailsClearlyWithoutThePassword() throws Exception {
    startIpcp(ExtronSimulator.builder().adminPassword("another-one"));
    assertThatThrownBy(() -> runtime.open(uri("")))
        .isInstanceOf(DeviceRejectedException.class)
        .hasMessageContaining("login denied")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(PASSWORD));
    await().atMost(Duration.ofSeconds(5)).until(() -> ipcp.connectedClients() == 0);
  }

  @Test
  void theUserLevelLogsInToo() throws Exception {
    startIpcp(ExtronSimulator.builder().adminPassword("admin-pw").userPassword(PASSWORD));
    PowerDevice pdu = runtime.open(uri(""));
    assertThat(get(pdu.refresh()).outlets()).hasSize(8);
  }

  @Test
  void errorCodesFailTheCommandWithTheirMeaning() throws Exception {
    startIpcp(ExtronSimulator.builder().adminPassword(PASSWORD));
    PowerDevice pdu = runtime.open(uri(""));
    ipcp.failNextSendData("E14");
    Throwable t = failure(pdu.outlet(4).switchOff());
    assertThat(t)
        .isInstanceOf(DeviceRejectedException.class)
        .hasMessageContaining("E14")
        .hasMessageContaining("not valid for this configuration");
    assertThat(isotek.outletState(4)).isTrue();
  }

  @Test
  void busyIsRetriedAfterAPause() throws Exception {
    startIpcp(ExtronSimulator.builder().adminPassword(PASSWORD));
    PowerDevice pdu = runtime.open(uri(""));
    ipcp.failNextSendData("E22", "E22");
    OutletStatus off = get(pdu.outlet(5).switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(isotek.outletState(5)).isFalse();
    ipcp.failNextSendData("E22", "E22", "E22", "E22", "E22");
    assertThat(failure(pdu.outlet(5).switchOn())).isInstanceOf(DeviceBusyException.class);
  }

  @Test
  void theIpcpClosingTheSessionIsALinkLossAndTheTunnelReconnects() throws Exception {
    startIpcp(ExtronSimulator.builder().adminPassword(PASSWORD));
    PowerDevice pdu = runtime.open(uri(""));
    await().atMost(Duration.ofSeconds(5)).until(() -> ipcp.connectedClients() == 1);
    ipcp.dropClients();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> pdu.connectionState() == ConnectionState.OFFLINE);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> pdu.connectionState() == ConnectionState.CONNECTED);
    OutletStatus off = get(pdu.outlet(6).switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(isotek.outletState(6)).isFalse();
  }

  @Test
  void keepAliveQueriesKeepAnIdleSessionOpen() throws Exception {
    startIpcp(
        ExtronSimulator.builder().adminPassword(PASSWORD).idleTimeout(Duration.ofMillis(2500)));
    PowerDevice pdu = runtime.open(uri("&poll=60s&keepalive=1s"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ipcp.commandsReceived().stream().filter("Q"::equals).count() >= 4);
    assertThat(ipcp.connectedClients()).isEqualTo(1);
    assertThat(pdu.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(get(pdu.outlet(1).switchOff()).state()).isEqualTo(OutletState.OFF);
  }

  @Test
  void anIpcpThatEchoesTheData() throws Exception {
    startIpcp(ExtronSimulator.builder().echoData(true));
    PowerDevice pdu = runtime.open("isotek:extron://127.0.0.1:" + ipcp.port() + "/3");
    assertThat(get(pdu.outlet(8).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(isotek.outletState(8)).isFalse();
    assertThat(get(pdu.refresh()).outlet(8).orElseThrow().state()).isEqualTo(OutletState.OFF);
  }

  @Test
  void anIpcpThatAppendsNoCrLf() throws Exception {
    startIpcp(ExtronSimulator.builder().crlfAppended(false));
    PowerDevice pdu = runtime.open("isotek:extron://127.0.0.1:" + ipcp.port() + "/3?crlf=none");
    assertThat(get(pdu.outlet(7).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(isotek.outletState(7)).isFalse();
    assertThat(get(pdu.refresh()).outlets()).hasSize(8);
  }

  @Test
  void aPortWithNothingOnItAnswersEmptyAndTheDeviceNeverBecomesReady() {
    startIpcp(ExtronSimulator.builder());
    assertThatThrownBy(
            () ->
                runtime.open(
                    "isotek:extron://127.0.0.1:" + ipcp.port() + "/4?ready-timeout=1500ms"))
        .isInstanceOf(DeviceTimeoutException.class);
    assertThat(ipcp.commandsReceived()).contains("Esc04*10*2*62DRS");
  }

  @Test
  void inlineDataAPrefixAnEchoAndSerialSetupTogether() throws Exception {
    startIpcp(
        ExtronSimulator.builder().adminPassword(PASSWORD).replyPrefix("DATA:").echoData(true));
    PowerDevice pdu = runtime.open(uri("&data=inline&prefix=DATA%3A&serial=115200,N,8,1"));
    assertThat(ipcp.serialSettings(3)).hasValue("115200,N,8,1");
    assertThat(get(pdu.outlet(2).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(isotek.outletState(2)).isFalse();
    assertThat(get(pdu.refresh()).outlet(2).orElseThrow().state()).isEqualTo(OutletState.OFF);
    assertThat(ipcp.commandsReceived()).contains("Esc03*10*2*62DRSS2=0%0A");
  }

  @Test
  void noFreeConnectionOnTheIpcpFailsTheOpenAsBusyNamingE26() throws Exception {
    startIpcp(ExtronSimulator.builder().adminPassword(PASSWORD).maxConnections(1));
    PowerDevice first = runtime.open(uri(""));
    assertThat(get(first.refresh()).outlets()).hasSize(8);
    assertThatThrownBy(() -> runtime.open(uri("&timeout=3s")))
        .isInstanceOf(DeviceBusyException.class)
        .hasMessageContaining("E26 (maximum connections exceeded)");
    assertThat(get(first.refresh()).outlets()).hasSize(8);
  }
}

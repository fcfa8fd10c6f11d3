package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web form of the tunnel: {@code isotek:extron+http://ipcp:80/3}. */
class ExtronHttpTunnelIT {
  @TempDir Path dir;
  private IsoTekSimulator isotek;
  private ExtronSimulator ipcp;
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
            .adminPassword("w3b-pw")
            .httpPort(0)
            .serialDevice(3, isotek.port())
            .build()
            .start();
    runtime = PowerRuntime.builder().build();
  }

  @AfterEach
  void stop() {
    runtime.close();
    ipcp.close();
    isotek.close();
  }

  private String uri(String password) throws Exception {
    Path secret = Files.writeString(Files.createTempFile(dir, "secret", ".txt"), password);
    return "isotek:extron+http://127.0.0.1:" + ipcp.httpPort() + "/3?password=file:" + secret;
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void statusAndSwitchingOverTheWebForm() throws Exception {
    PowerDevice pdu = runtime.open(uri("w3b-pw"));
    assertThat(get(pdu.refresh()).outlets()).hasSize(8);
    assertThat(get(pdu.outlet(2).switchOff()).state()).isEqualTo(OutletState.OFF);
    assertThat(isotek.outletState(2)).isFalse();
    assertThat(ipcp.commandsReceived()).contains("web W03%2A10%2A2%2A62DRS|S2%3D0%0A");
  }

  @Test
  void errorCodesInTheBodyFailTheCommand() throws Exception {
    PowerDevice pdu = runtime.open(uri("w3b-pw"));
    ipcp.failNextSendData("E13");
    assertThatThrownBy(() -> get(pdu.outlet(4).switchOff()))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(DeviceRejectedException.class)
        .hasMessageContaining("E13 (invalid value)");
  }

  @Test
  void aWrongPasswordIsLoginDenied() throws Exception {
    String uri = uri("wrong-one") + "&ready-timeout=2s";
    assertThatThrownBy(() -> runtime.open(uri))
        .isInstanceOf(PowerDeviceException.class)
        .satisfies(
            e -> {
              StringBuilder all = new StringBuilder();
              for (Throwable t = e; t != null; t = t.getCause()) {
                all.append(t.getMessage()).append('\n');
              }
              assertThat(all.toString()).contains("login denied").doesNotContain("wrong-one");
            });
  }
}

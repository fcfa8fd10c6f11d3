package io.pdu4j.it;

import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain with a real serial line in it: the IsoTek driver, the {@code extron} tunnel over
 * Telnet, the IPCP simulator whose COM3 is one end of a socat pseudo-terminal pair, and the IsoTek
 * simulator in serial mode on the other end, as a PDU wired to an IPCP's COM port is.
 *
 * <p>Needs socat; skipped without it, except under CI ({@code CI=true}), where it fails.
 */
class ExtronSerialIT {
  private static final String PASSWORD = "serial-Secret-3";

  @TempDir Path dir;
  private SocatPair pair;
  private IsoTekSimulator pdu;
  private ExtronSimulator ipcp;
  private PowerRuntime runtime;

  @BeforeEach
  void start() throws Exception {
    SocatPair.assumeSocat();
    pair = SocatPair.start(dir, dir.resolve("com3"), dir.resolve("pdu"));
    pdu =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .loadWatts(4, 60)
            .serialDevice(pair.b())
            .build()
            .start();
    ipcp =
        ExtronSimulator.builder().adminPassword(PASSWORD).serialDevice(3, pair.a()).build().start();
    runtime = PowerRuntime.builder().build();
  }

  @AfterEach
  void stop() throws Exception {
    if (runtime != null) {
      runtime.close();
    }
    if (ipcp != null) {
      ipcp.close();
    }
    if (pdu != null) {
      pdu.close();
    }
    if (pair != null) {
      pair.close();
    }
  }

  @Test
  void anIsoTekOnTheIpcpsSerialPortIsReadAndSwitchedThroughTheTunnel() throws Exception {
    Path secret = Files.writeString(dir.resolve("ipcp.pw"), PASSWORD);
    PowerDevice device =
        runtime.open("isotek:extron://127.0.0.1:" + ipcp.port() + "/3?password=file:" + secret);
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CONNECTED);

    DeviceStatus status = get(device.refresh());
    assertThat(status.outlets()).hasSize(8);
    assertThat(status.outlet(4).orElseThrow().power()).hasValue(60.0);
    assertThat(status.outlet(4).orElseThrow().voltage()).hasValue(230.0);

    OutletStatus off = get(device.outlet(4).switchOff());
    assertThat(off.state()).isEqualTo(OutletState.OFF);
    assertThat(pdu.outletState(4))
        .as("the PDU itself, at the far end of the serial line")
        .isFalse();
    assertThat(pdu.commandsReceived()).contains("S4=0");
    assertThat(get(device.outlet(4).switchOn()).state()).isEqualTo(OutletState.ON);
    assertThat(pdu.outletState(4)).isTrue();
    // every exchange went through the IPCP: send-data-strings to COM3 ending at the > prompt
    assertThat(ipcp.commandsReceived()).anyMatch(c -> c.startsWith("Esc03*") && c.contains("62D"));
  }
}

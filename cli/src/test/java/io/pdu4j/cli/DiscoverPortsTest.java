package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** {@code discover}'s ports are per driver, and a port it cannot listen on is a failure. */
class DiscoverPortsTest {

  private static int freeUdpPort() throws Exception {
    try (DatagramSocket s = new DatagramSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aBarePortGoesToTheIsoTekRequestOnlyAndFindsTheUnitEveryTime() throws Exception {
    try (IsoTekSimulator sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .udpDiscoveryPort(0)
            .serialNumber("DISC-PORTS")
            .build()
            .start()) {
      String port = Integer.toString(sim.udpPort().getAsInt());
      String enistic = "enistic=" + freeUdpPort();
      for (int run = 1; run <= 10; run++) {
        // the bare port is IsoTek's only: Enistic listens on its own, named here so that nothing
        // else on this host (a pdu4j listening on 53005) can make the run fail
        CliTest.Result r =
            CliTest.run(
                "discover",
                "--broadcast",
                "127.0.0.1",
                "--port",
                port,
                "--port",
                enistic,
                "--timeout",
                "300ms");
        assertThat(r.code()).as("run %d: %s", run, r.err()).isZero();
        assertThat(r.err()).as("run %d", run).isEmpty();
        assertThat(r.out())
            .as("run %d", run)
            .contains("isotek:tcp://127.0.0.1:" + sim.port())
            .contains("DISC-PORTS");
      }
      CliTest.Result named =
          CliTest.run(
              "discover",
              "--broadcast",
              "127.0.0.1",
              "--port",
              "isotek=" + port + "," + enistic,
              "--timeout",
              "300ms");
      assertThat(named.code()).as(named.err()).isZero();
      assertThat(named.out()).contains("DISC-PORTS");
    }
  }

  @Test
  void aPortInUseIsAClearFailureWithANonZeroExitAndTheOthersStillPrint() throws Exception {
    try (IsoTekSimulator sim =
            IsoTekSimulator.builder()
                .outlets(8)
                .udpDiscoveryPort(0)
                .serialNumber("DISC-BUSY")
                .build()
                .start();
        DatagramSocket taken = new DatagramSocket(new InetSocketAddress(0))) {
      int busy = taken.getLocalPort();
      CliTest.Result only =
          CliTest.run(
              "discover",
              "--driver",
              "enistic",
              "--port",
              Integer.toString(busy),
              "--timeout",
              "300ms");
      assertThat(only.code()).isEqualTo(ExitCodes.UNREACHABLE);
      assertThat(only.err())
          .contains("UDP port " + busy)
          .contains("in use")
          .doesNotContain("\tat ");
      CliTest.Result both =
          CliTest.run(
              "discover",
              "--broadcast",
              "127.0.0.1",
              "--port",
              "isotek=" + sim.udpPort().getAsInt(),
              "--port",
              "enistic=" + busy,
              "--timeout",
              "300ms");
      assertThat(both.code()).as(both.err()).isEqualTo(ExitCodes.UNREACHABLE);
      assertThat(both.out()).contains("DISC-BUSY");
      assertThat(both.err()).contains("enistic discovery failed").contains("UDP port " + busy);
    }
  }

  @Test
  void portsThatMakeAListenerTakeTheAnswersOrAreMalformedAreUsageErrors() {
    CliTest.Result same =
        CliTest.run("discover", "--port", "isotek=5010", "--port", "enistic=5010");
    assertThat(same.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(same.err()).contains("enistic would listen on port 5010");
    assertThat(CliTest.run("discover", "--port", "nope=5").err())
        .contains("no driver named 'nope'");
    assertThat(CliTest.run("discover", "--port", "isotek=x").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(CliTest.run("discover", "--port", "70000").code()).isEqualTo(ExitCodes.USAGE);
    assertThat(CliTest.run("discover", "--port", "5", "--port", "6").code())
        .isEqualTo(ExitCodes.USAGE);
  }
}

package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.sim.enistic.EnisticSimulator;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged {@code pdu4j.jar}, as a separate process, against the Enistic simulator. */
class EnisticCliIT {
  private static final String CONTROLLER = "004A3BB5B04";
  private EnisticSimulator sim;
  private String uri;

  @BeforeEach
  void start() throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    sim =
        EnisticSimulator.builder()
            .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .rate(10)
            .sockets(3)
            .meters(1)
            .channels(2)
            .lossPercent(10)
            .build()
            .start();
    uri =
        "enistic:udp://127.0.0.1:"
            + port
            + "/"
            + CONTROLLER
            + "?send=127.0.0.1:"
            + sim.controlPort();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void statusJsonListsSocketsAndMeterChannelsWithTheirIds() throws Exception {
    CliIT.Run r = CliIT.pdu4j("status", uri, "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("device").path("driver").asText()).isEqualTo("enistic");
    JsonNode outlets = json.path("outlets");
    assertThat(outlets).hasSize(5);
    assertThat(outlets.findValuesAsText("id"))
        .containsAll(sim.socketSerials(CONTROLLER))
        .contains(sim.meterSerials(CONTROLLER).get(0) + "/2");
  }

  @Test
  void offBySerialIsConfirmed() throws Exception {
    String socket = sim.socketSerials(CONTROLLER).get(2);
    CliIT.Run r = CliIT.pdu4j("off", uri, socket);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains(socket).contains("OFF");
    assertThat(sim.socketOn(socket)).contains(false);
  }

  /** Runs the command while 500 made-up sockets arrive every 20 ms. */
  private CliIT.Run flooded(String... args) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Thread flooder =
        new Thread(
            () -> {
              for (long next = 0; !stop.get(); next += 500) {
                sim.sendUnknownSerials(CONTROLLER, next, 500);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
              }
            },
            "flooder");
    flooder.start();
    try {
      return CliIT.pdu4j(args);
    } finally {
      stop.set(true);
      flooder.join(5000);
    }
  }

  @Test
  void statusAndWatchOfAControllerFloodedWithUnknownSocketsStopAtMaxOutletsAndWarnOnce()
      throws Exception {
    CliIT.Run status = flooded("status", uri, "--json");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(new ObjectMapper().readTree(status.out()).path("outlets"))
        .as("the default max-outlets")
        .hasSize(256);
    assertThat(status.err().lines().filter(l -> l.contains("max-outlets=256")).count())
        .as("one WARN for the burst: " + status.err())
        .isEqualTo(1);

    CliIT.Run watch = flooded("watch", uri, "--json", "--for", "3s");
    assertThat(watch.exit()).as(watch.err()).isZero();
    assertThat(watch.out().lines().filter(l -> l.contains("\"outlet-added\"")).count())
        .isLessThanOrEqualTo(256);
    assertThat(watch.err().lines().filter(l -> l.contains("max-outlets=256")).count()).isEqualTo(1);
  }
}

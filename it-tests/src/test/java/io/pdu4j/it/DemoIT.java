package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pdu4j demo --once} from the packaged jar, as {@code ./pdu4j demo --once} runs it: all
 * three kinds of device served through one runtime, with live metrics.
 */
class DemoIT {

  @Test
  void theTourDrivesAllThreeDevicesAndShowsTheirLiveMetrics() throws Exception {
    CliIT.Run r = CliIT.pdu4j("demo", "--once");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    String out = r.out();
    assertThat(out)
        .contains("Every step succeeded")
        .doesNotContain("FAIL")
        .containsPattern("ok +rack connected: isotek:tcp://127\\.0\\.0\\.1:\\d+")
        .containsPattern(
            "ok +office connected: enistic:udp://127\\.0\\.0\\.1:\\d+/004A3BB5B04\\?send=127\\.0\\.0"
                + "\\.1:\\d+")
        .containsPattern(
            "ok +av-rack connected: isotek:extron://127\\.0\\.0\\.1:\\d+/3\\?password=file:")
        .containsPattern("ok +pdu4j off office 0021ED[0-9A-F]{10}")
        .containsPattern("ok +pdu4j on av-rack 3")
        // the dashboard's URL, and a switch through the control API with the server's answer
        .containsPattern("(?m)^ +dashboard at http://127\\.0\\.0\\.1:\\d+/$")
        .containsPattern("ok +POST http://127\\.0\\.0\\.1:\\d+/api/v1/devices/rack/outlets/3/off")
        .containsPattern(
            "answer: \\{\"device\":\"rack\",\"action\":\"off\",\"outlet\":\\{\"number\":3,"
                + "[^}]*\"state\":\"OFF\"")
        .containsPattern("the simulator's own outlet 3 is OFF")
        .containsPattern("ok +POST http://127\\.0\\.0\\.1:\\d+/api/v1/devices/rack/outlets/3/on")
        .containsPattern("the simulator's own outlet 3 is ON");
    for (String device : new String[] {"rack", "office", "av-rack"}) {
      assertThat(out)
          .as("metrics of %s", device)
          .containsPattern(
              "(?m)^ +pdu_outlet_power_watts\\{device=\"" + device + "\",outlet=\"\\d+\"} [0-9.]+$")
          .containsPattern("(?m)^ +pdu_device_connected\\{device=\"" + device + "\"} 1\\.0$")
          .containsPattern(
              "(?m)^ +pdu_commands_seconds_count\\{command=\"switch_off\",device=\""
                  + device
                  + "\",outcome=\"ok\"} 1$");
    }
    assertThat(out).contains("status UP: rack CONNECTED, office CONNECTED, av-rack CONNECTED");

    Matcher secret = Pattern.compile("password=file:(\\S+)\"").matcher(out);
    assertThat(secret.find()).as("the password file is named in devices.yaml").isTrue();
    assertThat(Path.of(secret.group(1))).as("the password file, after the demo").doesNotExist();
    assertThat(out.replace("password=file:", "")).doesNotContain("password=");
  }

  @Test
  void metricsArePublishedOnTheChosenPort() throws Exception {
    int port = Ports.unused();
    CliIT.Run r = CliIT.pdu4j("demo", "--once", "--metrics-port", Integer.toString(port));
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out())
        .contains("ok   GET http://127.0.0.1:" + port + "/metrics")
        .contains("dashboard at http://127.0.0.1:" + port + "/");
  }

  @Test
  void withMqttTheServeAlsoBridgesToTheBroker(@TempDir Path dir) throws Exception {
    try (Mosquitto broker = Mosquitto.start(dir);
        MqttProbe probe = MqttProbe.connect(broker.port())) {
      CliIT.Run r = CliIT.pdu4j("demo", "--once", "--mqtt", broker.url());
      assertThat(r.exit()).as(r.out() + r.err()).isZero();
      assertThat(r.out())
          .contains("Every step succeeded")
          .contains("mqtt:")
          .contains("mosquitto_sub -h 127.0.0.1 -p " + broker.port() + " -v -t 'pdu4j/#'")
          .contains("pdu4j --mqtt " + broker.url() + " status rack")
          .contains("pdu4j --mqtt " + broker.url() + " off rack 3");
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(probe.all())
                    .anySatisfy(
                        m -> {
                          assertThat(m.topic()).isEqualTo("pdu4j/node/demo/status");
                          assertThat(m.payload()).isEqualTo("online");
                        });
                assertThat(probe.last("pdu4j/rack/status")).isPresent();
                assertThat(probe.last("pdu4j/office/availability")).isPresent();
              });
    }
    CliIT.Run bad = CliIT.pdu4j("demo", "--once", "--mqtt", "http://127.0.0.1:1883");
    assertThat(bad.exit()).as(bad.out() + bad.err()).isEqualTo(2);
    assertThat(bad.err()).contains("tcp://");
  }
}

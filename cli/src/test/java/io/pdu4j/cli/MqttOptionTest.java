package io.pdu4j.cli;

import static io.pdu4j.cli.ServerOptionTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.cli.ServerOptionTest.Result;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --mqtt}'s argument errors, each refused before anything connects to the broker, and the
 * login that is never printed. Against a real broker: it-tests' MqttShardIT.
 */
class MqttOptionTest {

  private static void assertNothingConnects(ServerSocket s) throws Exception {
    s.setSoTimeout(200);
    try (var accepted = s.accept()) {
      throw new AssertionError("something connected to the broker: " + accepted);
    } catch (SocketTimeoutException expected) {
      // nothing was sent
    }
  }

  @Test
  void aCommandThatCannotGoThroughTheBrokerSaysSo() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String url = "tcp://127.0.0.1:" + s.getLocalPort();
      for (String[] args :
          List.of(
              new String[] {"--mqtt", url, "watch", "rack"},
              new String[] {"--mqtt", url, "clock", "rack"},
              new String[] {"outlets", "--mqtt", url, "rack"})) {
        Result r = run(Map.of(), args);
        assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("--mqtt works with cycle, demo, off, on, status, not with");
      }
      Result prefix = run(Map.of(), "--prefix", "site", "watch", "rack");
      assertThat(prefix.code()).isEqualTo(2);
      assertThat(prefix.err())
          .contains("--prefix works with cycle, off, on, status, not with 'watch'");
      Result both =
          run(Map.of(), "--mqtt", url, "--server", "http://127.0.0.1:1", "status", "rack");
      assertThat(both.code()).isEqualTo(2);
      assertThat(both.err()).contains("--server or --mqtt, not both");
      assertNothingConnects(s);
    }
  }

  @Test
  void badBrokersPrefixesAndOutletsAreRefusedBeforeConnecting() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String url = "tcp://127.0.0.1:" + s.getLocalPort();
      Result env = run(Map.of("PDU4J_MQTT", "http://127.0.0.1:1883"), "status", "rack");
      assertThat(env.code()).isEqualTo(2);
      assertThat(env.err()).contains("tcp://");
      Result user = run(Map.of(), "--mqtt", "tcp://ops:hunter2@127.0.0.1:1883", "status", "rack");
      assertThat(user.code()).isEqualTo(2);
      assertThat(user.err()).doesNotContain("hunter2");
      Result prefix = run(Map.of(), "--mqtt", url, "--prefix", "a/#", "status", "rack");
      assertThat(prefix.code()).isEqualTo(2);
      assertThat(prefix.err()).contains("--prefix");
      Result outlet = run(Map.of("PDU4J_MQTT", url), "on", "rack", "0");
      assertThat(outlet.code()).isEqualTo(2);
      assertNothingConnects(s);
    }
  }

  @Test
  void aBrokerThatNeverAnswersIsUnreachableAndThePasswordIsNotPrinted() throws Exception {
    // a socket that accepts (its backlog) but never speaks MQTT
    try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Map<String, String> env =
          Map.of(
              "PDU4J_MQTT", "tcp://127.0.0.1:" + s.getLocalPort(),
              "PDU4J_MQTT_USERNAME", "ops",
              "PDU4J_MQTT_PASSWORD", "hunter2-never-shown");
      for (String[] args :
          List.of(
              new String[] {"status", "rack", "--timeout", "500ms"},
              new String[] {"off", "rack", "1", "--timeout", "500ms", "--json"})) {
        Result r = run(env, args);
        assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(4);
        assertThat(r.err()).contains("cannot reach the MQTT broker tcp://127.0.0.1:");
        assertThat(r.out() + r.err()).doesNotContain("hunter2");
      }
    }
  }

  @Test
  void onlyTheCommandsThatGoThroughTheBrokerShowTheOptionsInTheirHelp() {
    for (String command : List.of("status", "on", "off", "cycle")) {
      assertThat(run(Map.of(), command, "--help").out())
          .as(command)
          .contains("--mqtt=URL")
          .contains("--prefix=TOPIC");
    }
    assertThat(run(Map.of(), "demo", "--help").out())
        .contains("--mqtt=URL")
        .doesNotContain("--prefix=");
    for (String command : List.of("outlets", "watch", "clock", "serve", "discover")) {
      assertThat(run(Map.of(), command, "--help").out()).as(command).doesNotContain("--mqtt=");
    }
    assertThat(run(Map.of(), "--help").out())
        .contains("--mqtt")
        .contains("PDU4J_MQTT_PASSWORD")
        .contains("PDU4J_MQTT_TRUSTSTORE");
  }

  @Test
  void trustStoreSettingsThatCannotWorkAreRefusedBeforeConnecting() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String url = "tcp://127.0.0.1:" + s.getLocalPort();
      Result plain =
          run(Map.of("PDU4J_MQTT_TRUSTSTORE", "/nonexistent/ca.p12"), "--mqtt", url, "status", "r");
      assertThat(plain.code()).as(plain.err()).isEqualTo(2);
      assertThat(plain.err()).contains("a trust store needs an ssl:// broker url");
      Result alone =
          run(
              Map.of("PDU4J_MQTT_TRUSTSTORE_PASSWORD", "s3cret-store"),
              "--mqtt",
              url,
              "on",
              "r",
              "1");
      assertThat(alone.code()).as(alone.err()).isEqualTo(2);
      assertThat(alone.err())
          .contains("PDU4J_MQTT_TRUSTSTORE_PASSWORD is set without PDU4J_MQTT_TRUSTSTORE");
      Result missing =
          run(
              Map.of(
                  "PDU4J_MQTT_TRUSTSTORE",
                  "/nonexistent/ca.p12",
                  "PDU4J_MQTT_TRUSTSTORE_PASSWORD",
                  "s3cret-store"),
              "--mqtt",
              "ssl://127.0.0.1:" + s.getLocalPort(),
              "cycle",
              "r",
              "1");
      assertThat(missing.code()).as(missing.err()).isEqualTo(2);
      assertThat(missing.err()).contains("cannot read /nonexistent/ca.p12");
      for (Result r : List.of(plain, alone, missing)) {
        assertThat(r.out() + r.err()).doesNotContain("s3cret-store");
      }
      assertNothingConnects(s);
    }
  }
}

package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.mqtt.MqttBridge;
import io.pdu4j.mqtt.MqttRemote;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.config.MqttConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.spi.SecretReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code ssl://} Mosquitto whose certificate is signed by a CA made for the test (openssl and
 * keytool): the bridge and {@code pdu4j --mqtt} trust it through their trust store options, the
 * JVM's own trust store does not, and the trust store's password is never printed.
 */
class MqttTlsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String STORE_PASSWORD = "trust-Pw-7c41e9";

  @TempDir Path dir;

  private void run(String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
  }

  /** A CA, a broker certificate for 127.0.0.1 signed by it, and a PKCS#12 trust store of the CA. */
  private Path certificates() throws Exception {
    run(
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=pdu4j test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt");
    run(
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr");
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run(
        "openssl",
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.crt");
    run(
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-file",
        "ca.crt",
        "-keystore",
        "trust.p12",
        "-storetype",
        "PKCS12",
        "-storepass",
        STORE_PASSWORD);
    return dir.resolve("trust.p12");
  }

  @Test
  void theBridgeAndTheCliTrustTheBrokerThroughTheirTrustStore() throws Exception {
    Path trust = certificates();
    Path password = Files.writeString(dir.resolve("trust-password"), STORE_PASSWORD);
    List<AutoCloseable> open = new ArrayList<>();
    try (Mosquitto broker =
            Mosquitto.startTls(dir, dir.resolve("server.crt"), dir.resolve("server.key"));
        IsoTekSimulator sim = IsoTekSimulator.builder().outlets(8).jitter(false).build().start();
        PowerRuntime runtime =
            PowerRuntime.builder().meterRegistry(new SimpleMeterRegistry()).build()) {
      assertThat(broker.url()).startsWith("ssl://");
      MqttConfig config =
          new MqttConfig(
              MqttConfig.url(broker.url()),
              Optional.empty(),
              Optional.empty(),
              "pdu4j",
              "tls-node",
              false,
              Optional.of(trust),
              Optional.of("file:" + password));
      MqttBridge bridge =
          MqttBridge.builder()
              .config(config)
              .devices(
                  List.of(
                      runtime.supervise(
                          new DeviceConfig(
                              "rack-a",
                              "isotek:tcp://127.0.0.1:" + sim.port(),
                              Optional.of(Duration.ofSeconds(2)),
                              Optional.empty()))))
              .start();
      open.add(bridge);
      await().atMost(WAIT).until(bridge::connected);

      // the Java client, with the same trust store
      MqttRemote.TrustStore store =
          new MqttRemote.TrustStore(
              trust,
              Optional.of(SecretReference.parse("trust store password", "file:" + password)));
      try (MqttRemote remote =
          MqttRemote.connect(
              broker.url(),
              Optional.empty(),
              Optional.empty(),
              Optional.of(store),
              "pdu4j",
              Duration.ofSeconds(5))) {
        await()
            .atMost(WAIT)
            .untilAsserted(
                () -> {
                  MqttRemote.Status s = remote.status("rack-a");
                  assertThat(s.availability()).hasValue("online");
                  assertThat(s.node()).hasValue("tls-node");
                  assertThat(s.json()).contains("\"outlets\"");
                });
      }

      // the CLI, its trust store and password from the environment
      Map<String, String> env =
          Map.of(
              "PDU4J_MQTT_TRUSTSTORE",
              trust.toString(),
              "PDU4J_MQTT_TRUSTSTORE_PASSWORD",
              STORE_PASSWORD);
      CliIT.Run ok = CliIT.pdu4j(env, "--mqtt", broker.url(), "status", "rack-a", "--json");
      assertThat(ok.exit()).as(ok.err()).isZero();
      assertThat(ok.out()).contains("\"outlets\"");
      CliIT.Run on = CliIT.pdu4j(env, "--mqtt", broker.url(), "off", "rack-a", "3");
      assertThat(on.exit()).as(on.err()).isZero();
      assertThat(sim.outletState(3)).isFalse();

      // without it, the JVM's trust store does not know the test's CA
      CliIT.Run untrusted =
          CliIT.pdu4j("--mqtt", broker.url(), "status", "rack-a", "--timeout", "3s");
      assertThat(untrusted.exit()).as(untrusted.err()).isEqualTo(4);
      assertThat(untrusted.err()).contains("cannot reach the MQTT broker");

      // a wrong password names the file, never the password
      String wrongPassword = "not-the-" + STORE_PASSWORD;
      CliIT.Run wrong =
          CliIT.pdu4j(
              Map.of(
                  "PDU4J_MQTT_TRUSTSTORE",
                  trust.toString(),
                  "PDU4J_MQTT_TRUSTSTORE_PASSWORD",
                  wrongPassword),
              "--mqtt",
              broker.url(),
              "status",
              "rack-a");
      assertThat(wrong.exit()).as(wrong.err()).isEqualTo(2);
      assertThat(wrong.err()).contains(trust.toString());
      CliIT.Run alone =
          CliIT.pdu4j(
              Map.of("PDU4J_MQTT_TRUSTSTORE_PASSWORD", STORE_PASSWORD),
              "--mqtt",
              broker.url(),
              "status",
              "rack-a");
      assertThat(alone.exit()).as(alone.err()).isEqualTo(2);
      assertThat(alone.err()).contains("PDU4J_MQTT_TRUSTSTORE_PASSWORD is set without");
      for (CliIT.Run r : List.of(ok, on, untrusted, wrong, alone)) {
        assertThat(r.out() + r.err()).doesNotContain(STORE_PASSWORD);
      }
      assertThat(broker.log()).doesNotContain(STORE_PASSWORD);
    } finally {
      for (AutoCloseable c : open) {
        c.close();
      }
    }
  }
}

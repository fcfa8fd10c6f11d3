package io.pdu4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.mqtt.MqttRemote;
import io.pdu4j.runtime.json.DeviceJson;
import io.pdu4j.spi.SecretReference;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The devices of every {@code pdu4j serve} bridged to one MQTT broker ({@code --mqtt},
 * docs/mqtt.md): the status is the retained one its bridge published, and a switch is an MQTT 5
 * request answered by whichever node (shard) runs the device, once the device confirmed it. The
 * bridge's error kinds map as the server's do ({@link ServerClient#failure}).
 */
final class MqttGateway implements Gateway {
  /** The environment variable that names the broker when {@code --mqtt} is not given. */
  static final String MQTT_ENV = "PDU4J_MQTT";

  /** The environment variable that holds the broker's user name. */
  static final String USERNAME_ENV = "PDU4J_MQTT_USERNAME";

  /** The environment variable that holds the broker's password; never printed. */
  static final String PASSWORD_ENV = "PDU4J_MQTT_PASSWORD";

  /**
   * The environment variable that names the trust store an {@code ssl://} broker is checked against
   * (PKCS#12, or JKS for a {@code .jks} file) instead of the JVM's.
   */
  static final String TRUSTSTORE_ENV = "PDU4J_MQTT_TRUSTSTORE";

  /** The environment variable that holds the trust store's password; never printed. */
  static final String TRUSTSTORE_PASSWORD_ENV = "PDU4J_MQTT_TRUSTSTORE_PASSWORD";

  private final MqttRemote remote;
  private final Map<String, ServerClient.Status> seen = new HashMap<>();

  MqttGateway(MqttRemote remote) {
    this.remote = remote;
  }

  /**
   * The trust store {@link #TRUSTSTORE_ENV} names, its password by reference to {@link
   * #TRUSTSTORE_PASSWORD_ENV} (read when connecting); empty when the former is not set.
   *
   * @throws InvalidArgumentException when only the password is set
   */
  static Optional<MqttRemote.TrustStore> trustStore(Map<String, String> env) {
    Optional<String> file = Optional.ofNullable(env.get(TRUSTSTORE_ENV)).filter(f -> !f.isBlank());
    boolean password =
        Optional.ofNullable(env.get(TRUSTSTORE_PASSWORD_ENV)).filter(p -> !p.isEmpty()).isPresent();
    if (file.isEmpty()) {
      if (password) {
        throw new InvalidArgumentException(
            TRUSTSTORE_PASSWORD_ENV + " is set without " + TRUSTSTORE_ENV);
      }
      return Optional.empty();
    }
    Optional<SecretReference> ref =
        password
            ? Optional.of(
                SecretReference.parse(
                    TRUSTSTORE_PASSWORD_ENV, "env:" + TRUSTSTORE_PASSWORD_ENV, env::get))
            : Optional.empty();
    return Optional.of(new MqttRemote.TrustStore(Path.of(file.get()), ref));
  }

  @Override
  public ServerClient.Status status(String device) {
    MqttRemote.Status s = remote.status(device);
    ServerClient.Status status = ServerClient.parseStatus(read(s.json(), device));
    if (s.availability().isPresent() && !s.availability().get().equals("online")) {
      // the node that runs it has it not connected, or is gone (its last will)
      status =
          new ServerClient.Status(
              status.info(),
              status.status(),
              status.clock(),
              status.clockZone(),
              Optional.of(
                  s.availability().get().toUpperCase(Locale.ROOT)
                      + s.node().map(n -> " (node " + n + ")").orElse("")));
    }
    seen.put(device, status);
    return status;
  }

  @Override
  public OutletStatus switchOutlet(
      String device, String outlet, String action, Duration offTime, Duration offBound) {
    if (offTime != null) {
      throw new InvalidArgumentException(
          "with --mqtt, a cycle takes the bridge's off time ("
              + Durations.format(MqttRemote.CYCLE_OFF_TIME)
              + "): leave out --off-time");
    }
    // the bridge's cycle is off for its own time, whatever bound the caller allows
    Duration extra = action.equals("cycle") ? MqttRemote.CYCLE_OFF_TIME : Duration.ZERO;
    String answer = remote.command(device, outlet, action.toUpperCase(Locale.ROOT), extra);
    JsonNode n = read(answer, device);
    if (!n.path("ok").asBoolean(false)) {
      String error = n.path("error").asText("");
      throw ServerClient.exception(
          ServerClient.kindOf(error),
          n.path("message").asText("the bridge refused the command")
              + (error.isEmpty() ? "" : " (" + error + ")"));
    }
    OutletState state;
    try {
      state = OutletState.parse(n.path("state").asText(""));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("the bridge's answer has no state: " + e.getMessage());
    }
    // the answer names the outlet and its confirmed state; the rest is from the device's status
    ServerClient.Status known = seen.get(device);
    if (known != null) {
      for (OutletStatus o : known.status().outlets()) {
        if (Integer.toString(o.number()).equals(outlet) || o.id().equalsIgnoreCase(outlet)) {
          return new OutletStatus(
              o.number(), o.id(), o.name(), state, o.voltage(), o.power(), o.capabilities());
        }
      }
    }
    if (!outlet.matches("[0-9]{1,4}")) {
      throw new ProtocolException("the bridge answered for outlet '" + outlet + "' unknown here");
    }
    return new OutletStatus(
        Integer.parseInt(outlet),
        outlet,
        "",
        state,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        Set.of(OutletCapability.SWITCHABLE));
  }

  /** The bridge has no all-outlets command: the caller switches outlet by outlet. */
  @Override
  public ServerClient.Status switchAll(String device, OutletState state) {
    throw new UnsupportedCapabilityException("the MQTT bridge switches one outlet at a time");
  }

  @Override
  public void close() {
    remote.close();
  }

  private static JsonNode read(String json, String device) {
    try {
      JsonNode n = DeviceJson.mapper().readTree(json);
      if (n != null && n.isObject()) {
        return n;
      }
    } catch (IOException e) {
      // reported below
    }
    throw new ProtocolException(
        "what the broker holds for " + TerminalText.safe(device) + " is not a JSON object");
  }
}

package io.pdu4j.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfig;
import com.hivemq.client.mqtt.MqttClientTransportConfigBuilder;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LoginDeniedException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.mqtt.internal.TrustStores;
import io.pdu4j.runtime.config.MqttConfig;
import io.pdu4j.spi.SecretReference;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.TrustManagerFactory;

/**
 * A client of the bridges on one broker, as {@code pdu4j --mqtt} uses it: it reads a device's
 * retained status and switches its outlets through whichever {@code serve} (shard) owns it, with an
 * MQTT 5 request (response topic and correlation data) answered by that bridge once the device
 * confirmed the new state or failed (docs/mqtt.md).
 *
 * <p>Every call blocks the calling thread for at most the timeout given to {@link #connect}
 * (switching: three times it plus a second, as the device has its own command timeout). The
 * password is never logged nor put in a message. Not for concurrent use by several threads.
 */
public final class MqttRemote implements AutoCloseable {
  /** How long a bridge keeps an outlet off for a {@code CYCLE} (docs/mqtt.md). */
  public static final Duration CYCLE_OFF_TIME = Duration.ofSeconds(5);

  /** The longest payload read from the broker; a device's status is a few KiB. */
  public static final int MAX_PAYLOAD = 1 << 20;

  private static final Pattern NAME = Pattern.compile("[^/+#\\s\\x00-\\x1f]{1,128}");
  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+){0,7}");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Mqtt5AsyncClient client;
  private final String prefix;
  private final Duration timeout;
  private final String where;

  private MqttRemote(Mqtt5AsyncClient client, String prefix, Duration timeout, String where) {
    this.client = client;
    this.prefix = prefix;
    this.timeout = timeout;
    this.where = where;
  }

  /**
   * The certificates an {@code ssl://} broker is checked against instead of the JVM's: a PKCS#12
   * file, or JKS when its name ends in {@code .jks}.
   *
   * @param file the trust store
   * @param password where its password is ({@code env:NAME} or {@code file:PATH}), when it has one;
   *     read when connecting, never printed
   */
  public record TrustStore(Path file, Optional<SecretReference> password) {
    /** Both are required. */
    public TrustStore {
      Objects.requireNonNull(file, "file");
      Objects.requireNonNull(password, "password");
    }
  }

  /**
   * Connects to the broker at {@code url} ({@code tcp://HOST[:PORT]} or {@code ssl://HOST[:PORT]},
   * checked against the JVM's trust store).
   *
   * @see #connect(String, Optional, Optional, Optional, String, Duration)
   */
  public static MqttRemote connect(
      String url,
      Optional<String> username,
      Optional<String> password,
      String prefix,
      Duration timeout) {
    return connect(url, username, password, Optional.empty(), prefix, timeout);
  }

  /**
   * Connects to the broker at {@code url} ({@code tcp://HOST[:PORT]} or {@code ssl://HOST[:PORT]}).
   *
   * @param username the user to log in as, if any
   * @param password its password, if any; never printed
   * @param trustStore what an {@code ssl://} broker is checked against; empty: the JVM's trust
   *     store
   * @param prefix the bridges' topic root, e.g. {@code pdu4j}
   * @param timeout how long connecting, and each answer, may take
   * @throws InvalidArgumentException for a bad url or prefix, a password without a user, a trust
   *     store with a {@code tcp://} url, or a trust store (or its password) that cannot be read
   * @throws DeviceUnreachableException when the broker cannot be reached in time, or its
   *     certificate is not trusted
   * @throws LoginDeniedException when the broker refuses the login
   */
  public static MqttRemote connect(
      String url,
      Optional<String> username,
      Optional<String> password,
      Optional<TrustStore> trustStore,
      String prefix,
      Duration timeout) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(trustStore, "trustStore");
    Objects.requireNonNull(timeout, "timeout");
    URI u = MqttConfig.url(Objects.requireNonNull(url, "url"));
    if (prefix == null || prefix.length() > 128 || !PREFIX.matcher(prefix).matches()) {
      throw new InvalidArgumentException(
          "bad --prefix '"
              + prefix
              + "': topic levels of letters, digits, '.', '_' and '-' separated by '/'");
    }
    if (password.isPresent() && username.isEmpty()) {
      throw new InvalidArgumentException("an MQTT password needs a username");
    }
    boolean tls = "ssl".equalsIgnoreCase(u.getScheme());
    if (trustStore.isPresent() && !tls) {
      throw new InvalidArgumentException("a trust store needs an ssl:// broker url");
    }
    Optional<TrustManagerFactory> trust =
        trustStore.map(t -> TrustStores.load(t.file(), t.password(), "the MQTT trust store"));
    int port = u.getPort() > 0 ? u.getPort() : tls ? 8883 : 1883;
    String where = u.getScheme() + "://" + u.getHost() + ":" + port;
    // one transport config with the TLS in it: the client builder's own sslConfig() is ignored
    // once a transport config was applied
    MqttClientTransportConfigBuilder transport =
        MqttClientTransportConfig.builder()
            .serverHost(u.getHost())
            .serverPort(port)
            .socketConnectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .mqttConnectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (tls) {
      var ssl = MqttClientSslConfig.builder();
      if (trust.isPresent()) {
        ssl = ssl.trustManagerFactory(trust.get());
      }
      transport = transport.sslConfig(ssl.build());
    }
    Mqtt5ClientBuilder b =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("pdu4j-cli-" + UUID.randomUUID().toString().substring(0, 12))
            .transportConfig(transport.build());
    if (username.isPresent()) {
      var auth = b.simpleAuth().username(username.get());
      if (password.isPresent()) {
        auth = auth.password(password.get().getBytes(StandardCharsets.UTF_8));
      }
      b = auth.applySimpleAuth();
    }
    Mqtt5AsyncClient c = b.buildAsync();
    try {
      c.connectWith().cleanStart(true).send().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      c.disconnect();
      throw new DeviceUnreachableException(
          "cannot reach the MQTT broker " + where + " within " + Durations.format(timeout), e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Mqtt5ConnAckException ack) {
        Mqtt5ConnAckReasonCode code = ack.getMqttMessage().getReasonCode();
        if (code == Mqtt5ConnAckReasonCode.NOT_AUTHORIZED
            || code == Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD) {
          throw new LoginDeniedException(
              "the MQTT broker " + where + " refused the login (" + code + ")");
        }
        throw new DeviceUnreachableException(
            "the MQTT broker " + where + " refused the connection (" + code + ")", cause);
      }
      throw new DeviceUnreachableException(
          "cannot reach the MQTT broker " + where + ": " + reason(cause), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PowerDeviceException("interrupted while connecting to " + where, e);
    }
    return new MqttRemote(c, prefix, timeout, where);
  }

  /**
   * A device's status as its bridge last published it.
   *
   * @param json the retained {@code PREFIX/DEVICE/status}: the {@code status --json} object
   * @param availability {@code online} when the retained {@code PREFIX/DEVICE/availability} and the
   *     status of the node that lists the device are both {@code online}, else {@code offline}
   *     (docs/mqtt.md: a node that dies cannot clear its devices' availability); empty when the
   *     broker holds no availability for the device
   * @param node the node (serve) whose {@code PREFIX/node/NODE/devices} lists the device, if any
   */
  public record Status(String json, Optional<String> availability, Optional<String> node) {
    /** All are required. */
    public Status {
      Objects.requireNonNull(json, "json");
      Objects.requireNonNull(availability, "availability");
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * Reads the retained status of {@code device}, its availability and its node's.
   *
   * @throws DeviceTimeoutException "no node answers for DEVICE" when the broker holds none within
   *     the timeout (no bridge runs the device, or none has published it yet)
   */
  public Status status(String device) {
    String name = check(device, "device name");
    String statusTopic = prefix + "/" + name + "/status";
    String availabilityTopic = prefix + "/" + name + "/availability";
    String nodes = prefix + "/node/+/";
    CompletableFuture<String> status = new CompletableFuture<>();
    Map<String, String> topics = new ConcurrentHashMap<>();
    // one SUBSCRIBE, the status last: the broker sends the retained messages in that order, so the
    // nodes' and the availability are here when the status is
    Mqtt5Subscribe sub =
        Mqtt5Subscribe.builder()
            .addSubscription()
            .topicFilter(nodes + "status")
            .qos(MqttQos.AT_LEAST_ONCE)
            .applySubscription()
            .addSubscription()
            .topicFilter(nodes + "devices")
            .qos(MqttQos.AT_LEAST_ONCE)
            .applySubscription()
            .addSubscription()
            .topicFilter(availabilityTopic)
            .qos(MqttQos.AT_LEAST_ONCE)
            .applySubscription()
            .addSubscription()
            .topicFilter(statusTopic)
            .qos(MqttQos.AT_LEAST_ONCE)
            .applySubscription()
            .build();
    await(
        client.subscribe(
            sub,
            p -> {
              String topic = p.getTopic().toString();
              if (topic.equals(statusTopic)) {
                status.complete(text(p));
              } else {
                topics.put(topic, text(p));
              }
            }),
        "subscribing to " + statusTopic);
    try {
      String json =
          await(status, timeout, () -> noNode(name, "no retained " + statusTopic, timeout));
      Optional<String> node = nodeOf(name, topics);
      Optional<String> availability = Optional.ofNullable(topics.get(availabilityTopic));
      if (availability.isPresent()
          && node.isPresent()
          && !"online".equals(topics.get(prefix + "/node/" + node.get() + "/status"))) {
        availability = Optional.of("offline");
      }
      return new Status(json, availability, node);
    } finally {
      client
          .unsubscribeWith()
          .topicFilter(nodes + "status")
          .addTopicFilter(nodes + "devices")
          .addTopicFilter(availabilityTopic)
          .addTopicFilter(statusTopic)
          .send();
    }
  }

  /** The node whose retained device list has {@code device}. */
  private Optional<String> nodeOf(String device, Map<String, String> topics) {
    String head = prefix + "/node/";
    for (Map.Entry<String, String> e : topics.entrySet()) {
      String t = e.getKey();
      if (!t.startsWith(head) || !t.endsWith("/devices")) {
        continue;
      }
      try {
        JsonNode list = JSON.readTree(e.getValue()).path("devices");
        if (list.has(device)) {
          return Optional.of(t.substring(head.length(), t.length() - "/devices".length()));
        }
      } catch (IOException | RuntimeException ex) {
        // a list that cannot be read names no device
      }
    }
    return Optional.empty();
  }

  /**
   * Sends {@code payload} ({@code ON}, {@code OFF} or {@code CYCLE}) to {@code
   * PREFIX/DEVICE/outlet/OUTLET/set} as an MQTT 5 request and returns the bridge's JSON answer:
   * {@code ok} with the confirmed {@code state}, or {@code error} (a kind) and {@code message}.
   *
   * @param wait how long the answer may take beyond the device's own bounds (a cycle's off time)
   * @throws DeviceTimeoutException "no node answers for DEVICE" when no answer comes in time
   */
  public String command(String device, String outlet, String payload, Duration wait) {
    String name = check(device, "device name");
    String ref = check(outlet, "outlet");
    String reply = prefix + "/cli/" + UUID.randomUUID() + "/result";
    byte[] correlation = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer expected = ByteBuffer.wrap(correlation);
    CompletableFuture<String> answer = new CompletableFuture<>();
    await(
        client
            .subscribeWith()
            .topicFilter(reply)
            .qos(MqttQos.AT_LEAST_ONCE)
            .callback(
                p -> {
                  if (p.getCorrelationData().map(expected::equals).orElse(false)) {
                    answer.complete(text(p));
                  }
                })
            .send(),
        "subscribing to " + reply);
    try {
      String topic = prefix + "/" + name + "/outlet/" + ref + "/set";
      await(
          client
              .publishWith()
              .topic(topic)
              .qos(MqttQos.AT_LEAST_ONCE)
              .payload(payload.getBytes(StandardCharsets.UTF_8))
              .responseTopic(reply)
              .correlationData(correlation)
              .send(),
          "publishing to " + topic);
      Duration bound = timeout.multipliedBy(3).plusSeconds(1).plus(wait);
      return await(answer, bound, () -> noNode(name, "no answer to " + topic, bound));
    } finally {
      client.unsubscribeWith().topicFilter(reply).send();
    }
  }

  @Override
  public void close() {
    try {
      client.disconnect().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the broker went away: nothing is left to close
    }
  }

  private static PowerDeviceException noNode(String device, String detail, Duration after) {
    return new DeviceTimeoutException(
        "no node answers for "
            + device
            + ": "
            + detail
            + " within "
            + Durations.format(after)
            + " (is a 'pdu4j serve' with this device and --prefix connected to the broker?)");
  }

  private static String check(String text, String what) {
    if (text == null || !NAME.matcher(text).matches()) {
      throw new InvalidArgumentException(
          "bad " + what + " for MQTT: 1 to 128 characters without '/', '+', '#' or spaces");
    }
    return text;
  }

  private static String text(Mqtt5Publish p) {
    byte[] b = p.getPayloadAsBytes();
    if (b.length > MAX_PAYLOAD) {
      return "";
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  private <T> T await(CompletableFuture<T> f, String what) {
    return await(
        f,
        timeout,
        () ->
            new DeviceTimeoutException(
                "no answer from the MQTT broker "
                    + where
                    + " within "
                    + Durations.format(timeout)
                    + " while "
                    + what));
  }

  private <T> T await(
      CompletableFuture<T> f,
      Duration bound,
      java.util.function.Supplier<PowerDeviceException> onTimeout) {
    try {
      return f.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw onTimeout.get();
    } catch (ExecutionException e) {
      throw new ProtocolException(
          "the MQTT broker " + where + " failed a request: " + reason(e.getCause()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PowerDeviceException("interrupted while waiting for the MQTT broker " + where, e);
    }
  }

  private static String reason(Throwable t) {
    if (t == null) {
      return "unknown";
    }
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }
}

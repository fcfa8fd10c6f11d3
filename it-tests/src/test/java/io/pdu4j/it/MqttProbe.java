package io.pdu4j.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A plain MQTT 5 client for the tests: subscribes to {@code #}, remembers the last payload of every
 * topic and every message in order, and publishes commands.
 */
final class MqttProbe implements AutoCloseable {
  /** One message as received. */
  record Received(
      String topic, String payload, boolean retained, Optional<ByteBuffer> correlation) {}

  private final Mqtt5AsyncClient client;
  private final Map<String, String> last = new ConcurrentHashMap<>();
  private final List<Received> all = new ArrayList<>();

  private MqttProbe(Mqtt5AsyncClient client) {
    this.client = client;
  }

  static MqttProbe connect(int port) throws Exception {
    return connect(port, null, null);
  }

  /** A probe that logs in as {@code user} when given. */
  static MqttProbe connect(int port, String user, String password) throws Exception {
    var b =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("probe-" + System.nanoTime())
            .serverHost("127.0.0.1")
            .serverPort(port)
            .automaticReconnect()
            .initialDelay(100, TimeUnit.MILLISECONDS)
            .maxDelay(1, TimeUnit.SECONDS)
            .applyAutomaticReconnect();
    if (user != null) {
      b =
          b.simpleAuth()
              .username(user)
              .password(password.getBytes(StandardCharsets.UTF_8))
              .applySimpleAuth();
    }
    Mqtt5AsyncClient c = b.buildAsync();
    MqttProbe p = new MqttProbe(c);
    c.publishes(MqttGlobalPublishFilter.ALL, p::received);
    c.connectWith().cleanStart(true).send().get(10, TimeUnit.SECONDS);
    p.subscribe();
    return p;
  }

  void subscribe() throws Exception {
    client
        .subscribeWith()
        .topicFilter("#")
        .qos(MqttQos.AT_LEAST_ONCE)
        .send()
        .get(10, TimeUnit.SECONDS);
  }

  private void received(Mqtt5Publish m) {
    String payload =
        StandardCharsets.UTF_8.decode(m.getPayload().orElse(ByteBuffer.allocate(0))).toString();
    String topic = m.getTopic().toString();
    last.put(topic, payload);
    synchronized (all) {
      all.add(new Received(topic, payload, m.isRetain(), m.getCorrelationData()));
    }
  }

  /** The last payload on {@code topic}; empty before any. */
  Optional<String> last(String topic) {
    return Optional.ofNullable(last.get(topic));
  }

  /** Topics seen that start with {@code prefix}. */
  List<String> topics(String prefix) {
    return last.keySet().stream().filter(t -> t.startsWith(prefix)).sorted().toList();
  }

  /** Every message so far, in order. */
  List<Received> all() {
    synchronized (all) {
      return List.copyOf(all);
    }
  }

  /** Every payload so far, joined: for "never holds" checks. */
  String everything() {
    StringBuilder b = new StringBuilder();
    for (Received r : all()) {
      b.append(r.topic()).append(' ').append(r.payload()).append('\n');
    }
    return b.toString();
  }

  /** Forgets what was received (the broker's retained messages come again on resubscribe). */
  void forget() {
    last.clear();
    synchronized (all) {
      all.clear();
    }
  }

  void publish(String topic, String payload) throws Exception {
    client
        .publishWith()
        .topic(topic)
        .payload(payload.getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE)
        .send()
        .get(10, TimeUnit.SECONDS);
  }

  /** Publishes {@code payload} retained, as a bridge publishes its state. */
  void publishRetained(String topic, String payload) throws Exception {
    client
        .publishWith()
        .topic(topic)
        .payload(payload.getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE)
        .retain(true)
        .send()
        .get(10, TimeUnit.SECONDS);
  }

  /** An MQTT 5 request: with a response topic and correlation data. */
  void request(String topic, String payload, String responseTopic, byte[] correlation)
      throws Exception {
    client
        .publishWith()
        .topic(topic)
        .payload(payload.getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE)
        .responseTopic(responseTopic)
        .correlationData(correlation)
        .send()
        .get(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      client.disconnect().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // already gone
    }
  }
}

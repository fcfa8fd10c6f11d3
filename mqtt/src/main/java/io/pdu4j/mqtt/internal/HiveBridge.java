package io.pdu4j.mqtt.internal;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishBuilder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.mqtt.MqttBridge;
import io.pdu4j.mqtt.MqttCommand;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.MqttConfig;
import io.pdu4j.spi.SecretReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.net.ssl.TrustManagerFactory;

/**
 * The bridge on the HiveMQ MQTT client (MQTT 5): one connection with the node's last will, one
 * thread that publishes what the devices' threads queued, and the subscriptions: the commands, the
 * nodes' device lists and statuses ({@link PeerNodes} marks a dead node's devices offline) and the
 * devices' availability (this node's own set right when another client left them offline).
 *
 * <p>After every connect (the first and each automatic reconnect, with backoff from 0.5 s to 30 s)
 * the publishing thread subscribes, forgets what it queued before and publishes the whole retained
 * state again: the node's status, then every device's availability, outlets, status and discovery.
 * QoS 1 messages in flight are bounded ({@link #IN_FLIGHT}).
 */
public final class HiveBridge implements MqttBridge {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HiveBridge.class);

  /** Messages sent and not yet acknowledged at most. */
  static final int IN_FLIGHT = 64;

  /** How long closing waits for the last messages (offline states) to be acknowledged. */
  static final long CLOSE_MILLIS = 3000;

  /** What {@link MqttBridge.Builder} hands over. */
  public record Settings(
      MqttConfig config,
      Map<String, SupervisedDevice> devices,
      Set<String> configured,
      Map<String, GroupConfig> groups,
      MeterRegistry registry,
      Consumer<MqttCommand> audit,
      Consumer<String> log,
      Predicate<String> owns,
      int queue) {}

  private final Settings s;
  private final Topics topics;
  private final Outbox outbox;
  private final Mqtt5AsyncClient client;
  private final Semaphore inFlight = new Semaphore(IN_FLIGHT);
  private final AtomicBoolean connected = new AtomicBoolean();
  private final AtomicBoolean republish = new AtomicBoolean();
  private final Object wake = new Object();
  private final List<DeviceWatch> watches = new ArrayList<>();
  private final NodeDevices nodeDevices;
  private final Commands commands;
  private final PeerNodes peers;
  private final ScheduledExecutorService timer;
  private final Thread publisher;
  private final List<Meter> meters = new ArrayList<>();
  private volatile boolean closed;
  private volatile String lastProblem = "";

  private HiveBridge(Settings s, Optional<String> password, Optional<TrustManagerFactory> trust) {
    this.s = s;
    MqttConfig c = s.config();
    this.topics = new Topics(c.prefix(), c.node());
    this.outbox = new Outbox(s.queue());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "pdu4j-mqtt-timer");
              t.setDaemon(true);
              return t;
            });
    Mqtt5ClientBuilder b =
        MqttClient.builder()
            .useMqttVersion5()
            .identifier("pdu4j-" + c.node() + "-" + UUID.randomUUID().toString().substring(0, 8))
            .serverHost(c.host())
            .serverPort(c.port())
            .automaticReconnect()
            .initialDelay(500, TimeUnit.MILLISECONDS)
            .maxDelay(30, TimeUnit.SECONDS)
            .applyAutomaticReconnect()
            .addConnectedListener(ctx -> onConnected())
            .addDisconnectedListener(ctx -> onDisconnected(ctx.getCause()));
    if (c.tls()) {
      var ssl = MqttClientSslConfig.builder();
      if (trust.isPresent()) {
        ssl = ssl.trustManagerFactory(trust.get());
      }
      b = b.sslConfig(ssl.build());
    }
    if (c.username().isPresent()) {
      var auth = b.simpleAuth().username(c.username().get());
      if (password.isPresent()) {
        auth = auth.password(password.get().getBytes(StandardCharsets.UTF_8));
      }
      b = auth.applySimpleAuth();
    }
    this.client =
        b.willPublish()
            .topic(topics.nodeStatus())
            .payload("offline".getBytes(StandardCharsets.UTF_8))
            .qos(MqttQos.AT_LEAST_ONCE)
            .retain(true)
            .applyWillPublish()
            .buildAsync();
    this.nodeDevices = new NodeDevices(topics, s.configured(), s.devices().keySet(), outbox, timer);
    this.commands = new Commands(topics, s, outbox, timer);
    this.peers = new PeerNodes(topics, s.devices().keySet(), outbox::force);
    this.publisher = new Thread(this::run, "pdu4j-mqtt-publish");
    publisher.setDaemon(true);
  }

  /**
   * Reads the secrets, starts the bridge and returns; it connects in the background.
   *
   * @throws InvalidArgumentException when a secret or the trust store cannot be read
   */
  public static HiveBridge start(Settings s) {
    MqttConfig c = s.config();
    Optional<String> password =
        c.password().map(r -> SecretReference.parse("mqtt.password", r).resolve());
    Optional<TrustManagerFactory> trust = c.trustStore().map(f -> trust(c));
    HiveBridge b = new HiveBridge(s, password, trust);
    b.begin();
    return b;
  }

  private static TrustManagerFactory trust(MqttConfig c) {
    return TrustStores.load(
        c.trustStore().orElseThrow(),
        c.trustStorePassword().map(r -> SecretReference.parse("mqtt.truststore-password", r)),
        "mqtt.truststore");
  }

  private void begin() {
    MeterRegistry r = s.registry();
    meters.add(
        FunctionCounter.builder("pdu.mqtt.publish.dropped", outbox, Outbox::dropped)
            .description("MQTT messages dropped because the publish queue was full")
            .register(r));
    meters.add(
        Gauge.builder("pdu.mqtt.connected", connected, a -> a.get() ? 1 : 0)
            .description("1 while the MQTT bridge is connected to its broker, else 0")
            .register(r));
    meters.add(
        Gauge.builder("pdu.mqtt.publish.queued", outbox, Outbox::size)
            .description("MQTT messages waiting to be published")
            .register(r));
    client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, this::received);
    publisher.start();
    for (SupervisedDevice d : s.devices().values()) {
      DeviceWatch w = new DeviceWatch(d, topics, outbox, nodeDevices, s.registry(), s.config());
      watches.add(w);
      w.start();
    }
    connect();
  }

  private void connect() {
    client
        .connectWith()
        .cleanStart(true)
        .keepAlive(30)
        .send()
        .whenComplete(
            (ack, failure) -> {
              if (failure != null && !closed) {
                problem("cannot connect to " + where() + ": " + describe(failure) + "; retrying");
              }
            });
  }

  private String where() {
    return s.config().url().toString();
  }

  private static String describe(Throwable t) {
    Throwable c = t;
    while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }

  private void problem(String line) {
    if (!line.equals(lastProblem)) {
      lastProblem = line;
      s.log().accept("mqtt: " + line);
    }
  }

  private void onConnected() {
    lastProblem = "";
    s.log().accept("mqtt: connected to " + where() + " as node " + s.config().node());
    connected.set(true);
    republish.set(true);
    synchronized (wake) {
      wake.notifyAll();
    }
  }

  private void onDisconnected(Throwable cause) {
    boolean was = connected.getAndSet(false);
    if (closed) {
      return;
    }
    if (was) {
      s.log().accept("mqtt: lost the broker: " + describe(cause) + "; reconnecting");
    } else {
      problem("cannot connect to " + where() + ": " + describe(cause) + "; retrying");
    }
  }

  /** The publishing thread: after each connect the whole state, then what the devices queue. */
  private void run() {
    while (!closed) {
      try {
        if (!connected.get()) {
          synchronized (wake) {
            if (!connected.get() && !closed) {
              wake.wait(200);
            }
          }
          continue;
        }
        if (republish.getAndSet(false)) {
          republishAll();
          continue;
        }
        Message m = outbox.poll(200);
        if (m != null) {
          send(m);
        }
      } catch (InterruptedException e) {
        if (closed) {
          return;
        }
      } catch (RuntimeException e) {
        LOG.warn("MQTT publishing failed", e);
      }
    }
  }

  private void republishAll() throws InterruptedException {
    outbox.reset();
    try {
      client
          .subscribeWith()
          .addSubscription()
          .topicFilter(topics.outletCommands())
          .qos(MqttQos.AT_LEAST_ONCE)
          .applySubscription()
          .addSubscription()
          .topicFilter(topics.groupCommands())
          .qos(MqttQos.AT_LEAST_ONCE)
          .applySubscription()
          // the lists before the statuses: the broker sends the retained messages in this order,
          // so a dead node's devices are checked against every live node's list (PeerNodes)
          .addSubscription()
          .topicFilter(topics.nodeDeviceLists())
          .qos(MqttQos.AT_LEAST_ONCE)
          .noLocal(true)
          .applySubscription()
          .addSubscription()
          .topicFilter(topics.nodeStatuses())
          .qos(MqttQos.AT_LEAST_ONCE)
          .noLocal(true)
          .applySubscription()
          .addSubscription()
          .topicFilter(topics.availabilities())
          .qos(MqttQos.AT_LEAST_ONCE)
          .noLocal(true)
          .applySubscription()
          .send()
          .get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      problem("cannot subscribe to the command topics: " + describe(e));
      // the connection is likely gone; the next connect tries again
      republish.set(true);
      return;
    }
    // straight to the broker (bounded by the messages in flight), not through the queue: a
    // fleet's whole state may be larger than the queue
    Consumer<Message> sink =
        m -> {
          outbox.remember(m);
          try {
            send(m);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    sink.accept(Message.state(topics.nodeStatus(), "online"));
    for (DeviceWatch w : watches) {
      if (closed || !connected.get() || Thread.currentThread().isInterrupted()) {
        return;
      }
      w.publishAll(sink);
    }
    nodeDevices.publish(sink);
  }

  private void send(Message m) throws InterruptedException {
    while (!inFlight.tryAcquire(200, TimeUnit.MILLISECONDS)) {
      if (closed || !connected.get()) {
        return;
      }
    }
    CompletableFuture<?> f;
    try {
      Mqtt5PublishBuilder.Send.Complete<
              CompletableFuture<com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult>>
          p =
              client
                  .publishWith()
                  .topic(m.topic())
                  .payload(m.payload().getBytes(StandardCharsets.UTF_8))
                  .qos(m.reliable() ? MqttQos.AT_LEAST_ONCE : MqttQos.AT_MOST_ONCE)
                  .retain(m.retain());
      if (m.correlation().isPresent()) {
        p = p.correlationData(m.correlation().get().duplicate());
      }
      if (!m.retain() && m.payload().startsWith("{")) {
        p = p.contentType("application/json");
      }
      f = p.send();
    } catch (RuntimeException e) {
      inFlight.release();
      throw e;
    }
    f.orTimeout(30, TimeUnit.SECONDS).whenComplete((r, e) -> inFlight.release());
  }

  /**
   * A message on a subscribed topic: a command, a node's status or device list (this node's own
   * from a previous run), or a device's availability.
   */
  private void received(Mqtt5Publish p) {
    String topic = p.getTopic().toString();
    try {
      Optional<String> list = topics.nodeOf(topic, "devices");
      if (list.isPresent()) {
        String payload = text(p);
        if (topic.equals(topics.nodeDevices())) {
          nodeDevices.previous(payload);
        } else {
          peers.devices(list.get(), payload);
        }
        return;
      }
      Optional<String> node = topics.nodeOf(topic, "status");
      if (node.isPresent()) {
        peers.status(node.get(), text(p));
        return;
      }
      Optional<String> device = topics.availabilityOf(topic);
      if (device.isPresent()) {
        availability(device.get(), text(p));
        return;
      }
      commands.handle(p);
    } catch (RuntimeException e) {
      LOG.warn("MQTT message on {} not handled", topic, e);
    }
  }

  private static String text(Mqtt5Publish p) {
    if (p.getPayload().map(b -> b.remaining() > NodeDevices.MAX_PAYLOAD_CHARS).orElse(false)) {
      return "";
    }
    return StandardCharsets.UTF_8
        .decode(p.getPayload().orElse(java.nio.ByteBuffer.allocate(0)))
        .toString();
  }

  /**
   * What another client left on a device's availability topic: when this node's device is connected
   * and the topic says otherwise (a peer that marked it offline for a dead node, whose message
   * reached the broker after this node came back), it is published {@code online} again. Only
   * towards {@code online}: two nodes that both run a device never answer each other.
   */
  private void availability(String device, String payload) {
    SupervisedDevice d = s.devices().get(device);
    if (d == null || closed || payload.equals("online")) {
      return;
    }
    if (d.health().state() == ConnectionState.CONNECTED) {
      outbox.force(Message.state(topics.availability(device), "online"));
    }
  }

  @Override
  public boolean connected() {
    return connected.get();
  }

  @Override
  public long dropped() {
    return outbox.dropped();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    for (DeviceWatch w : watches) {
      w.close();
    }
    closed = true;
    synchronized (wake) {
      wake.notifyAll();
    }
    publisher.interrupt();
    try {
      publisher.join(CLOSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (connected.get()) {
      List<CompletableFuture<?>> last = new ArrayList<>();
      for (SupervisedDevice d : s.devices().values()) {
        last.add(publishNow(topics.availability(d.name()), "offline"));
      }
      last.add(publishNow(topics.nodeStatus(), "offline"));
      try {
        CompletableFuture.allOf(last.toArray(CompletableFuture[]::new))
            .get(CLOSE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.debug("MQTT offline states not all acknowledged", e);
      }
    }
    try {
      client.disconnect().get(CLOSE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.debug("MQTT disconnect", e);
    }
    timer.shutdownNow();
    meters.forEach(s.registry()::remove);
  }

  private CompletableFuture<?> publishNow(String topic, String payload) {
    return client
        .publishWith()
        .topic(topic)
        .payload(payload.getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE)
        .retain(true)
        .send();
  }
}

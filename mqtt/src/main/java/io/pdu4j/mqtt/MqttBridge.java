package io.pdu4j.mqtt;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pdu4j.api.DoNotImplement;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.mqtt.internal.HiveBridge;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.MqttConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Bridges supervised devices to an MQTT broker: publishes their availability, outlet states and
 * readings (retained), and Home Assistant discovery; switches outlets and groups on command. See
 * docs/mqtt.md for the topics and payloads.
 *
 * <p>{@link Builder#start()} returns at once; the bridge connects in the background and reconnects
 * with backoff (0.5 s doubling to 30 s) for as long as it runs, publishing the whole retained state
 * again after every connect. Publishing never blocks a device's thread: messages wait in a bounded
 * queue, and those that find it full are dropped and counted ({@code pdu.mqtt.publish.dropped}).
 * Safe to use from any thread.
 */
@DoNotImplement
public interface MqttBridge extends AutoCloseable {

  /** A builder; {@link Builder#start()} starts the bridge. */
  static Builder builder() {
    return new Builder();
  }

  /** Whether the bridge is connected to its broker now. */
  boolean connected();

  /** Messages dropped so far because the publish queue was full. */
  long dropped();

  /**
   * Publishes the node's status {@code offline}, disconnects (within a few seconds) and stops.
   * Idempotent.
   */
  @Override
  void close();

  /** Builds an {@link MqttBridge}. Not thread-safe. */
  final class Builder {
    /** Messages waiting to be published at most when none is given. */
    public static final int DEFAULT_QUEUE = 8192;

    private MqttConfig config;
    private final Map<String, SupervisedDevice> devices = new LinkedHashMap<>();
    private Set<String> configured = Set.of();
    private Map<String, GroupConfig> groups = Map.of();
    private MeterRegistry registry = new SimpleMeterRegistry();
    private Consumer<MqttCommand> audit = c -> {};
    private Consumer<String> log = l -> {};
    private Predicate<String> owns = d -> true;
    private int queue = DEFAULT_QUEUE;

    private Builder() {}

    /** The broker and topics (required). */
    public Builder config(MqttConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The devices to publish and take commands for, by {@link SupervisedDevice#name()}. */
    public Builder devices(List<SupervisedDevice> devices) {
      for (SupervisedDevice d : devices) {
        this.devices.put(d.name(), d);
      }
      return this;
    }

    /**
     * Every device name of the configuration, including those this bridge does not publish (other
     * shards'); a device a previous run published that is not among them has its discovery entries
     * and retained topics removed. Default: the devices given.
     */
    public Builder configured(Set<String> names) {
      this.configured = Set.copyOf(names);
      return this;
    }

    /**
     * Which device names this bridge answers commands for when no such device is given: the one
     * owner of a name answers "no such device", the others stay silent. Default: all.
     */
    public Builder owns(Predicate<String> owns) {
      this.owns = Objects.requireNonNull(owns, "owns");
      return this;
    }

    /** The groups {@code PREFIX/group/GROUP/set} switches. */
    public Builder groups(Map<String, GroupConfig> groups) {
      this.groups = Map.copyOf(groups);
      return this;
    }

    /**
     * Where the bridge registers its meters, and where it reads each outlet's energy ({@code
     * pdu.outlet.energy}, which the runtime registers in its own registry: give that one).
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Receives every command once it is done (an audit log); called on a device's thread. */
    public Builder audit(Consumer<MqttCommand> audit) {
      this.audit = Objects.requireNonNull(audit, "audit");
      return this;
    }

    /** Where connection changes and problems are logged, one line each. */
    public Builder log(Consumer<String> log) {
      this.log = Objects.requireNonNull(log, "log");
      return this;
    }

    /** Messages waiting to be published at most (default {@value #DEFAULT_QUEUE}). */
    public Builder queue(int capacity) {
      if (capacity < 16 || capacity > 1_000_000) {
        throw new InvalidArgumentException("queue must be 16..1000000, got " + capacity);
      }
      this.queue = capacity;
      return this;
    }

    /**
     * Resolves the password, starts connecting and returns.
     *
     * @throws InvalidArgumentException when the password or the trust store cannot be read (the
     *     message names the reference's variable or file, never the secret)
     */
    public MqttBridge start() {
      if (config == null) {
        throw new InvalidArgumentException("an MQTT configuration is required");
      }
      Set<String> names = configured.isEmpty() ? Set.copyOf(devices.keySet()) : configured;
      return HiveBridge.start(
          new HiveBridge.Settings(
              config, Map.copyOf(devices), names, groups, registry, audit, log, owns, queue));
    }
  }
}

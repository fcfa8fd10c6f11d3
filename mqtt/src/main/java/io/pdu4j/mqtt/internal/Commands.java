package io.pdu4j.mqtt.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.mqtt.MqttCommand;
import io.pdu4j.mqtt.MqttRemote;
import io.pdu4j.runtime.SupervisedDevice;
import io.pdu4j.runtime.config.GroupConfig;
import io.pdu4j.runtime.config.OutletRef;
import io.pdu4j.runtime.json.DeviceJson;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The commands that come over MQTT: {@code ON}, {@code OFF} or {@code CYCLE} on {@code
 * PREFIX/DEVICE/outlet/N/set} or {@code PREFIX/group/GROUP/set}. Each gets one JSON answer on its
 * {@code result} topic (and on the MQTT 5 response topic, with the correlation data, when the
 * request has one) and one audit record; the outlet's new state is published as the device
 * confirmed it. Nothing here blocks: commands complete on the devices' threads.
 */
final class Commands {
  /** How long a {@code CYCLE} keeps the outlet off. */
  static final Duration CYCLE_OFF_TIME = MqttRemote.CYCLE_OFF_TIME;

  /** A command not finished after this (plus a cycle's off time) is answered as timed out. */
  static final Duration COMMAND_BOUND = Duration.ofMinutes(2);

  /** The longest payload read as a command; longer ones are refused unread. */
  static final int MAX_PAYLOAD = 64;

  private final Topics topics;
  private final HiveBridge.Settings s;
  private final Outbox outbox;
  private final ScheduledExecutorService timer;

  Commands(Topics topics, HiveBridge.Settings s, Outbox outbox, ScheduledExecutorService timer) {
    this.topics = topics;
    this.s = s;
    this.outbox = outbox;
    this.timer = timer;
  }

  private record Request(
      String topic,
      Instant at,
      long startNanos,
      String action,
      Optional<String> responseTopic,
      Optional<ByteBuffer> correlation) {}

  /** Answers one message of a command topic. */
  void handle(Mqtt5Publish p) {
    String topic = p.getTopic().toString();
    Optional<Topics.Command> c = topics.command(topic);
    if (c.isEmpty()) {
      return;
    }
    byte[] bytes = p.getPayloadAsBytes();
    String payload =
        bytes.length > MAX_PAYLOAD
            ? "(" + bytes.length + " bytes)"
            : new String(bytes, StandardCharsets.UTF_8).strip();
    Request r =
        new Request(
            topic,
            Instant.now(),
            System.nanoTime(),
            action(payload),
            p.getResponseTopic().map(Object::toString),
            p.getCorrelationData().map(ByteBuffer::asReadOnlyBuffer));
    Topics.Command cmd = c.get();
    if (cmd.group().isPresent()) {
      group(r, cmd.group().get());
    } else {
      outlet(r, cmd.device().orElseThrow(), cmd.outlet().orElseThrow());
    }
  }

  /** {@code on}, {@code off}, {@code cycle}, or the payload (shortened) when none of them. */
  private static String action(String payload) {
    String a = payload.toLowerCase(Locale.ROOT);
    if (a.equals("on") || a.equals("off") || a.equals("cycle")) {
      return a;
    }
    return payload.length() > 32 ? payload.substring(0, 32) : payload;
  }

  private static boolean known(String action) {
    return action.equals("on") || action.equals("off") || action.equals("cycle");
  }

  private static InvalidArgumentException badAction(String action) {
    return new InvalidArgumentException("unknown command '" + action + "': send ON, OFF or CYCLE");
  }

  // ------------------------------------------------------------------ one outlet

  private void outlet(Request r, String device, String outlet) {
    SupervisedDevice sd = s.devices().get(device);
    if (sd == null) {
      // a configured device of another node (shard) is that node's to answer; an unknown name
      // is answered by the one node that would own it
      if (!s.configured().contains(device) && s.owns().test(device)) {
        finishOutlet(
            r,
            device,
            outlet,
            null,
            new InvalidArgumentException("no device '" + device + "' is configured"),
            "not_found");
      }
      return;
    }
    CompletableFuture<OutletStatus> f;
    try {
      if (!known(r.action())) {
        throw badAction(r.action());
      }
      Outlet o = find(sd, outlet);
      f = run(o, r.action());
    } catch (RuntimeException e) {
      finishOutlet(r, device, outlet, null, e, null);
      return;
    }
    f.whenComplete((st, failure) -> finishOutlet(r, device, outlet, st, failure, null));
  }

  /** The outlet the topic names, of a connected device. */
  private static Outlet find(SupervisedDevice sd, String outlet) {
    if (!outlet.matches("[0-9]{1,4}")) {
      throw new InvalidArgumentException(
          "not an outlet number: '" + outlet + "'; the topic is .../outlet/NUMBER/set");
    }
    DeviceHealth h = sd.health();
    PowerDevice p = sd.device().orElse(null);
    if (!h.isConnected() || p == null) {
      throw new NotConnected(
          "device '"
              + sd.name()
              + "' is "
              + h.state()
              + h.problem().map(x -> " (" + x.tag() + ")").orElse("")
              + h.message().map(m -> ": " + m).orElse("")
              + "; nothing was sent");
    }
    int n = Integer.parseInt(outlet);
    for (Outlet o : p.outlets()) {
      if (o.number() == n) {
        return o;
      }
    }
    throw new NotFound("device '" + sd.name() + "' has no outlet " + n);
  }

  /** The device's confirmed answer, or a timeout when it never comes. */
  private static CompletableFuture<OutletStatus> run(Outlet o, String action) {
    var stage =
        switch (action) {
          case "on" -> o.switchOn();
          case "off" -> o.switchOff();
          default -> o.cycle(CYCLE_OFF_TIME);
        };
    // a copy: timing out must not complete the device's own stage
    return stage
        .toCompletableFuture()
        .copy()
        .orTimeout(COMMAND_BOUND.plus(CYCLE_OFF_TIME).toMillis(), TimeUnit.MILLISECONDS);
  }

  private void finishOutlet(
      Request r,
      String device,
      String outlet,
      OutletStatus st,
      Throwable failure,
      String kindOverride) {
    ObjectNode n = DeviceJson.object();
    n.put("device", device);
    n.put("outlet", outlet);
    n.put("action", r.action());
    String outcome = "ok";
    if (failure == null) {
      n.put("ok", true);
      n.put("state", st.state().name());
      // the device confirmed it: publish at once rather than wait for its next report
      outbox.offer(Message.state(topics.outlet(device, st.number(), "state"), st.state().name()));
    } else {
      n.put("ok", false);
      outcome = error(n, failure, kindOverride);
    }
    String resultTopic =
        outlet.matches("[0-9]{1,4}")
            ? topics.outlet(device, Integer.parseInt(outlet), "result")
            : topics.prefix() + "/" + device + "/outlet/" + outlet + "/result";
    answer(r, resultTopic, n);
    audit(r, Optional.of(device), Optional.of(outlet), Optional.empty(), outcome);
  }

  private static String error(ObjectNode n, Throwable failure, String kindOverride) {
    Throwable t = PowerDeviceException.unwrap(failure);
    String kind;
    String message;
    if (kindOverride != null) {
      kind = kindOverride;
      message = t.getMessage();
    } else if (t instanceof NotConnected || t instanceof NotFound) {
      kind = t instanceof NotConnected ? "not_connected" : "not_found";
      message = t.getMessage();
    } else if (t instanceof TimeoutException) {
      kind = "timeout";
      message = "no answer from the device in time";
    } else if (t instanceof PowerDeviceException e) {
      kind = e.kind().tag();
      message = e.getMessage();
    } else {
      kind = "internal";
      message = "internal error: " + t.getClass().getSimpleName();
    }
    n.put("error", kind);
    n.put("message", message);
    if (t instanceof PowerDeviceException e) {
      e.sent().ifPresent(x -> n.put("sent", x));
      e.received().ifPresent(x -> n.put("received", x));
    }
    return kind;
  }

  private void answer(Request r, String resultTopic, ObjectNode n) {
    String json = DeviceJson.write(n);
    outbox.offer(Message.answer(resultTopic, json, Optional.empty()));
    r.responseTopic()
        .filter(t -> !t.equals(resultTopic))
        .ifPresent(t -> outbox.offer(Message.answer(t, json, r.correlation())));
  }

  private void audit(
      Request r,
      Optional<String> device,
      Optional<String> outlet,
      Optional<String> group,
      String outcome) {
    try {
      s.audit()
          .accept(
              new MqttCommand(
                  r.at(),
                  r.topic(),
                  device,
                  outlet,
                  group,
                  r.action(),
                  outcome,
                  Duration.ofNanos(System.nanoTime() - r.startNanos())));
    } catch (RuntimeException e) {
      s.log().accept("mqtt: audit failed: " + e.getClass().getSimpleName());
    }
  }

  // ------------------------------------------------------------------ a group

  private void group(Request r, String name) {
    GroupConfig g = s.groups().get(name);
    String resultTopic = topics.group(name, "result");
    if (g == null) {
      if (s.owns().test(name)) {
        ObjectNode n = DeviceJson.object();
        n.put("group", name);
        n.put("action", r.action());
        n.put("ok", false);
        n.put("error", "not_found");
        n.put("message", "no group '" + name + "' is configured");
        answer(r, resultTopic, n);
        audit(r, Optional.empty(), Optional.empty(), Optional.of(name), "not_found");
      }
      return;
    }
    // each node switches the group's outlets of its own devices (all of them without shards)
    var mine = g.outlets().stream().filter(o -> s.devices().containsKey(o.device())).toList();
    if (mine.isEmpty()) {
      return;
    }
    ArrayNode outcomes = DeviceJson.mapper().createArrayNode();
    boolean[] ok = {true};
    String[] first = {null};
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    boolean firstStep = true;
    for (OutletRef ref : mine) {
      boolean wait = !firstStep && !g.sequenceDelay().isZero();
      firstStep = false;
      chain =
          chain
              .thenCompose(
                  v -> wait ? delay(g.sequenceDelay()) : CompletableFuture.completedFuture(null))
              .thenCompose(
                  v -> {
                    CompletableFuture<OutletStatus> f;
                    try {
                      if (!known(r.action())) {
                        throw badAction(r.action());
                      }
                      f = run(findRef(ref), r.action());
                    } catch (RuntimeException e) {
                      f = CompletableFuture.failedFuture(e);
                    }
                    return f.handle(
                        (st, failure) -> {
                          ObjectNode o;
                          synchronized (outcomes) {
                            o = outcomes.addObject();
                          }
                          o.put("device", ref.device());
                          o.put("outlet", ref.outlet());
                          if (failure == null) {
                            o.put("ok", true);
                            o.put("state", st.state().name());
                            outbox.offer(
                                Message.state(
                                    topics.outlet(ref.device(), st.number(), "state"),
                                    st.state().name()));
                          } else {
                            ok[0] = false;
                            o.put("ok", false);
                            String kind = error(o, failure, null);
                            if (first[0] == null) {
                              first[0] = kind;
                            }
                          }
                          return null;
                        });
                  });
    }
    chain.whenComplete(
        (v, failure) -> {
          ObjectNode n = DeviceJson.object();
          n.put("group", name);
          n.put("node", topics.node());
          n.put("action", r.action());
          n.put("ok", ok[0] && failure == null);
          synchronized (outcomes) {
            n.set("outlets", outcomes);
          }
          answer(r, resultTopic, n);
          audit(
              r,
              Optional.empty(),
              Optional.empty(),
              Optional.of(name),
              first[0] == null ? (failure == null ? "ok" : "internal") : first[0]);
        });
  }

  private Outlet findRef(OutletRef ref) {
    SupervisedDevice sd = s.devices().get(ref.device());
    if (!ref.outlet().matches("[0-9]{1,4}")) {
      // an outlet named by its id (an Enistic socket): look it up by id
      PowerDevice p = sd.device().orElse(null);
      if (p != null && sd.health().isConnected()) {
        for (Outlet o : p.outlets()) {
          if (o.id().equals(ref.outlet())) {
            return o;
          }
        }
      }
      find(sd, "0"); // throws not_connected when it is not connected
      throw new NotFound("device '" + sd.name() + "' has no outlet '" + ref.outlet() + "'");
    }
    return find(sd, ref.outlet());
  }

  private CompletableFuture<Void> delay(Duration d) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    timer.schedule(() -> f.complete(null), d.toNanos(), TimeUnit.NANOSECONDS);
    return f;
  }

  /** The device is not connected: nothing was sent. */
  static final class NotConnected extends RuntimeException {
    NotConnected(String message) {
      super(message, null, false, false);
    }
  }

  /** No such device, outlet or group. */
  static final class NotFound extends RuntimeException {
    NotFound(String message) {
      super(message, null, false, false);
    }
  }
}

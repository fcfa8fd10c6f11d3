package io.pdu4j.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NodeDevicesTest {
  private final Topics t = new Topics("pdu4j", "node-a");
  private final Outbox outbox = new Outbox(1024);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    timer.shutdownNow();
  }

  private List<Message> drain() throws InterruptedException {
    List<Message> l = new ArrayList<>();
    Message m;
    while ((m = outbox.poll(0)) != null) {
      l.add(m);
    }
    return l;
  }

  @Test
  void aDeviceNoLongerConfiguredLosesItsTopicsAndDiscovery() throws Exception {
    NodeDevices n = new NodeDevices(t, Set.of("rack-a"), Set.of("rack-a"), outbox, timer);
    n.previous("{\"node\":\"node-a\",\"devices\":{\"rack-a\":[1,2],\"gone\":[1,2]}}");
    List<Message> sent = drain();
    assertThat(sent)
        .filteredOn(m -> m.payload().isEmpty())
        .extracting(Message::topic)
        .contains(
            "pdu4j/gone/availability",
            "pdu4j/gone/status",
            "pdu4j/gone/outlet/2/state",
            "homeassistant/switch/pdu4j_gone/outlet_1_switch/config",
            "homeassistant/sensor/pdu4j_gone/outlet_2_energy/config")
        .noneMatch(topic -> topic.contains("rack-a"));
    assertThat(sent).allSatisfy(m -> assertThat(m.retain()).isTrue());
    // rack-a has not reported yet: its outlets stay in the list, gone is not in it
    await().atMost(Duration.ofSeconds(5)).until(() -> n.published().contains("\"rack-a\":[1,2]"));
    assertThat(n.published()).doesNotContain("gone");
  }

  @Test
  void badListsAreIgnored() throws Exception {
    NodeDevices n = new NodeDevices(t, Set.of("rack-a"), Set.of("rack-a"), outbox, timer);
    n.previous("not json");
    n.previous("{\"devices\":[1,2]}");
    n.previous("{\"devices\":{\"a/#\":[1]}}");
    assertThat(drain()).isEmpty();
  }

  @Test
  void changesFromManyDevicesEndInOneListWithAllOfThem() throws Exception {
    Set<String> names = Set.of("a", "b", "c");
    NodeDevices n = new NodeDevices(t, names, names, outbox, timer);
    List<Thread> threads = new ArrayList<>();
    for (String d : names) {
      Thread th = new Thread(() -> n.update(d, Set.of(1, 2)));
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join();
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                n.published()
                    .equals(
                        "{\"node\":\"node-a\",\"devices\":{\"a\":[1,2],\"b\":[1,2],\"c\":[1,2]}}"));
    List<Message> sent = drain();
    assertThat(sent.get(sent.size() - 1).payload()).isEqualTo(n.published());
  }
}

package io.pdu4j.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class PeerNodesTest {
  private final Topics t = new Topics("pdu4j", "node-a");
  private final List<Message> sent = new CopyOnWriteArrayList<>();
  private final PeerNodes peers = new PeerNodes(t, Set.of("rack-a"), sent::add);

  private static String list(String node, String... devices) {
    StringBuilder b = new StringBuilder("{\"node\":\"" + node + "\",\"devices\":{");
    for (int i = 0; i < devices.length; i++) {
      b.append(i == 0 ? "" : ",").append('"').append(devices[i]).append("\":[1,2]");
    }
    return b.append("}}").toString();
  }

  private List<String> marked() {
    assertThat(sent)
        .allSatisfy(
            m -> {
              assertThat(m.retain()).isTrue();
              assertThat(m.reliable()).isTrue();
              assertThat(m.payload()).isEqualTo("offline");
            });
    return sent.stream().map(Message::topic).toList();
  }

  @Test
  void aNodeThatGoesOfflineHasItsDevicesMarkedOffline() {
    peers.devices("node-b", list("node-b", "rack-b", "rack-c"));
    peers.status("node-b", "online");
    assertThat(sent).isEmpty();
    peers.status("node-b", "offline");
    assertThat(marked()).containsExactly("pdu4j/rack-b/availability", "pdu4j/rack-c/availability");
  }

  @Test
  void aRetainedOfflineNodeFoundAtConnectIsMarkedInEitherOrder() {
    peers.status("node-b", "offline");
    assertThat(sent).isEmpty(); // no list yet
    peers.devices("node-b", list("node-b", "rack-b"));
    assertThat(marked()).containsExactly("pdu4j/rack-b/availability");
  }

  @Test
  void aDeviceALiveNodeListsNowOrThisNodeRunsIsNotMarked() {
    peers.devices("node-c", list("node-c", "rack-b"));
    peers.status("node-c", "online");
    peers.devices("node-b", list("node-b", "rack-a", "rack-b", "rack-c"));
    peers.status("node-b", "offline");
    assertThat(marked()).containsExactly("pdu4j/rack-c/availability");

    // once node-c is gone too, nobody claims rack-b
    sent.clear();
    peers.status("node-c", "offline");
    assertThat(marked()).containsExactly("pdu4j/rack-b/availability");
  }

  @Test
  void theSameDeviceIsMarkedAgainEachTimeItsNodeDies() {
    peers.devices("node-b", list("node-b", "rack-b"));
    peers.status("node-b", "offline");
    peers.status("node-b", "online");
    peers.status("node-b", "offline");
    assertThat(marked()).containsExactly("pdu4j/rack-b/availability", "pdu4j/rack-b/availability");
  }

  @Test
  void thisNodesOwnTopicsAndBadInputMarkNothing() {
    peers.devices("node-a", list("node-a", "rack-x"));
    peers.status("node-a", "offline");
    peers.devices("node-b", "not json");
    peers.devices("node-b", "{\"devices\":{\"a/#\":[1],\"-x\":[1]}}");
    peers.status("node-b", "offline");
    peers.devices("node-d", list("node-d", "rack-d"));
    peers.status("node-d", "gone?");
    peers.devices("node-e", list("node-e", "rack-e"));
    peers.status("node-e", "offline");
    peers.devices("node-e", ""); // its list cleared: nothing left to mark
    peers.status("node-e", "offline");
    assertThat(marked()).containsExactly("pdu4j/rack-e/availability");
  }
}

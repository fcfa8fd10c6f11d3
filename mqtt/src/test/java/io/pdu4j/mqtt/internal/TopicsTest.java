package io.pdu4j.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopicsTest {
  private final Topics t = new Topics("site/pdu4j", "node-a");

  @Test
  void namesTheTopicsOfTheIssue() {
    assertThat(t.availability("rack-a")).isEqualTo("site/pdu4j/rack-a/availability");
    assertThat(t.status("rack-a")).isEqualTo("site/pdu4j/rack-a/status");
    assertThat(t.outlet("rack-a", 3, "state")).isEqualTo("site/pdu4j/rack-a/outlet/3/state");
    assertThat(t.group("bench", "set")).isEqualTo("site/pdu4j/group/bench/set");
    assertThat(t.nodeStatus()).isEqualTo("site/pdu4j/node/node-a/status");
    assertThat(t.nodeDevices()).isEqualTo("site/pdu4j/node/node-a/devices");
  }

  @Test
  void readsCommandTopicsBack() {
    assertThat(t.command("site/pdu4j/rack-a/outlet/3/set"))
        .hasValue(new Topics.Command(Optional.of("rack-a"), Optional.of("3"), Optional.empty()));
    assertThat(t.command("site/pdu4j/group/bench/set"))
        .hasValue(new Topics.Command(Optional.empty(), Optional.empty(), Optional.of("bench")));
    // a device called "group" is still a device
    assertThat(t.command("site/pdu4j/group/outlet/1/set"))
        .hasValue(new Topics.Command(Optional.of("group"), Optional.of("1"), Optional.empty()));
    assertThat(t.command("site/pdu4j/rack-a/outlet/3/state")).isEmpty();
    assertThat(t.command("other/rack-a/outlet/3/set")).isEmpty();
    assertThat(t.command("site/pdu4j/rack-a/set")).isEmpty();
    assertThat(t.command("site/pdu4j/a/b/outlet/3/set")).isEmpty();
  }
}

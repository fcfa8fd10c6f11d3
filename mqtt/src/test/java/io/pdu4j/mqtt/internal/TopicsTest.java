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

  @Test
  void readsNodeAndAvailabilityTopicsBack() {
    assertThat(t.nodeStatuses()).isEqualTo("site/pdu4j/node/+/status");
    assertThat(t.nodeDeviceLists()).isEqualTo("site/pdu4j/node/+/devices");
    assertThat(t.availabilities()).isEqualTo("site/pdu4j/+/availability");
    assertThat(t.nodeOf("site/pdu4j/node/lab-1/status", "status")).hasValue("lab-1");
    assertThat(t.nodeOf("site/pdu4j/node/lab-1/devices", "devices")).hasValue("lab-1");
    assertThat(t.nodeOf("site/pdu4j/node/lab-1/devices", "status")).isEmpty();
    assertThat(t.nodeOf("site/pdu4j/node//status", "status")).isEmpty();
    assertThat(t.nodeOf("site/pdu4j/node/a/b/status", "status")).isEmpty();
    assertThat(t.nodeOf("other/node/lab-1/status", "status")).isEmpty();
    assertThat(t.availabilityOf("site/pdu4j/rack-a/availability")).hasValue("rack-a");
    assertThat(t.availabilityOf("site/pdu4j/a/b/availability")).isEmpty();
    assertThat(t.availabilityOf("site/pdu4j//availability")).isEmpty();
    assertThat(t.availabilityOf("site/pdu4j/rack-a/status")).isEmpty();
  }
}

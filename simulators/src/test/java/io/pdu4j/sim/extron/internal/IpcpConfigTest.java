package io.pdu4j.sim.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IpcpConfigTest {

  @Test
  void passwordsNeverAppearInItsString() {
    IpcpConfig config =
        new IpcpConfig(
            0,
            -1,
            "adm1nSecret",
            "us3rSecret",
            "IPCP 505",
            "1.03",
            Duration.ofSeconds(300),
            true,
            true,
            false,
            "",
            0,
            "admin",
            null,
            null);
    assertThat(config.toString())
        .doesNotContain("adm1nSecret")
        .doesNotContain("us3rSecret")
        .contains("login=admin and user");
  }
}

package io.pdu4j.example.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.ProtocolException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineRelayProtocolTest {
  @Test
  void commandsAreOneWordAndANumber() {
    assertThat(LineRelayProtocol.status()).isEqualTo("STATUS");
    assertThat(LineRelayProtocol.switchRelay(2, true)).isEqualTo("ON 2");
    assertThat(LineRelayProtocol.switchRelay(9, false)).isEqualTo("OFF 9");
  }

  @Test
  void relaysLinesParseRelayOneFirst() {
    assertThat(LineRelayProtocol.parseRelays("RELAYS 1 0 0 1"))
        .containsExactly(true, false, false, true);
    assertThat(LineRelayProtocol.formatRelays(List.of(true, false))).isEqualTo("RELAYS 1 0");
  }

  @Test
  void anythingElseIsAProtocolError() {
    assertThatThrownBy(() -> LineRelayProtocol.parseRelays("RELAYS 1 2"))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("relay 2");
    assertThatThrownBy(() -> LineRelayProtocol.parseRelays("RELAYS"))
        .isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> LineRelayProtocol.parseRelays("HELLO 1"))
        .isInstanceOf(ProtocolException.class);
    assertThat(LineRelayProtocol.isError("ERR no relay 9")).isTrue();
  }
}

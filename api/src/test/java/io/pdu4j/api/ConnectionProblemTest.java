package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class ConnectionProblemTest {
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void theFailureSaysWhatKindOfProblemItIs() {
    assertThat(ConnectionProblem.of(new LoginDeniedException("wrong password")))
        .isEqualTo(ConnectionProblem.LOGIN_DENIED);
    assertThat(
            ConnectionProblem.of(
                new CompletionException(new InvalidArgumentException("unknown driver 'x'"))))
        .isEqualTo(ConnectionProblem.CONFIGURATION_ERROR);
    assertThat(ConnectionProblem.of(new DeviceRejectedException("E10")))
        .isEqualTo(ConnectionProblem.COMMUNICATION_ERROR);
    assertThat(ConnectionProblem.of(new LinkLostException("reset")))
        .isEqualTo(ConnectionProblem.COMMUNICATION_ERROR);
    assertThat(ConnectionProblem.of(null)).isEqualTo(ConnectionProblem.COMMUNICATION_ERROR);
    assertThat(ConnectionProblem.LOGIN_DENIED.tag()).isEqualTo("login_denied");
  }

  @Test
  void anOfflineEventAlwaysCarriesAProblemAndNoOtherDoes() {
    DeviceEvent.Connection old =
        new DeviceEvent.Connection(
            "d", AT, ConnectionState.CONNECTED, ConnectionState.OFFLINE, Optional.of("reset"));
    assertThat(old.problem()).contains(ConnectionProblem.COMMUNICATION_ERROR);
    DeviceEvent.Connection up =
        new DeviceEvent.Connection(
            "d", AT, ConnectionState.OFFLINE, ConnectionState.CONNECTING, Optional.empty());
    assertThat(up.problem()).isEmpty();
    DeviceEvent.Connection denied =
        DeviceEvent.Connection.causedBy(
            "d",
            AT,
            ConnectionState.CONNECTED,
            ConnectionState.OFFLINE,
            new LoginDeniedException("login denied"));
    assertThat(denied.problem()).contains(ConnectionProblem.LOGIN_DENIED);
    assertThat(denied.reason()).contains("login denied");
    assertThatThrownBy(
            () ->
                new DeviceEvent.Connection(
                    "d",
                    AT,
                    ConnectionState.OFFLINE,
                    ConnectionState.CONNECTED,
                    Optional.empty(),
                    Optional.of(ConnectionProblem.LOGIN_DENIED)))
        .isInstanceOf(InvalidArgumentException.class);
  }
}

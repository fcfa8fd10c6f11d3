package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void eachFailureMapsToItsCode() {
    assertThat(ExitCodes.of(new InvalidArgumentException("x"))).isEqualTo(2);
    assertThat(ExitCodes.of(new DeviceRejectedException("x"))).isEqualTo(3);
    assertThat(ExitCodes.of(new StateNotConfirmedException("x"))).isEqualTo(3);
    assertThat(ExitCodes.of(new UnsupportedCapabilityException("x"))).isEqualTo(3);
    assertThat(ExitCodes.of(new DeviceTimeoutException("x"))).isEqualTo(4);
    assertThat(ExitCodes.of(new DeviceUnreachableException("x"))).isEqualTo(4);
    assertThat(ExitCodes.of(new LinkLostException("x"))).isEqualTo(4);
    assertThat(ExitCodes.of(new DeviceBusyException("x"))).isEqualTo(1);
    assertThat(ExitCodes.of(new ProtocolException("x"))).isEqualTo(1);
    assertThat(ExitCodes.of(new DeviceClosedException("x"))).isEqualTo(1);
    assertThat(ExitCodes.of(new IllegalStateException("x"))).isEqualTo(1);
  }

  @Test
  void wrappersAreLookedThrough() {
    assertThat(
            ExitCodes.of(
                new CompletionException(new ExecutionException(new DeviceTimeoutException("x")))))
        .isEqualTo(4);
  }

  @Test
  void outletSelectionsAreParsedBeforeAnythingIsSent() {
    assertThat(SwitchCommand.Selection.parse(java.util.List.of("3", " 1", "3")).numbers())
        .containsExactly(3, 1);
    assertThat(SwitchCommand.Selection.parse(java.util.List.of("All")).all()).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SwitchCommand.Selection.parse(java.util.List.of("0")))
        .isInstanceOf(InvalidArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SwitchCommand.Selection.parse(java.util.List.of("-2")))
        .isInstanceOf(InvalidArgumentException.class);
  }
}

package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.ConnectionProblem;
import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.LoginDeniedException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.PowerDeviceException.Kind;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.metrics.CommandOutcome;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pins, for every failure kind, the health problem, the metric outcome and the exit code derived
 * from it. The switches are exhaustive: a new kind does not compile until it has a row here.
 */
class FailureKindMappingTest {

  record Derived(ConnectionProblem problem, CommandOutcome outcome, int exitCode) {}

  static Derived expected(Kind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT ->
          new Derived(
              ConnectionProblem.CONFIGURATION_ERROR, CommandOutcome.INVALID, ExitCodes.USAGE);
      case UNSUPPORTED, REJECTED, NOT_CONFIRMED ->
          new Derived(
              ConnectionProblem.COMMUNICATION_ERROR, CommandOutcome.REJECTED, ExitCodes.REJECTED);
      case LOGIN_DENIED ->
          new Derived(ConnectionProblem.LOGIN_DENIED, CommandOutcome.REJECTED, ExitCodes.REJECTED);
      case TIMEOUT ->
          new Derived(
              ConnectionProblem.COMMUNICATION_ERROR, CommandOutcome.TIMEOUT, ExitCodes.UNREACHABLE);
      case LINK_LOST, UNREACHABLE ->
          new Derived(
              ConnectionProblem.COMMUNICATION_ERROR,
              CommandOutcome.LINK_LOST,
              ExitCodes.UNREACHABLE);
      case BUSY ->
          new Derived(
              ConnectionProblem.COMMUNICATION_ERROR, CommandOutcome.BUSY, ExitCodes.FAILURE);
      case PROTOCOL, CLOSED, FAILED, CANCELLED, INTERNAL ->
          new Derived(
              ConnectionProblem.COMMUNICATION_ERROR, CommandOutcome.OTHER, ExitCodes.FAILURE);
    };
  }

  static Throwable example(Kind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> new InvalidArgumentException("no outlet 9");
      case UNSUPPORTED -> new UnsupportedCapabilityException("no scheduler");
      case REJECTED -> new DeviceRejectedException("E10");
      case LOGIN_DENIED -> new LoginDeniedException("wrong password");
      case NOT_CONFIRMED -> new StateNotConfirmedException("still ON");
      case TIMEOUT -> new DeviceTimeoutException("no reply");
      case LINK_LOST -> new LinkLostException("reset");
      case UNREACHABLE -> new DeviceUnreachableException("refused");
      case BUSY -> new DeviceBusyException("queue full");
      case PROTOCOL -> new ProtocolException("garbage");
      case CLOSED -> new DeviceClosedException("closed");
      case FAILED -> new PowerDeviceException("plugin failed to load");
      case CANCELLED -> new CancellationException();
      case INTERNAL -> new IllegalStateException("a bug");
    };
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void eachKindMapsToOneProblemOneOutcomeAndOneExitCode(Kind kind) {
    Derived want = expected(kind);
    assertThat(ConnectionProblem.forKind(kind)).isEqualTo(want.problem());
    assertThat(CommandOutcome.forKind(kind)).isEqualTo(want.outcome());
    assertThat(ExitCodes.forKind(kind)).isEqualTo(want.exitCode());

    Throwable failure = new CompletionException(example(kind));
    assertThat(PowerDeviceException.kindOf(failure)).isEqualTo(kind);
    assertThat(ConnectionProblem.of(failure)).isEqualTo(want.problem());
    assertThat(CommandOutcome.of(failure)).isEqualTo(want.outcome());
    assertThat(ExitCodes.of(failure)).isEqualTo(want.exitCode());
  }
}

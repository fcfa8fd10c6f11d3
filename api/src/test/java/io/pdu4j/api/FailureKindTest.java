package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.PowerDeviceException.Kind;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureKindTest {

  /** One failure of each kind, as pdu4j raises it; exhaustive, so a new kind needs a line here. */
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
  void eachKindHasAnExceptionThatSaysSoWrappedOrNot(Kind kind) {
    Throwable failure = example(kind);
    assertThat(PowerDeviceException.kindOf(failure)).isEqualTo(kind);
    assertThat(PowerDeviceException.kindOf(new CompletionException(failure))).isEqualTo(kind);
    assertThat(
            PowerDeviceException.kindOf(new CompletionException(new ExecutionException(failure))))
        .isEqualTo(kind);
    if (failure instanceof PowerDeviceException e) {
      assertThat(e.kind()).isEqualTo(kind);
    }
  }

  @Test
  void theFullConstructorKeepsTheKindOfItsClass() {
    assertThat(new LoginDeniedException("denied", "dev", "login", "E14", null).kind())
        .isEqualTo(Kind.LOGIN_DENIED);
    assertThat(new DeviceRejectedException("x", "dev", "S1=1", "E10", null).kind())
        .isEqualTo(Kind.REJECTED);
    assertThat(new DeviceTimeoutException("x", new RuntimeException()).kind())
        .isEqualTo(Kind.TIMEOUT);
    assertThat(new PowerDeviceException("x", "dev", null, null, null).kind())
        .isEqualTo(Kind.FAILED);
  }

  @Test
  void aSubclassOfASubclassKeepsItsParentsKind() {
    class ConfigProblem extends InvalidArgumentException {
      private static final long serialVersionUID = 1L;

      ConfigProblem() {
        super("bad config");
      }
    }
    assertThat(new ConfigProblem().kind()).isEqualTo(Kind.INVALID_ARGUMENT);
  }

  @Test
  void nothingAndEmptyWrappersAreInternal() {
    assertThat(PowerDeviceException.kindOf(null)).isEqualTo(Kind.INTERNAL);
    assertThat(PowerDeviceException.kindOf(new CompletionException("no cause", null)))
        .isEqualTo(Kind.INTERNAL);
    // a cause inside some other exception is not looked into: only the futures' wrappers are
    assertThat(PowerDeviceException.kindOf(new RuntimeException(new LinkLostException("x"))))
        .isEqualTo(Kind.INTERNAL);
  }

  @Test
  void theTagsAreStable() {
    assertThat(Arrays.stream(Kind.values()).map(Kind::tag))
        .containsExactly(
            "invalid_argument",
            "unsupported",
            "rejected",
            "login_denied",
            "not_confirmed",
            "timeout",
            "link_lost",
            "unreachable",
            "busy",
            "protocol",
            "closed",
            "failed",
            "cancelled",
            "internal");
  }
}

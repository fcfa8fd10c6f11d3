package io.pdu4j.transport.serial.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Without socat the serial tests skip, except under CI, where they fail. */
class SocatTest {

  @Test
  void missingSocatSkipsOutsideCi() {
    assertThatThrownBy(() -> Socat.requireOrSkip(false, null))
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("socat not installed");
    assertThatThrownBy(() -> Socat.requireOrSkip(false, "false"))
        .isInstanceOf(TestAbortedException.class);
  }

  @Test
  void missingSocatFailsUnderCi() {
    assertThatThrownBy(() -> Socat.requireOrSkip(false, "true"))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("socat not installed")
        .hasMessageContaining("CI=true");
  }

  @Test
  void installedSocatRuns() {
    assertThatCode(() -> Socat.requireOrSkip(true, "true")).doesNotThrowAnyException();
    assertThatCode(() -> Socat.requireOrSkip(true, null)).doesNotThrowAnyException();
  }
}

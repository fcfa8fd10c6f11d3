package io.pdu4j.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VarHandlesTest {
  private long count;
  private volatile boolean flag;

  @Test
  void aPrivateFieldIsReachedThroughTheCallersLookup() {
    VarHandle count =
        VarHandles.field(MethodHandles.lookup(), VarHandlesTest.class, "count", long.class);
    count.set(this, 41L);
    assertThat((long) count.get(this)).isEqualTo(41L);
    assertThat((long) count.getAndAdd(this, 1L)).isEqualTo(41L);
    assertThat(this.count).isEqualTo(42L);

    VarHandle flag =
        VarHandles.field(MethodHandles.lookup(), VarHandlesTest.class, "flag", boolean.class);
    assertThat(flag.compareAndSet(this, false, true)).isTrue();
    assertThat(this.flag).isTrue();
  }

  @Test
  void aMissingFieldIsNamed() {
    assertThatThrownBy(
            () ->
                VarHandles.field(
                    MethodHandles.lookup(), VarHandlesTest.class, "counted", long.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("counted")
        .hasMessageContaining(VarHandlesTest.class.getName())
        .hasCauseInstanceOf(NoSuchFieldException.class);
    // a field of another type is not the field
    assertThatThrownBy(
            () ->
                VarHandles.field(MethodHandles.lookup(), VarHandlesTest.class, "count", int.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("count");
  }

  @Test
  void anotherClassesPrivateFieldIsNotReached() {
    assertThatThrownBy(
            () -> VarHandles.field(MethodHandles.lookup(), Backoff.class, "next", Duration.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Backoff.next")
        .hasCauseInstanceOf(IllegalAccessException.class);
  }
}

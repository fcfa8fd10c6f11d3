package io.pdu4j.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.InvalidArgumentException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class StageLedgerTest {
  private final StageLedger ledger = new StageLedger();

  /** A stage that tells its dependants twice, as a faulty stage implementation could. */
  private static final class TwiceTelling<T> extends CompletableFuture<T> {
    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
      super.whenComplete(action);
      return super.whenComplete(action);
    }
  }

  @Test
  void countsEachOutcomeOnceAndFailuresByTheirUnwrappedKind() {
    ledger.track("tunnel-0001", "switch", () -> CompletableFuture.completedFuture("on"));
    CompletableFuture<String> later = new CompletableFuture<>();
    ledger.track("tunnel-0002", "refresh", () -> later.thenApply(s -> s));
    later.completeExceptionally(new DeviceTimeoutException("no answer"));

    assertThat(ledger.issued()).isEqualTo(2);
    assertThat(ledger.succeeded()).isEqualTo(1);
    assertThat(ledger.failed()).isEqualTo(Map.of("DeviceTimeoutException", 1L));
    assertThat(ledger.failedInDetail())
        .isEqualTo(Map.of("tunnel refresh DeviceTimeoutException", 1L));
    assertThat(ledger.firstMessages())
        .isEqualTo(Map.of("tunnel refresh DeviceTimeoutException", "tunnel-0002: no answer"));
    assertThat(ledger.byCommand()).isEqualTo(Map.of("switch", 1L, "refresh", 1L));
    assertThat(ledger.slowestMillis()).containsOnlyKeys("tunnel switch", "tunnel refresh");
    assertThat(ledger.openCount()).isZero();
    assertThat(ledger.doubleCompletions()).isZero();
  }

  @Test
  void aStageThatNeverCompletesStaysOpenAndIsListed() {
    ledger.track("rack-7", "cycle", CompletableFuture::new);
    ledger.track("rack-8", "switch", () -> CompletableFuture.completedFuture(1));

    assertThat(ledger.openCount()).isEqualTo(1);
    assertThat(ledger.oldestOpen(10))
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.device()).isEqualTo("rack-7");
              assertThat(o.command()).isEqualTo("cycle");
            });
  }

  @Test
  void aStageCompletedTwiceIsCountedAsADouble() {
    TwiceTelling<String> stage = new TwiceTelling<>();
    ledger.track("a", "switch", () -> stage);
    stage.complete("on");

    assertThat(ledger.doubleCompletions()).isEqualTo(1);
    assertThat(ledger.succeeded()).isEqualTo(1);
    assertThat(ledger.openCount()).isZero();
  }

  @Test
  void aCallThatThrowsIsCountedApartAndLeavesNothingOpen() {
    ledger.track(
        "a",
        "switch",
        () -> {
          throw new InvalidArgumentException("no outlet 99");
        });

    assertThat(ledger.thrown()).isEqualTo(Map.of("InvalidArgumentException", 1L));
    assertThat(ledger.openCount()).isZero();
    assertThat(ledger.failed()).isEmpty();
  }
}

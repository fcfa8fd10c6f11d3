package io.pdu4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.Subscription;
import io.pdu4j.spi.internal.ListenerList;
import io.pdu4j.spi.internal.StatusEvents;
import io.pdu4j.spi.support.Backoff;
import io.pdu4j.spi.support.BurstLog;
import io.pdu4j.spi.support.Freshness;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

/** The protocol-independent pieces: backoff, burst log, listener list, events, freshness. */
class ReusablePartsTest {
  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

  private static OutletStatus outlet(int n, OutletState state) {
    return new OutletStatus(
        n,
        Integer.toString(n),
        "Outlet " + n,
        state,
        OptionalDouble.of(230),
        OptionalDouble.of(5),
        Set.of(OutletCapability.SWITCHABLE));
  }

  private static DeviceStatus status(Instant at, OutletState... states) {
    List<OutletStatus> outlets = new ArrayList<>();
    for (int i = 0; i < states.length; i++) {
      outlets.add(outlet(i + 1, states[i]));
    }
    return new DeviceStatus(at, Optional.empty(), outlets, Optional.empty());
  }

  @Test
  void backoffDoublesUpToItsCapAndResets() {
    Backoff b = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      delays.add(b.next().toMillis());
    }
    assertThat(delays)
        .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
    b.reset();
    assertThat(b.next()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void burstLogWarnsOncePerBurst() {
    AtomicLong now = new AtomicLong();
    BurstLog log =
        new BurstLog(NOPLogger.NOP_LOGGER, Duration.ofSeconds(10), Duration.ofMinutes(1), now::get);
    assertThat(log.log("a")).isTrue();
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(log.log("b")).isFalse();
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    assertThat(log.log("c")).isFalse(); // 9 s after the last: same burst
    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(log.log("d")).isTrue(); // a quiet gap: a new burst
  }

  @Test
  void burstLogRepeatsTheWarningDuringALongBurst() {
    AtomicLong now = new AtomicLong();
    BurstLog log =
        new BurstLog(NOPLogger.NOP_LOGGER, Duration.ofSeconds(10), Duration.ofMinutes(1), now::get);
    int warnings = 0;
    for (int s = 0; s <= 120; s++) {
      if (log.log("x")) {
        warnings++;
      }
      now.addAndGet(Duration.ofSeconds(1).toNanos());
    }
    assertThat(warnings).isEqualTo(3);
  }

  @Test
  void listenerListDispatchesInOrderAndSurvivesFailures() {
    ListenerList list = new ListenerList("test:tcp://x");
    List<String> calls = new ArrayList<>();
    list.add(e -> calls.add("first"));
    list.add(
        e -> {
          throw new IllegalStateException("bug");
        });
    Subscription third = list.add(e -> calls.add("third"));
    DeviceEvent event = new DeviceEvent.StatusReported("d", T0, status(T0, OutletState.ON));
    list.dispatch(event);
    assertThat(calls).containsExactly("first", "third");
    third.close();
    third.close();
    list.dispatch(event);
    assertThat(calls).containsExactly("first", "third", "first");
    assertThat(list.size()).isEqualTo(2);
  }

  @Test
  void aListenerOfSomeKindsIsOfferedThoseOnly() {
    ListenerList list = new ListenerList("test:tcp://x");
    List<String> calls = new ArrayList<>();
    list.add(e -> calls.add("all " + e.getClass().getSimpleName()));
    list.add(Set.of(DeviceEvent.Connection.class), e -> calls.add("connection"));
    list.add(Set.of(DeviceEvent.class), e -> calls.add("every kind"));
    Subscription outlets =
        list.add(
            Set.of(DeviceEvent.OutletChanged.class, DeviceEvent.OutletAdded.class),
            e -> calls.add("outlet " + e.getClass().getSimpleName()));
    DeviceStatus status = status(T0, OutletState.ON);
    list.dispatch(new DeviceEvent.StatusReported("d", T0, status));
    assertThat(calls).containsExactly("all StatusReported", "every kind");

    calls.clear();
    list.dispatch(new DeviceEvent.OutletChanged("d", T0, OutletState.OFF, status.outlets().get(0)));
    list.dispatch(
        DeviceEvent.Connection.causedBy(
            "d", T0, ConnectionState.CONNECTING, ConnectionState.CONNECTED, null));
    assertThat(calls)
        .containsExactly(
            "all OutletChanged",
            "every kind",
            "outlet OutletChanged",
            "all Connection",
            "connection",
            "every kind");

    calls.clear();
    outlets.close();
    list.dispatch(new DeviceEvent.OutletAdded("d", T0, status.outlets().get(0)));
    assertThat(calls).containsExactly("all OutletAdded", "every kind");
    assertThat(list.size()).isEqualTo(3);

    assertThatThrownBy(() -> list.add(Set.of(), e -> {}))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("at least one kind");
  }

  @Test
  void aListenerRemovedByAnotherDuringADispatchIsNotCalledAgain() {
    ListenerList list = new ListenerList("test:tcp://x");
    List<String> calls = new ArrayList<>();
    Subscription[] second = new Subscription[1];
    list.add(
        e -> {
          calls.add("first");
          second[0].close();
          list.add(x -> calls.add("added meanwhile"));
        });
    second[0] = list.add(e -> calls.add("second"));
    list.add(e -> calls.add("third"));
    DeviceEvent event = new DeviceEvent.StatusReported("d", T0, status(T0, OutletState.ON));
    list.dispatch(event);
    // the one added meanwhile hears the next event, not this one
    assertThat(calls).containsExactly("first", "third");
  }

  @Test
  void statusEventsReportChangesOnly() {
    DeviceStatus before = status(T0, OutletState.ON, OutletState.OFF);
    DeviceStatus after = status(T0.plusSeconds(1), OutletState.ON, OutletState.ON);
    List<DeviceEvent> events = StatusEvents.of("d", before, true, after);
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).isInstanceOf(DeviceEvent.StatusReported.class);
    DeviceEvent.OutletChanged changed = (DeviceEvent.OutletChanged) events.get(1);
    assertThat(changed.previous()).isEqualTo(OutletState.OFF);
    assertThat(changed.current().number()).isEqualTo(2);
  }

  @Test
  void statusEventsMatchOutletsByNumberWhenTheyMovedCameOrWent() {
    DeviceStatus before =
        new DeviceStatus(
            T0,
            Optional.empty(),
            List.of(outlet(1, OutletState.ON), outlet(3, OutletState.OFF)),
            Optional.empty());
    DeviceStatus after =
        new DeviceStatus(
            T0.plusSeconds(1),
            Optional.empty(),
            List.of(
                outlet(2, OutletState.ON), outlet(3, OutletState.OFF), outlet(1, OutletState.OFF)),
            Optional.empty());
    List<DeviceEvent> events = StatusEvents.of("d", before, true, after);
    assertThat(events).hasSize(3);
    DeviceEvent.OutletChanged added = (DeviceEvent.OutletChanged) events.get(1);
    assertThat(added.current().number()).isEqualTo(2);
    assertThat(added.previous()).isEqualTo(OutletState.UNKNOWN);
    DeviceEvent.OutletChanged switched = (DeviceEvent.OutletChanged) events.get(2);
    assertThat(switched.current().number()).isEqualTo(1);
    assertThat(switched.previous()).isEqualTo(OutletState.ON);
  }

  @Test
  void statusEventsAfterNoneOrAStaleStatusReportEveryOutletFromUnknown() {
    DeviceStatus before = status(T0, OutletState.ON, OutletState.OFF);
    DeviceStatus after = status(T0.plusSeconds(60), OutletState.ON, OutletState.OFF);
    assertThat(StatusEvents.of("d", before, false, after)).hasSize(3);
    assertThat(StatusEvents.of("d", null, true, after)).hasSize(3);
  }

  @Test
  void freshnessTurnsOldReportsIntoUnknown() {
    Freshness f = new Freshness(Duration.ofSeconds(10), Clock.fixed(T0, ZoneOffset.UTC));
    assertThat(f.isCurrent(status(T0.minusSeconds(10), OutletState.ON))).isTrue();
    assertThat(f.isCurrent(status(T0.minusSeconds(11), OutletState.ON))).isFalse();
    assertThat(f.isCurrent(null)).isFalse();
    OutletStatus unknown = Freshness.effective(outlet(3, OutletState.ON), false);
    assertThat(unknown.state()).isEqualTo(OutletState.UNKNOWN);
    assertThat(unknown.power()).isEmpty();
    assertThat(unknown.voltage()).isEmpty();
    assertThat(unknown.number()).isEqualTo(3);
    assertThat(Freshness.effective(outlet(3, OutletState.ON), true).state())
        .isEqualTo(OutletState.ON);
  }

  @Test
  void freshnessCountsAStatusExactlyStaleAfterOldAndNotANanosecondMore() {
    Duration staleAfter = Duration.ofMillis(10_250);
    Freshness f = new Freshness(staleAfter, Clock.fixed(T0, ZoneOffset.UTC));
    Instant edge = T0.minus(staleAfter);
    assertThat(f.isCurrent(status(edge, OutletState.ON))).isTrue();
    assertThat(f.isCurrent(status(edge.minusNanos(1), OutletState.ON))).isFalse();
    assertThat(f.isCurrent(status(T0, OutletState.ON))).isTrue();
    // the wall clock went back: a status from the future counts
    assertThat(f.isCurrent(status(T0.plusSeconds(60), OutletState.ON))).isTrue();

    // the same answers from the two numbers a caller keeps instead of the status
    long limit = staleAfter.toNanos();
    assertThat(Freshness.isCurrent(edge.getEpochSecond(), edge.getNano(), T0, limit)).isTrue();
    Instant past = edge.minusNanos(1);
    assertThat(Freshness.isCurrent(past.getEpochSecond(), past.getNano(), T0, limit)).isFalse();
    Instant future = T0.plusSeconds(60);
    assertThat(Freshness.isCurrent(future.getEpochSecond(), future.getNano(), T0, limit)).isTrue();
    // the nanoseconds of a second borrowed across the second: 9.999999999 s is within 10 s
    Instant t = Instant.parse("2026-11-21T09:59:50.000000001Z");
    assertThat(Freshness.isCurrent(t.getEpochSecond(), t.getNano(), T0, 10_000_000_000L)).isTrue();
    assertThat(Freshness.isCurrent(t.getEpochSecond(), t.getNano(), T0, 9_999_999_998L)).isFalse();
  }

  @Test
  void freshnessSaturatesAges() {
    // a limit beyond a long of nanoseconds never goes stale; an age beyond it is stale under any
    // smaller limit, and a time as far in the future is current
    Freshness forever =
        new Freshness(Duration.ofDays(365L * 1000), Clock.fixed(Instant.MAX, ZoneOffset.UTC));
    assertThat(forever.isCurrent(status(Instant.MIN, OutletState.ON))).isTrue();
    Freshness tenSeconds =
        new Freshness(Duration.ofSeconds(10), Clock.fixed(Instant.MAX, ZoneOffset.UTC));
    assertThat(tenSeconds.isCurrent(status(Instant.MIN, OutletState.ON))).isFalse();
    assertThat(
            Freshness.isCurrent(
                Instant.MAX.getEpochSecond(), Instant.MAX.getNano(), Instant.MIN, 10_000_000_000L))
        .isTrue();
  }
}

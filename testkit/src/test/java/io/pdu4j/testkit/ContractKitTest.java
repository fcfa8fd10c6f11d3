package io.pdu4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.PowerDevice;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The kit checked on itself: a device that keeps the contract passes every check, and a device that
 * breaks one rule fails the check written for that rule. Runs the kit through the JUnit Platform
 * launcher against {@link FakeRelays}.
 */
class ContractKitTest {

  /** The kit on a fake board whose bug is set per class below. */
  abstract static class OnFakeRelays extends PowerDriverContractTest {
    private final FakeRelays.Board board = new FakeRelays.Board();
    private FakeRelays relays;

    abstract FakeRelays.Bug bug();

    @Override
    protected PowerDevice openDevice() {
      relays = new FakeRelays(board, bug(), driverCounters());
      return relays;
    }

    @Override
    protected Duration patience() {
      return Duration.ofSeconds(3);
    }

    @Override
    protected boolean simulatorOutletState(int outlet) {
      return board.relay(outlet);
    }

    @Override
    protected void setSimulatorOutletState(int outlet, boolean on) {
      board.set(outlet, on);
    }

    @Override
    protected OptionalLong commandsReceived() {
      return OptionalLong.of(board.commands.get());
    }

    @Override
    protected void makeDeviceSilent() {
      board.silent = true;
    }

    @Override
    protected void restoreDevice() {
      board.silent = false;
      board.rejectNext = null;
      board.dropNext = false;
    }

    @Override
    protected void dropConnectionOnNextCommand() {
      board.dropNext = true;
    }

    @Override
    protected String rejectNextCommand() {
      board.rejectNext = "ERR 7";
      return "ERR 7";
    }

    @Override
    protected void floodTheDevice() {
      relays.flood();
    }

    @Override
    protected Set<String> harnessThreadPrefixes() {
      return Set.of();
    }
  }

  static final class Keeping extends OnFakeRelays {
    @Override
    FakeRelays.Bug bug() {
      return FakeRelays.Bug.NONE;
    }
  }

  /** The kit with the one bug the test sets before it launches the class. */
  static final class Breaking extends OnFakeRelays {
    static volatile FakeRelays.Bug bug = FakeRelays.Bug.NONE;

    @Override
    FakeRelays.Bug bug() {
      return bug;
    }
  }

  /** Runs a kit class; the outcome of each of its tests by method name. */
  private static Map<String, TestExecutionResult.Status> run(Class<?> kit) {
    return run(DiscoverySelectors.selectClass(kit));
  }

  /** Runs what {@code selector} names; the outcome of each test by method name. */
  private static Map<String, TestExecutionResult.Status> run(DiscoverySelector selector) {
    Map<String, TestExecutionResult.Status> outcomes = new ConcurrentHashMap<>();
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request().selectors(selector).build();
    LauncherFactory.create()
        .execute(
            request,
            new TestExecutionListener() {
              @Override
              public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                id.getSource()
                    .filter(MethodSource.class::isInstance)
                    .map(MethodSource.class::cast)
                    .ifPresent(m -> outcomes.put(m.getMethodName(), result.getStatus()));
              }

              @Override
              public void executionSkipped(TestIdentifier id, String reason) {
                outcomes.put(id.getDisplayName(), TestExecutionResult.Status.ABORTED);
              }
            });
    return outcomes;
  }

  @Test
  void aDeviceThatKeepsTheContractPassesEveryCheck() {
    Map<String, TestExecutionResult.Status> outcomes = run(Keeping.class);
    assertThat(outcomes).hasSize(14);
    assertThat(outcomes)
        .allSatisfy(
            (test, status) ->
                assertThat(status).as(test).isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
  }

  @ParameterizedTest
  @CsvSource({
    "SWITCH_NOT_SENT, aSwitchCompletesWithTheConfirmedStateAndTheDeviceAgrees",
    "SENDS_UNSUPPORTED, unadvertisedCapabilitiesFailWithoutSending",
    "NO_TIMEOUT, aSilentDeviceTimesOutOnceAndTheDeviceRecovers",
    "REJECTION_WITHOUT_REPLY, aRejectedCommandFailsOnceWithTheRawReplyAndTheDeviceKeepsWorking",
    "FLOOD_NOT_COUNTED, aFloodOfGarbageIsSkippedCountedAndTheDeviceStaysUsable",
    "FLOOD_IS_FATAL, aFloodOfGarbageIsSkippedCountedAndTheDeviceStaysUsable",
    "CLOSE_AS_LINK_LOST, closeFailsPendingCommandsAndLaterOnes",
    "THREAD_LEFT, closeEndsEveryThreadTheDriverStarted",
    "COMPLETES_TWICE, advertisedStatusAndSwitchingWork",
    "COMPLETES_TWICE, aLostLinkFailsTheCommandInFlightOnce",
    "THROWS_ON_INVALID_ARGUMENT, invalidArgumentsFailTheStageWithoutSending",
    "CANCEL_WEDGES, aCancelledRefreshLeavesTheDeviceUsable",
  })
  void aDeviceThatBreaksARuleFailsItsCheck(FakeRelays.Bug bug, String check) {
    Breaking.bug = bug;
    try {
      // only the check written for the rule: the others are the keeping device's to pass
      assertThat(run(DiscoverySelectors.selectMethod(Breaking.class, check)))
          .containsExactly(Map.entry(check, TestExecutionResult.Status.FAILED));
    } finally {
      Breaking.bug = FakeRelays.Bug.NONE;
    }
  }
}

package io.pdu4j.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.bench.soak.SoakSettings.DeviceKind;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakReportTest {
  private final SoakSettings settings = SoakSettings.defaults().withDevices(10);
  private final ProcessProbe start = new ProcessProbe(10_000_000, 100, 2, 90);

  private SoakReport report(
      long open, long doubles, ProcessProbe end, List<String> notAtEnd, int leftThreads) {
    return new SoakReport(
        settings,
        settings.counts(),
        Duration.ofSeconds(20),
        100,
        90,
        Map.of("DeviceTimeoutException", 10L - open),
        Map.of("isotek switch DeviceTimeoutException", 10L - open),
        Map.of("isotek switch DeviceTimeoutException", "isotek-0002: no answer to S3=1"),
        Map.of(),
        Map.of("switch", 100L),
        open,
        open > 0 ? List.of("switch on isotek-0001 issued 70000 ms ago") : List.of(),
        doubles,
        10,
        Map.of("DeviceClosedException", 10L - open),
        open,
        open > 0 ? List.of("cycle on relays-0002 issued 11500 ms ago") : List.of(),
        doubles,
        Map.of("switch", 5000L),
        Map.of("isotek restart", 3L),
        0,
        List.of(),
        notAtEnd,
        start,
        end,
        leftThreads);
  }

  @Test
  void aCleanRunWithinTheTolerancesPasses() {
    SoakReport r = report(0, 0, new ProcessProbe(12_000_000, 116, 2, 122), List.of(), 0);

    assertThat(r.violations()).isEmpty();
    assertThat(r.passed()).isTrue();
  }

  @Test
  void eachBrokenInvariantIsNamed() {
    SoakReport r =
        report(
            1, 2, new ProcessProbe(12_000_000, 117, 3, 123), List.of("tunnel-0003 CONNECTING"), 1);

    assertThat(r.passed()).isFalse();
    assertThat(r.violations())
        .hasSize(8)
        .anySatisfy(
            v -> assertThat(v).startsWith("1 command(s) never completed").contains("isotek-0001"))
        .anySatisfy(v -> assertThat(v).startsWith("2 stage(s) completed more than once"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .startsWith("1 command(s) in flight when the runtime closed never completed")
                    .contains("cycle on relays-0002"))
        .anySatisfy(
            v ->
                assertThat(v)
                    .isEqualTo(
                        "2 stage(s) in flight when the runtime closed completed more than once"))
        .anySatisfy(v -> assertThat(v).contains("tunnel-0003 CONNECTING"))
        .anySatisfy(
            v -> assertThat(v).isEqualTo("live threads grew from 100 to 117 (tolerance 16)"))
        .anySatisfy(
            v ->
                assertThat(v).isEqualTo("open file descriptors grew from 90 to 123 (tolerance 32)"))
        .anySatisfy(v -> assertThat(v).contains("still alive after the runtime closed"));
  }

  @Test
  void theMixIsSharedOutSoThatTheCountsAddUpToTheDevices() {
    assertThat(SoakSettings.defaults().counts())
        .isEqualTo(
            Map.of(
                DeviceKind.ISOTEK,
                400,
                DeviceKind.ENISTIC,
                300,
                DeviceKind.TUNNEL,
                200,
                DeviceKind.RELAYS,
                100));
    Map<DeviceKind, Integer> odd = SoakSettings.defaults().withDevices(7).counts();
    assertThat(odd.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(7);
    assertThat(SoakSettings.parse("--devices", "5", "--mix", "enistic=1").counts())
        .containsEntry(DeviceKind.ENISTIC, 5)
        .containsEntry(DeviceKind.ISOTEK, 0);
  }
}

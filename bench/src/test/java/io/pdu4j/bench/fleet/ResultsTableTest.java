package io.pdu4j.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTableTest {
  @TempDir Path dir;

  @Test
  void replacesOnlyWhatIsBetweenTheMarkers() throws Exception {
    Path page = dir.resolve("benchmarks.md");
    Files.writeString(
        page,
        "# B\n\nbefore\n" + ResultsTable.BEGIN + "\nold table\n" + ResultsTable.END + "\nafter\n");

    ResultsTable.writeInto(page, "new table\n");

    assertThat(Files.readString(page))
        .isEqualTo(
            "# B\n\nbefore\n"
                + ResultsTable.BEGIN
                + "\nnew table\n"
                + ResultsTable.END
                + "\nafter\n");
  }

  @Test
  void appendsTheTableWithItsMarkersWhenThePageHasNone() throws Exception {
    Path page = dir.resolve("benchmarks.md");
    Files.writeString(page, "# B\n");

    ResultsTable.writeInto(page, "t\n");
    ResultsTable.writeInto(page, "u\n");

    assertThat(Files.readString(page))
        .isEqualTo("# B\n\n" + ResultsTable.BEGIN + "\nu\n" + ResultsTable.END + "\n");
  }

  @Test
  void everyRowIsRenderedEvenWhenAStepWasSkipped() {
    FleetResults r = new FleetResults();
    r.fleets.add(FleetResults.Fleet.skipped(10_000, "skipped: fd limit"));
    String table = ResultsTable.render(r, FleetSettings.parse(new String[0]));

    for (String row : ResultsTable.ROWS) {
      assertThat(table).contains("| " + row);
    }
    assertThat(table).contains("N = 10,000 skipped: fd limit");
  }

  @Test
  void aFleetOfOneDeviceHasNoFigurePerOtherDevice() {
    FleetResults r = new FleetResults();
    r.baseline = measured(1, 40L << 20, 90L << 20);
    r.fleets.add(measured(1, 41L << 20, 92L << 20));
    r.fleets.add(measured(3, 42L << 20, 94L << 20));

    String table = ResultsTable.render(r, FleetSettings.parse(new String[] {"--devices", "1,3"}));

    assertThat(table).doesNotContain("Infinity").doesNotContain("NaN");
    // N = 3: 2 MiB of heap over its 2 other devices; N = 1: none to divide by
    assertThat(table).contains("– / 1024.0 KiB (heap in use after a full GC");
    assertThat(table)
        .contains("0.0 MB in 0.10 s (gzip")
        .contains("after 2 not counted, serve's first of which took 0.40 / 0.40 s");
  }

  private static FleetResults.Fleet measured(int devices, long heapUsed, long rss) {
    return new FleetResults.Fleet(
        devices,
        null,
        0.1,
        0.05,
        0.05,
        heapUsed,
        heapUsed * 2,
        rss,
        20,
        1,
        0,
        0,
        1000,
        0.1,
        0.4,
        100,
        0.1,
        10,
        10,
        1,
        2,
        3,
        100,
        100,
        30,
        30,
        30);
  }

  @Test
  void optionsAreParsedAndBadOnesRefused() {
    FleetSettings s =
        FleetSettings.parse(
            new String[] {
              "--devices", "20,1_000", "--window", "500ms", "--no-docs", "--jfr", "20"
            });

    assertThat(s.devices()).containsExactly(20, 1000);
    assertThat(s.window()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.docs()).isNull();
    assertThat(s.jfrAt()).isEqualTo(20);
    assertThat(s.cliVariants()).containsExactlyInAnyOrder("c1", "cds", "launcher", "repo");
    assertThat(FleetSettings.parse(new String[] {"--cli-variants", "none"}).cliVariants())
        .isEmpty();
    assertThat(FleetSettings.parse(new String[] {"--cli-variants", "cds"}).cliVariants())
        .containsExactly("cds");
    assertThatThrownBy(() -> FleetSettings.parse(new String[] {"--cli-variants", "c2"}))
        .hasMessageContaining("--cli-variants: no variant 'c2'");
    assertThatThrownBy(() -> FleetSettings.parse(new String[] {"--devices", "0"}))
        .hasMessageContaining("--devices: 0 is out of range");
    assertThatThrownBy(() -> FleetSettings.parse(new String[] {"--window", "soon"}))
        .hasMessageContaining("--window: not a duration: 'soon'");
    assertThatThrownBy(() -> FleetSettings.parse(new String[] {"--fast"}))
        .hasMessageContaining("--fast needs a value");
  }

  @Test
  void theCompilersShareIsItsThreadsByTheirNamesAlone() {
    ProcessStats.CpuTime before =
        new ProcessStats.CpuTime(
            0, 0, Map.of(1L, 0L, 2L, 0L, 3L, 0L), Map.of(1L, "pdu4j-io-1", 2L, "C2 CompilerThre"));
    ProcessStats.CpuTime after =
        new ProcessStats.CpuTime(
            0,
            0,
            Map.of(1L, 9_000_000L, 2L, 3_000_000L, 3L, 500_000L, 4L, 1_000_000L),
            Map.of(
                1L, "pdu4j-io-1", 2L, "C2 CompilerThre", 3L, "C1 CompilerThre", 4L, "VM Thread"));

    assertThat(FleetBench.compilerSeconds(after, before)).isCloseTo(0.0035, within(1e-9));
    assertThat(ResultsTable.render(new FleetResults(), FleetSettings.parse(new String[0])))
        .contains("30 s of warm-up and once serve's JIT compiler was quiet (under 2 ms of CPU a")
        .contains("waited for at most 60 s more)");
  }

  @Test
  void theTableNamesServesRuntimeSectionAndJvmOptionsWhenGiven() {
    FleetResults r = new FleetResults();
    r.fleets.add(FleetResults.Fleet.skipped(20, "skipped"));
    FleetSettings given =
        FleetSettings.parse(
            new String[] {
              "--serve-runtime",
              " io-batch-window: 10ms ",
              "--serve-opts",
              "-Xmx1g -XX:+AlwaysPreTouch"
            });

    assertThat(given.serveRuntime()).isEqualTo("io-batch-window: 10ms");
    assertThat(ResultsTable.render(r, given))
        .contains(
            "; serve's devices.yaml with `runtime: { io-batch-window: 10ms }`; serve's JVM options"
                + " `-Xmx1g -XX:+AlwaysPreTouch`.\n");
    assertThat(ResultsTable.render(r, FleetSettings.parse(new String[0])))
        .doesNotContain("serve's devices.yaml")
        .doesNotContain("JVM options");
    assertThatThrownBy(
            () -> FleetSettings.parse(new String[] {"--serve-runtime", "{ max-opening: 8 }"}))
        .hasMessageContaining("--serve-runtime: write the entries alone on one line");
  }

  @Test
  void theTableSaysHowManyCommandsWarmedUpAndWereNotCounted() {
    FleetResults r = new FleetResults();
    r.fleets.add(FleetResults.Fleet.skipped(20, "skipped"));

    assertThat(FleetSettings.parse(new String[0]).commandWarmup()).isEqualTo(1000);
    assertThat(ResultsTable.render(r, FleetSettings.parse(new String[0])))
        .contains("1000 commands per size after 1000 not counted (the command path warms up).");
    FleetSettings none =
        FleetSettings.parse(new String[] {"--commands", "50", "--command-warmup", "0"});
    assertThat(none.commandWarmup()).isZero();
    assertThat(ResultsTable.render(r, none)).contains("50 commands per size.\n");
    assertThatThrownBy(() -> FleetSettings.parse(new String[] {"--command-warmup", "-1"}))
        .hasMessageContaining("--command-warmup: -1 is out of range");
  }
}

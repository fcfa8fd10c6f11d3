package io.pdu4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.bench.fleet.FleetBench;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet benchmark ({@code bench/fleet}) in its short form: 20 devices for a few seconds, every
 * step of the long run (load generator, bare reader and the packaged {@code pdu4j serve}; Enistic
 * ingest; the round trip; the CLI's plain start, without the variants that only show what an option
 * would give). Checks that the harness works and its figures are sane, never a speed: every device
 * connected, every command confirmed, CPU measured, every row of the table there with numbers, the
 * table written into the page between its markers.
 */
class FleetBenchIT {
  private static final Path CLI_JAR =
      Path.of(System.getProperty("pdu4j.jar", "../cli/target/pdu4j.jar"));

  @TempDir Path dir;

  @Test
  void aTinyFleetGivesEveryRowWithSaneFigures() throws Exception {
    Path page = dir.resolve("benchmarks.md");
    Files.writeString(page, "# Benchmarks\n\nkept\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    List<String> problems =
        FleetBench.run(
            new String[] {
              "--devices", "20",
              "--warmup", "0s",
              "--window", "2s",
              "--commands", "20",
              "--command-warmup", "20",
              "--enistic-rates", "2000",
              "--enistic-duration", "1s",
              "--round-trips", "50",
              "--cli-runs", "1",
              "--cli-variants", "none",
              "--cli-jar", CLI_JAR.toString(),
              "--docs", page.toString(),
              "--work", dir.resolve("work").toString()
            },
            out);
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(text);

    assertThat(problems).as("problems").isEmpty();
    assertThat(text).contains("commands 20/20 confirmed");
    // the one-device baseline gets the same commands as the size, so that what the command path
    // leaves in serve is not counted as the devices'
    assertThat(text.split("20 warm-up commands \\(not counted\\)", -1)).hasSize(3);
    // the live set after four full collections (the serial collector's fillers are gone after
    // the fourth), and serve's class histogram kept beside it, for the baseline and the size
    for (String size : List.of("fleet-1", "fleet-20")) {
      Path work = dir.resolve("work").resolve(size);
      assertThat(Files.readAllLines(work.resolve("jcmd.txt")))
          .containsExactly("GC.run", "GC.run", "GC.run", "GC.run", "GC.heap_info");
      assertThat(Files.readString(work.resolve("class-histogram.txt")))
          .contains("io.pdu4j.runtime.internal.DeviceMetrics")
          .containsPattern("(?m)^Total +[0-9]+ +[0-9]+$");
    }
    Matcher cpu = Pattern.compile("CPU serve ([0-9.]+) floor ([0-9.]+)").matcher(text);
    assertThat(cpu.find()).isTrue();
    assertThat(Double.parseDouble(cpu.group(1))).as("serve CPU").isPositive();
    assertThat(Double.parseDouble(cpu.group(2))).as("floor CPU").isPositive();
    assertThat(text).containsPattern("serve counted [1-9][0-9,]* ");
    String page2 = Files.readString(page);
    assertThat(page2).startsWith("# Benchmarks\n\nkept\n").contains("<!-- fleet-bench:begin");
    for (String row :
        List.of(
            "serve CPU, N = 20",
            "live heap per device",
            "RSS per device",
            "serve threads, N = 20",
            "open files, N = 20",
            "`/metrics`, N = 20",
            "connecting N = 20 devices",
            "command latency under load, N = 20",
            "confirmed switch vs raw socket exchange",
            "Enistic ingest",
            "`pdu4j status` cold")) {
      Matcher m =
          Pattern.compile("\\| " + Pattern.quote(row) + "[^|]* \\| ([^|]+) \\|").matcher(page2);
      assertThat(m.find()).as("row %s", row).isTrue();
      assertThat(m.group(1))
          .as("row %s", row)
          .containsPattern("[0-9]")
          .doesNotContain("NaN", "not run");
    }
  }
}

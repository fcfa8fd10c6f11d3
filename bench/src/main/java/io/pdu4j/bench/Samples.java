package io.pdu4j.bench;

import java.util.ArrayList;
import java.util.List;

/** Protocol text as the devices send it, for the benchmarks. */
final class Samples {
  private Samples() {}

  /** An IsoTek status reply's lines, {@code CH0}..{@code CHn}, {@code RTC=}, {@code OK}. */
  static List<String> isoTekStatusLines(int outlets) {
    List<String> lines = new ArrayList<>();
    lines.add("CH0=1|231|" + 37 * outlets + "|");
    for (int n = 1; n <= outlets; n++) {
      lines.add("CH" + n + "=" + (n % 2) + "|231|" + (n % 2) * 37 + "|");
    }
    lines.add("RTC=2026/11|21|09|30|15|");
    lines.add("OK");
    return lines;
  }

  /** The same reply on the wire: lines ended by LF, then the {@code >} prompt with no line end. */
  static String isoTekStatusBlock(int outlets) {
    return String.join("\n", isoTekStatusLines(outlets)) + "\n>";
  }
}

package io.pdu4j.cli;

import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * Runs the one-shot commands once against a simulated IsoTek PDU on loopback, in this JVM, and
 * exits: the run the class-data-sharing archive ({@code pdu4j.jsa}, see docs/install.md) records
 * with {@code -XX:ArchiveClassesAtExit}, so that it holds the classes a short command loads. The
 * build makes {@code cli/target/pdu4j.jsa} with it; the tarball's launcher makes its archive with
 * it on first use. Exits with 1 when a command failed (the archive would miss its classes).
 */
public final class StartTraining {
  private StartTraining() {}

  /**
   * Runs the training commands.
   *
   * @param args none
   */
  public static void main(String[] args) {
    Main.configureLogging(false);
    Main.configureIo(new String[0]);
    PrintWriter sink = new PrintWriter(Writer.nullWriter());
    int failed = 0;
    try (IsoTekSimulator sim = IsoTekSimulator.builder().outlets(16).build().start()) {
      String uri = "isotek:tcp://127.0.0.1:" + sim.port() + "?timeout=5s";
      for (List<String> command :
          List.of(
              List.of("status", uri),
              List.of("status", uri, "--json"),
              List.of("off", uri, "1"),
              List.of("on", uri, "1"),
              List.of("outlets", uri),
              List.of("clock", uri),
              List.of("status", "--help"))) {
        PrintWriter err = new PrintWriter(System.err, true);
        int code = Main.run(command.toArray(String[]::new), sink, err, Style.PLAIN, Map.of());
        if (code != ExitCodes.OK) {
          err.println("pdu4j: training command " + command.get(0) + " exited with " + code);
          failed++;
        }
      }
    }
    System.exit(failed == 0 ? 0 : 1);
  }
}

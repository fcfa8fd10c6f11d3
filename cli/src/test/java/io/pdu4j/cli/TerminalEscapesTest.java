package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A unit whose outlet name and error reply carry terminal escapes (ESC[31m, BEL): no human output
 * of pdu4j passes a control character on to the terminal, and each shows the escaped form instead.
 */
class TerminalEscapesTest {
  /** ESC [ 3 1 m R d BEL: eight characters, as the unit keeps names. */
  private static final String HOSTILE_NAME = "\u001b[31mRd\u0007";

  private static final String SHOWN_NAME = "\\x1B[31mRd\\x07";

  /** Any C0 control but the line ends, DEL, or a C1 control. */
  private static final Pattern RAW_CONTROL =
      Pattern.compile("[\\x00-\\x09\\x0B\\x0C\\x0E-\\x1F\\x7F\\x80-\\x9F]");

  private IsoTekSimulator sim;
  private String uri;

  @BeforeEach
  void start() {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .outletConfig(3, HOSTILE_NAME, 1, 0)
            .errorReply("E\u001b[2J\u001b]0;owned\u0007")
            .refuse("S5=0")
            .build()
            .start();
    uri = "isotek:tcp://127.0.0.1:" + sim.port();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  private static void assertNoRawControl(CliTest.Result r) {
    assertThat(RAW_CONTROL.matcher(r.out()).find()).as("stdout: %s", r.out()).isFalse();
    assertThat(RAW_CONTROL.matcher(r.err()).find()).as("stderr: %s", r.err()).isFalse();
  }

  @Test
  void statusTableShowsTheNameEscaped() {
    CliTest.Result r = CliTest.run("status", uri);
    assertThat(r.code()).as(r.err()).isZero();
    assertNoRawControl(r);
    assertThat(r.out()).containsPattern("(?m)^\\s+3\\s+" + Pattern.quote(SHOWN_NAME) + "\\s+ON");
  }

  @Test
  void outletsListShowsTheNameEscaped() {
    CliTest.Result r = CliTest.run("outlets", uri);
    assertThat(r.code()).as(r.err()).isZero();
    assertNoRawControl(r);
    assertThat(r.out()).containsPattern("(?m)^\\s+3\\s+" + Pattern.quote(SHOWN_NAME));
  }

  @Test
  void switchLineShowsTheNameEscaped() {
    CliTest.Result r = CliTest.run("off", uri, "3");
    assertThat(r.code()).as(r.err()).isZero();
    assertNoRawControl(r);
    assertThat(r.out()).contains(SHOWN_NAME).contains("OFF");
  }

  @Test
  void watchTableShowsTheNameEscaped() {
    CliTest.Result r = CliTest.run("watch", uri, "--for", "1500ms");
    assertThat(r.code()).as(r.err()).isZero();
    assertNoRawControl(r);
    assertThat(r.out()).contains(SHOWN_NAME);
  }

  @Test
  void anErrorLineQuotingTheRawReplyShowsItEscaped() {
    CliTest.Result r = CliTest.run("off", uri, "5");
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(ExitCodes.REJECTED);
    assertNoRawControl(r);
    assertThat(r.err()).contains("S5=0").contains("\\x1B[2J").contains("\\x07");
    assertThat(sim.outletState(5)).isTrue();
  }

  @Test
  void jsonStillCarriesTheNameAsTheDeviceSentIt() throws Exception {
    CliTest.Result r = CliTest.run("status", uri, "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertNoRawControl(r);
    assertThat(
            new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(r.out())
                .path("outlets")
                .get(2)
                .path("name")
                .asText())
        .isEqualTo(HOSTILE_NAME);
  }
}

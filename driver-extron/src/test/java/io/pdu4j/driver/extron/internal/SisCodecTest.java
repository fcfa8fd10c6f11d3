package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SisCodecTest {

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void theBannerGivesModelAndFirmware() {
    SisCodec.Banner b =
        SisCodec.parseBanner("(c) Copyright 2013, Extron Electronics, IPCP 505, V1.03, 60-1071-02")
            .orElseThrow();
    assertThat(b.model()).isEqualTo("IPCP 505");
    assertThat(b.firmware()).isEqualTo("1.03");
    assertThat(b.partNumber()).isEqualTo("60-1071-02");
    assertThat(b.year()).isEqualTo("2013");
    assertThat(SisCodec.parseBanner("Sat, 21 Nov 2026 06:14:12")).isEmpty();
  }

  @Test
  void loginLines() {
    assertThat(SisCodec.parseLogin("Login Administrator")).hasValue("Administrator");
    assertThat(SisCodec.parseLogin("******Login User")).hasValue("User");
    assertThat(SisCodec.parseLogin("Login Guest")).isEmpty();
    assertThat(SisCodec.endsWithPasswordPrompt("\r\nPassword:")).isTrue();
    assertThat(SisCodec.endsWithPasswordPrompt("Password: ")).isTrue();
    assertThat(SisCodec.endsWithPasswordPrompt("Passw")).isFalse();
  }

  @Test
  void errorCodesCarryTheirMeaning() {
    assertThat(SisCodec.parseError("E10").orElseThrow().meaning()).isEqualTo("invalid command");
    assertThat(SisCodec.parseError("E12").orElseThrow().meaning()).isEqualTo("invalid port number");
    assertThat(SisCodec.parseError("E13").orElseThrow().meaning()).isEqualTo("invalid value");
    assertThat(SisCodec.parseError("E14").orElseThrow().describe())
        .isEqualTo("E14 (not valid for this configuration)");
    assertThat(SisCodec.parseError("E22").orElseThrow().meaning()).isEqualTo("busy");
    assertThat(SisCodec.parseError("E24").orElseThrow().meaning()).isEqualTo("privilege violation");
    assertThat(SisCodec.parseError("E25").orElseThrow().meaning()).isEqualTo("device not present");
    assertThat(SisCodec.parseError("E26").orElseThrow().meaning())
        .isEqualTo("maximum connections exceeded");
    assertThat(SisCodec.parseError("E27").orElseThrow().meaning())
        .isEqualTo("invalid event number");
    assertThat(SisCodec.parseError("E28").orElseThrow().meaning()).isEqualTo("bad filename");
    assertThat(SisCodec.parseError("E31").orElseThrow().code()).isEqualTo(31);
    assertThat(SisCodec.parseError("E99").orElseThrow().describe()).isEqualTo("E99 (device error)");
    assertThat(SisCodec.parseError("E1")).isEmpty();
    assertThat(SisCodec.parseError("Echo")).isEmpty();
  }

  @Test
  void theGuidesExampleHeader() {
    // Esc 05*4*7*3L RS } <data>: only the delimiter form is produced, so compare the pieces
    assertThat(
            text(
                SisCodec.sendDataHeader(
                    5, OptionalInt.of(4), OptionalInt.of(7), OptionalInt.of(36))))
        .isEqualTo("\u001b05*4*7*36DRS\r");
    assertThat(
            text(
                SisCodec.sendDataHeader(
                    3, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty())))
        .isEqualTo("\u001b03RS\r");
    assertThat(
            text(
                SisCodec.sendDataHeader(
                    3, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of('>'))))
        .isEqualTo("\u001b03*10*2*62DRS\r");
    assertThat(
            text(
                SisCodec.sendDataHeader(
                    16, OptionalInt.of(0), OptionalInt.of(0), OptionalInt.empty())))
        .isEqualTo("\u001b16*0*0*0LRS\r");
  }

  @Test
  void theDataFollowsTheHeadersCr() {
    byte[] req =
        SisCodec.sendData(
            3,
            OptionalInt.empty(),
            OptionalInt.empty(),
            OptionalInt.of('>'),
            "?\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(text(req)).isEqualTo("\u001b03*10*2*62DRS\r?\n");
  }

  @Test
  void badParametersAreRefusedClearly() {
    OptionalInt none = OptionalInt.empty();
    assertThatThrownBy(() -> SisCodec.sendDataHeader(0, none, none, none))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("1..16");
    assertThatThrownBy(() -> SisCodec.sendDataHeader(17, none, none, none))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> SisCodec.sendDataHeader(3, OptionalInt.of(5), none, none))
        .hasMessageContaining("together");
    assertThatThrownBy(() -> SisCodec.sendDataHeader(3, OptionalInt.of(0), OptionalInt.of(5), none))
        .hasMessageContaining("both be zero or both be non-zero");
    assertThatThrownBy(
            () -> SisCodec.sendDataHeader(3, OptionalInt.of(32768), OptionalInt.of(5), none))
        .hasMessageContaining("32767");
    assertThatThrownBy(() -> SisCodec.sendData(3, none, none, none, new byte[200]))
        .hasMessageContaining("200");
    assertThatThrownBy(() -> SisCodec.sendData(3, none, none, none, new byte[0]))
        .hasMessageContaining("no data");
    assertThat(SisCodec.sendData(3, none, none, none, new byte[199])).hasSize(199 + 6);
  }

  @Test
  void inlineDataGoesBeforeTheCrWithItsTerminatorsAndPercentEncoded() {
    byte[] request =
        SisCodec.sendData(
            3,
            OptionalInt.empty(),
            OptionalInt.empty(),
            OptionalInt.of('>'),
            "S2=1 50%\r\n".getBytes(StandardCharsets.ISO_8859_1),
            true);
    assertThat(text(request)).isEqualTo("\u001b03*10*2*62DRSS2=1 50%25%0D%0A\r");
    // the size limit is the data's own, before encoding
    byte[] lines = new byte[199];
    java.util.Arrays.fill(lines, (byte) '\n');
    assertThat(
            SisCodec.sendData(
                    3, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), lines, true)
                .length)
        .isEqualTo("\u001b03RS\r".length() + 3 * 199);
    // the guide's form is unchanged
    assertThat(
            text(
                SisCodec.sendData(
                    5,
                    OptionalInt.of(4),
                    OptionalInt.of(7),
                    OptionalInt.empty(),
                    "<data>".getBytes(StandardCharsets.ISO_8859_1),
                    false)))
        .isEqualTo("\u001b05*4*7*0LRS\r<data>");
  }

  @Test
  void leadsOfAReplyAreAPrefixThenAnEcho() {
    byte[] prefix = "DATA:".getBytes(StandardCharsets.ISO_8859_1);
    byte[] echo = "S1=1\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(SisCodec.lead("DA".getBytes(StandardCharsets.ISO_8859_1), 0, prefix))
        .isEqualTo(SisCodec.Lead.PARTIAL);
    assertThat(SisCodec.lead("OK".getBytes(StandardCharsets.ISO_8859_1), 0, prefix))
        .isEqualTo(SisCodec.Lead.ABSENT);
    assertThat(SisCodec.leadLength(bytes("DATA:S1=1\nOK>"), prefix, echo)).isEqualTo(10);
    assertThat(SisCodec.leadLength(bytes("DATA:OK>"), prefix, echo)).isEqualTo(5);
    assertThat(SisCodec.leadLength(bytes("S1=1\nOK>"), prefix, echo)).isEqualTo(5);
    assertThat(SisCodec.leadLength(bytes("OK>"), prefix, echo)).isZero();
    assertThat(SisCodec.leadLength(bytes("OK>"), new byte[0], new byte[0])).isZero();
  }

  @Test
  void busyAndNoFreeConnectionAreBusyFailuresOnlyE22IsRetried() {
    SisCodec.SisError e22 = SisCodec.parseError("E22").orElseThrow();
    SisCodec.SisError e26 = SisCodec.parseError("E26").orElseThrow();
    SisCodec.SisError e14 = SisCodec.parseError("E14").orElseThrow();
    var busy = SisCodec.exception(e22, "dev", "x", "the IPCP answered ");
    var full = SisCodec.exception(e26, "dev", null, "refused: ");
    assertThat(busy).isInstanceOf(io.pdu4j.api.DeviceBusyException.class);
    assertThat(full)
        .isInstanceOf(io.pdu4j.api.DeviceBusyException.class)
        .hasMessageContaining("E26 (maximum connections exceeded)");
    assertThat(SisCodec.exception(e14, "dev", "x", ""))
        .isInstanceOf(io.pdu4j.api.DeviceRejectedException.class);
    assertThat(SisCodec.isBusy(busy)).isTrue();
    assertThat(SisCodec.isBusy(full)).isFalse();
    assertThat(SisCodec.isBusy(new io.pdu4j.api.DeviceBusyException("queue full"))).isFalse();
  }

  @Test
  void serialSetupIsValidatedAndFormattedAsTheGuideShows() {
    SerialSetup s = SerialSetup.parse("115200,n,8,1");
    assertThat(text(s.command(1))).isEqualTo("\u001b01*115200,N,8,1CP\r");
    assertThat(s.expectedReply(1)).isEqualTo("Cpn01 Ccp115200,N,8,1");
    assertThat(SerialSetup.parse("9600,E,7,2").value()).isEqualTo("9600,E,7,2");
    assertThatThrownBy(() -> SerialSetup.parse("115201,N,8,1"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("baud must be one of");
    assertThatThrownBy(() -> SerialSetup.parse("9600,M,8,1")).hasMessageContaining("parity");
    assertThatThrownBy(() -> SerialSetup.parse("9600,N,6,1")).hasMessageContaining("data bits");
    assertThatThrownBy(() -> SerialSetup.parse("9600,N,8,3")).hasMessageContaining("stop bits");
    assertThatThrownBy(() -> SerialSetup.parse("9600,N,8")).hasMessageContaining("baud,parity");
    assertThatThrownBy(() -> SerialSetup.parse("fast,N,8,1")).hasMessageContaining("baud,parity");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}

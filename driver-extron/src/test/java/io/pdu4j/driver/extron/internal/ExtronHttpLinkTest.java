package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ExtronHttpLinkTest {

  @Test
  void theWebFormOfTheGuidesExample() {
    // the guide: W05%2A4%2A7%2A3LRS|<data>
    byte[] header =
        SisCodec.sendDataHeader(5, OptionalInt.of(4), OptionalInt.of(7), OptionalInt.empty());
    assertThat(ExtronHttpLink.cmd(header)).isEqualTo("W05%2A4%2A7%2A0LRS|");
  }

  @Test
  void dataIsPercentEncodedExceptLettersAndDigitsAndItsCrIsNotTheHeaders() {
    byte[] request =
        SisCodec.sendData(
            3,
            OptionalInt.empty(),
            OptionalInt.empty(),
            OptionalInt.of('>'),
            "S2=0 +\r\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(ExtronHttpLink.cmd(request)).isEqualTo("W03%2A10%2A2%2A62DRS|S2%3D0%20%2B%0D%0A");
  }

  @Test
  void inlineDataIsEncodedTwiceOnTheWebItsPercentAndTerminatorsSurvive() {
    byte[] request =
        SisCodec.sendData(
            3,
            OptionalInt.empty(),
            OptionalInt.empty(),
            OptionalInt.of('>'),
            "S2=0%\n".getBytes(StandardCharsets.US_ASCII),
            true);
    // the SIS text carries %25 and %0A; the URL encodes their % again; the command's CR is the |
    assertThat(ExtronHttpLink.cmd(request)).isEqualTo("W03%2A10%2A2%2A62DRSS2%3D0%2525%250A|");
  }
}

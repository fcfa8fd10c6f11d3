package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtronSimCommandTest {

  @Test
  void comSpecsNameAPortAndADevice() {
    assertThat(SimCommand.Extron.comSpecs(List.of("3=isotek", "12=5010", "4=/tmp/pdu")))
        .isEqualTo(Map.of(3, "isotek", 12, "5010", 4, "/tmp/pdu"));
  }

  @Test
  void badComSpecsAreRefused() {
    for (String bad :
        List.of("3", "0=isotek", "17=isotek", "3=modem", "x=isotek", "3=/", "3=tty0")) {
      assertThatThrownBy(() -> SimCommand.Extron.comSpecs(List.of(bad)))
          .as(bad)
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("--com");
    }
    assertThatThrownBy(() -> SimCommand.Extron.comSpecs(List.of("3=isotek", "3=5010")))
        .hasMessageContaining("twice");
  }

  @Test
  void aNegativeConnectionLimitIsAUsageError() {
    CliTest.Result r = CliTest.run("sim", "extron", "--port", "0", "--max-connections", "-1");
    assertThat(r.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("maxConnections");
  }
}

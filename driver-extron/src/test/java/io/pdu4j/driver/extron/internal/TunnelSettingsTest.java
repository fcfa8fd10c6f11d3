package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelSettingsTest {
  @TempDir Path dir;

  private static TunnelSettings read(String uri) {
    return TunnelSettings.from(DeviceAddress.parse(uri), OptionalInt.of('>'));
  }

  @Test
  void defaults() {
    TunnelSettings s = read("isotek:extron://10.0.0.9/3");
    assertThat(s.ipcpPort()).isEqualTo(23);
    assertThat(s.comPort()).isEqualTo(3);
    assertThat(s.crlfAppended()).isTrue();
    assertThat(s.keepAlive()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.password()).isEmpty();
    assertThat(s.describe()).isEqualTo("extron://10.0.0.9:23/3");
  }

  @Test
  void options() {
    TunnelSettings s =
        read("isotek:extron://10.0.0.9:2023/12?t1=0&t2=0&crlf=none&keepalive=30s&password=env:X");
    assertThat(s.ipcpPort()).isEqualTo(2023);
    assertThat(s.comPort()).isEqualTo(12);
    assertThat(s.t1()).hasValue(0);
    assertThat(s.crlfAppended()).isFalse();
    assertThat(s.keepAlive()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.password()).isPresent();
    assertThat(s.describe()).doesNotContain("env:X");
  }

  @Test
  void badAddressesAreRefusedClearly() {
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("/3 for COM3");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/17")).hasMessageContaining("1..16");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?t1=5"))
        .hasMessageContaining("together");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?crlf=maybe"))
        .hasMessageContaining("appended");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?keepalive=400s"))
        .hasMessageContaining("300");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?password=hunter22"))
        .hasMessageContaining("env:NAME")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter22"));
  }

  @Test
  void secretsResolveFromFilesAndTheEnvironment() throws Exception {
    Path f = Files.writeString(dir.resolve("pw"), "top-secret\r\n");
    assertThat(SecretReference.parse("password", "file:" + f).resolve()).isEqualTo("top-secret");
    Map<String, String> env = Map.of("IPCP_PW", "from-env");
    assertThat(SecretReference.parse("password", "env:IPCP_PW", env::get).resolve())
        .isEqualTo("from-env");
    assertThatThrownBy(() -> SecretReference.parse("password", "env:NOPE", env::get).resolve())
        .hasMessageContaining("NOPE is not set");
    assertThatThrownBy(
            () -> SecretReference.parse("password", "file:" + dir.resolve("missing")).resolve())
        .hasMessageContaining("cannot read");
  }
}

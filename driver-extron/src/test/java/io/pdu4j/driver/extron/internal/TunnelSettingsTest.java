package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TunnelSettingsTest {

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
  void theNewOptionsHaveDefaultsAndAreValidated() {
    TunnelSettings d = read("isotek:extron://10.0.0.9/3");
    assertThat(d.inline()).isFalse();
    assertThat(d.prefix()).isEmpty();
    assertThat(d.busyRetries()).isEqualTo(3);
    assertThat(d.busyPause()).isEqualTo(Duration.ofMillis(250));
    assertThat(d.user()).isEqualTo("admin");
    assertThat(d.serial()).isEmpty();
    TunnelSettings s =
        read(
            "isotek:extron://10.0.0.9/3?data=inline&prefix=DATA%3A&busy-retries=0"
                + "&busy-pause=1s&user=operator&serial=9600,E,7,2");
    assertThat(s.inline()).isTrue();
    assertThat(s.prefix()).isEqualTo("DATA:");
    assertThat(s.busyRetries()).isZero();
    assertThat(s.busyPause()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.user()).isEqualTo("operator");
    assertThat(s.serial()).hasValue(new SerialSetup(9600, 'E', 7, 2));
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?data=before"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("'after' or 'inline'");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?busy-retries=many"))
        .hasMessageContaining("busy-retries must be a whole number");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?busy-retries=21"))
        .hasMessageContaining("busy-retries must be 0..20");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?busy-pause=1ms"))
        .hasMessageContaining("busy-pause must be 10ms..10s");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?serial=9600,X,8,1"))
        .hasMessageContaining("invalid extron address")
        .hasMessageContaining("parity");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?user=a:b"))
        .hasMessageContaining("user");
    assertThatThrownBy(() -> read("isotek:extron://10.0.0.9/3?prefix=%0D"))
        .hasMessageContaining("prefix");
  }

  @Test
  void aReplyWithoutDelimiterEndsAfterQuietDerivedFromT2() {
    assertThat(read("isotek:extron://10.0.0.9/3").replyQuiet()).isEqualTo(Duration.ofMillis(150));
    assertThat(read("isotek:extron://10.0.0.9/3?t1=10&t2=20").replyQuiet())
        .isEqualTo(Duration.ofMillis(400));
    assertThat(read("isotek:extron://10.0.0.9/3?t1=100&t2=5000").replyQuiet())
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void theRelaysSessionReadsTheBusyOptions() {
    TunnelSettings g =
        TunnelSettings.gateway(
            DeviceAddress.parse("extron:tcp://10.0.0.9?busy-retries=5&busy-pause=100ms"));
    assertThat(g.busyRetries()).isEqualTo(5);
    assertThat(g.busyPause()).isEqualTo(Duration.ofMillis(100));
    assertThat(TunnelSettings.GATEWAY_OPTIONS).contains("busy-retries", "busy-pause");
  }
}

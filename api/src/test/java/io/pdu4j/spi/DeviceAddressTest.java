package io.pdu4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceAddressTest {

  @Test
  void parsesTcpAddress() {
    DeviceAddress a = DeviceAddress.parse("isotek:tcp://10.0.0.5:501");
    assertThat(a.driver()).isEqualTo("isotek");
    assertThat(a.transport()).isEqualTo("tcp");
    assertThat(a.host()).contains("10.0.0.5");
    assertThat(a.port()).hasValue(501);
    assertThat(a.path()).isEmpty();
    assertThat(a.options()).isEmpty();
    assertThat(a).hasToString("isotek:tcp://10.0.0.5:501");
  }

  @Test
  void parsesSerialAddressWithoutHost() {
    DeviceAddress a = DeviceAddress.parse("isotek:serial:///dev/ttyUSB0?baud=115200&parity=none");
    assertThat(a.host()).isEmpty();
    assertThat(a.port()).isEmpty();
    assertThat(a.path()).isEqualTo("/dev/ttyUSB0");
    assertThat(a.options())
        .containsExactly(
            java.util.Map.entry("baud", "115200"), java.util.Map.entry("parity", "none"));
    assertThatThrownBy(a::requireHost)
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("needs a host");
  }

  @Test
  void parsesTunnelAndUdpAddresses() {
    DeviceAddress t =
        DeviceAddress.parse("isotek:extron://10.0.0.9:23/3?password=env:IPCP_PASSWORD");
    assertThat(t.transport()).isEqualTo("extron");
    assertThat(t.path()).isEqualTo("/3");
    assertThat(t.option("password")).contains("env:IPCP_PASSWORD");
    DeviceAddress u =
        DeviceAddress.parse("enistic:udp://0.0.0.0:53005/004A3BB5B04?send=10.0.0.7:53004");
    assertThat(u.path()).isEqualTo("/004A3BB5B04");
    assertThat(u.option("send")).contains("10.0.0.7:53004");
    DeviceAddress h = DeviceAddress.parse("isotek:extron+http://ipcp:80/3");
    assertThat(h.transport()).isEqualTo("extron+http");
  }

  @Test
  void parsesIpv6HostAndDefaultsPort() {
    DeviceAddress a = DeviceAddress.parse("isotek:tcp://[::1]");
    assertThat(a.host()).contains("::1");
    assertThat(a.port()).isEmpty();
    assertThat(a.portOr(501)).isEqualTo(501);
    assertThat(a).hasToString("isotek:tcp://[::1]");
    assertThat(DeviceAddress.parse("isotek:tcp://[::1]:502").port()).hasValue(502);
  }

  @Test
  void codesAreCaseInsensitiveAndOptionValuesDecoded() {
    DeviceAddress a = DeviceAddress.parse("IsoTek:TCP://host?name=a%20b%7Cc&flag");
    assertThat(a.driver()).isEqualTo("isotek");
    assertThat(a.transport()).isEqualTo("tcp");
    assertThat(a.option("name")).contains("a b|c");
    assertThat(a.option("flag")).contains("");
  }

  @Test
  void literalSecretsAreRedactedButReferencesShown() {
    DeviceAddress literal = DeviceAddress.parse("extron:tcp://ipcp:23?password=hunter2&x=1");
    assertThat(literal.toString()).doesNotContain("hunter2").contains("password=****");
    assertThat(literal.option("password")).contains("hunter2");
    DeviceAddress ref = DeviceAddress.parse("extron:tcp://ipcp:23?password=env:PW");
    assertThat(ref.toString()).contains("password=env:PW");
  }

  @Test
  void errorsNeverEchoSecrets() {
    assertThatThrownBy(() -> DeviceAddress.parse("extron:tcp://admin:hunter2@ipcp:23"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageNotContaining("hunter2")
        .hasMessageContaining("user information");
    assertThatThrownBy(
            () -> DeviceAddress.parse("extron:tcp://ipcp:23?password=hunter2&password=again"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageNotContaining("hunter2")
        .hasMessageContaining("given twice");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "extron:tcp://ip cp:23?password=hunter2",
        "extron:tcp::23?token=hunter2",
        "extron:tcp://ipcp:99999/3?x=1&password=hunter2&y=2",
        "extron:tcp://ipcp:23?password=hunter2&bad name=1",
        "extron:tcp://ipcp:23?apiSecret=hunter2&a=%zz",
        "extron:tcp//ipcp:23?password=hunter2",
        "isotek3/3?p:assword=x:://a b:66131/IPCP/3?password=hunter2",
        "extron:tcp://ip cp:23?x=a?password=hunter2",
        "extron:tcp://h@x:23?y=//z&token=ab@hunter2",
        "extron:tcp://ipcp:23?password=hunter2xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
      })
  void noErrorEchoesALiteralSecretOption(String uri) {
    String longUri = uri.endsWith("x") ? uri + "x".repeat(2048) : uri;
    assertThatThrownBy(() -> DeviceAddress.parse(longUri))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageNotContaining("hunter2")
        .hasMessageContaining("expected driver:transport://host:port/path?option=value");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "isotek:tcp://host:501?send=a%26b&x=%2523",
        "isotek:tcp://host?note=a%20b%09c%23d",
        "isotek:tcp://[LONGHOST]:501",
        "isotek:tcp://[abc]/3?x=1",
      })
  void textReadsBackAsTheSameAddress(String uri) {
    DeviceAddress a = DeviceAddress.parse(uri.replace("LONGHOST", "a".repeat(300)));
    assertThat(DeviceAddress.parse(a.toString())).isEqualTo(a);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "isotek:serial:///dev/tty USB0",
        "isotek:tcp://h/3 ?x=1",
        "isotek:tcp://h/a\u0001b"
      })
  void blanksAndControlCharactersInThePathAreRefused(String uri) {
    assertThatThrownBy(() -> DeviceAddress.parse(uri))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("not allowed in the path");
  }

  @Test
  void errorsShowSecretReferences() {
    assertThatThrownBy(() -> DeviceAddress.parse("extron:tcp://ip cp:23?password=env:IPCP_PW"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("password=env:IPCP_PW");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|an address is required",
        "tcp://host:501|needs both a driver and a transport",
        "isotek|missing the driver",
        "isotek:host:501|missing the transport",
        "isotek://host:501|needs both a driver and a transport",
        "1sotek:tcp://host|bad driver code",
        "isotek:t_p://host|bad transport code",
        "isotek:tcp://host:0x1F5|bad port",
        "isotek:tcp://host:70000|bad port",
        "isotek:tcp://host:|bad port",
        "isotek:tcp://:501|missing host",
        "isotek:tcp://ho st:501|bad host",
        "isotek:tcp://[::1|unclosed",
        "isotek:tcp://host#frag|fragment",
        "isotek:tcp://host?=1|bad option name",
        "isotek:tcp://host?a=%zz|%-encoding",
      })
  void malformedAddressesGetClearErrors(String uri, String expected) {
    assertThatThrownBy(() -> DeviceAddress.parse(uri))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining(expected)
        .hasMessageContaining("expected driver:transport://host:port/path?option=value");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 65536, -1})
  void portOrRefusesInvalidDefault(int port) {
    DeviceAddress a = DeviceAddress.parse("isotek:tcp://host");
    assertThatThrownBy(() -> a.portOr(port)).isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void overLongAddressIsRefused() {
    String uri = "isotek:tcp://host?x=" + "a".repeat(3000);
    assertThatThrownBy(() -> DeviceAddress.parse(uri))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("longer than");
  }

  @Test
  void withOptionAndEquality() {
    DeviceAddress a = DeviceAddress.parse("isotek:tcp://host:501");
    DeviceAddress b = a.withOption("timeout", "2s");
    assertThat(b.option("timeout")).contains("2s");
    assertThat(a.option("timeout")).isEmpty();
    assertThat(b).isEqualTo(DeviceAddress.parse("isotek:tcp://host:501?timeout=2s"));
    assertThat(b.hashCode())
        .isEqualTo(DeviceAddress.parse("isotek:tcp://host:501?timeout=2s").hashCode());
    assertThat(a.withTransport("serial").transport()).isEqualTo("serial");
  }
}

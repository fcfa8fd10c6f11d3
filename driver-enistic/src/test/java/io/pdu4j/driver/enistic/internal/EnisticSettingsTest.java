package io.pdu4j.driver.enistic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.driver.enistic.EnisticDriver;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnisticSettingsTest {
  private static EnisticSettings of(String uri) {
    return EnisticSettings.of(DeviceAddress.parse(uri));
  }

  @Test
  void readsTheDefaults() {
    EnisticSettings s = of("enistic:udp://0.0.0.0:53005/004a3BB5B04");
    assertThat(s.controller()).isEqualTo("004a3BB5B04");
    assertThat(s.send()).isEmpty();
    assertThat(s.commandPort()).isEqualTo(53004);
    assertThat(s.inverted()).isFalse();
    assertThat(s.allow()).isEmpty();
    assertThat(s.sockets()).isEmpty();
    assertThat(s.meters()).isEmpty();
    assertThat(s.maxOutlets()).isEqualTo(256);
    assertThat(s.reservedOutlets()).isZero();
  }

  @Test
  void keepsRoomForListedSerialsOnePerSocketAndSixteenPerMeter() {
    EnisticSettings s =
        of(
            "enistic:udp:///004A3BB5B04?max-outlets=40&sockets=0021ED0000041319,0021ED0000041320"
                + "&meters=0021ED0000099001");
    assertThat(s.maxOutlets()).isEqualTo(40);
    assertThat(s.reservedOutlets()).isEqualTo(18);
    assertThat(s.listed("0021ED0000099001", 16)).isTrue();
    assertThat(s.listed("0021ED0000041319", 1)).isTrue();
    assertThat(s.listed("0021ED0000041319", 2)).isFalse();
    assertThat(s.listed("0021ED0000099002", 1)).isFalse();
  }

  @Test
  void refusesListedSerialsThatDoNotFitInMaxOutlets() {
    DeviceAddress address =
        DeviceAddress.parse(
            "enistic:udp:///004A3BB5B04?max-outlets=16&sockets=0021ED0000041319"
                + "&meters=0021ED0000099001");
    assertThatThrownBy(() -> new EnisticDriver().requirements(address))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("004A3BB5B04")
        .hasMessageContaining("room for 17 outlets")
        .hasMessageContaining("max-outlets=16");
  }

  @Test
  void readsEveryOption() throws Exception {
    EnisticSettings s =
        of(
            "enistic:udp:///004A3BB5B04?send=127.0.0.1:5000&polarity=Inverted"
                + "&allow=127.0.0.1,127.0.0.2&sockets=0021ed0000041319&meters=0021ED0000099001"
                + "&command-port=6000");
    assertThat(s.send()).contains(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5000));
    assertThat(s.inverted()).isTrue();
    assertThat(s.allow()).hasSize(2);
    assertThat(s.sockets()).containsExactly("0021ED0000041319");
    assertThat(s.meters()).containsExactly("0021ED0000099001");
    assertThat(s.commandPort()).isEqualTo(6000);
    assertThat(
            of("enistic:udp:///1?send=127.0.0.9&command-port=6000").send().orElseThrow().getPort())
        .isEqualTo(6000);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "enistic:udp://0.0.0.0:53005",
        "enistic:udp://0.0.0.0:53005/",
        "enistic:udp://0.0.0.0:53005/0004A3BB5B044",
        "enistic:udp://0.0.0.0:53005/XYZ",
        "enistic:udp:///004A3BB5B04?polarity=reversed",
        "enistic:udp:///004A3BB5B04?send=controller.local",
        "enistic:udp:///004A3BB5B04?send=127.0.0.1:70000",
        "enistic:udp:///004A3BB5B04?allow=somewhere",
        "enistic:udp:///004A3BB5B04?sockets=1234",
        "enistic:udp:///004A3BB5B04?command-port=0",
        "enistic:udp:///004A3BB5B04?max-outlets=0",
        "enistic:udp:///004A3BB5B04?max-outlets=4097",
        "enistic:udp:///004A3BB5B04?max-outlets=-1",
        "enistic:udp:///004A3BB5B04?max-outlets=lots",
      })
  void refusesBadAddressesBeforeAnythingIsOpened(String uri) {
    DeviceAddress address = DeviceAddress.parse(uri);
    assertThatThrownBy(() -> new EnisticDriver().requirements(address))
        .isInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void theDriverWantsADatagramLinkOnPort53005() {
    var r = new EnisticDriver().requirements(DeviceAddress.parse("enistic:udp:///004A3BB5B04"));
    assertThat(r.kind()).isEqualTo(Link.Kind.DATAGRAM);
    assertThat(r.defaultPort()).hasValue(53005);
    assertThat(new EnisticDriver().optionNames())
        .contains("send", "polarity", "allow", "max-outlets");
  }
}

package io.pdu4j.mqtt.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.runtime.json.DeviceJson;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiscoveryTest {
  private final Topics t = new Topics("pdu4j", "node-a");
  private final DeviceInfo info =
      new DeviceInfo(
          "isotek",
          "IsoTek",
          "SMART Power 8",
          Optional.of("SN1"),
          Optional.empty(),
          Optional.of("2.1"),
          "isotek:tcp://h:501");

  private static JsonNode json(String payload) throws Exception {
    return DeviceJson.mapper().readTree(payload);
  }

  @Test
  void aMeteredSwitchableOutletWithVoltageHasFourEntities() throws Exception {
    OutletStatus o =
        new OutletStatus(
            3,
            "3",
            "Fridge",
            OutletState.ON,
            OptionalDouble.of(230),
            OptionalDouble.of(40),
            Set.of(OutletCapability.SWITCHABLE, OutletCapability.METERED));
    List<Discovery.Config> c = Discovery.outlet(t, "rack.a", info, o);
    assertThat(c)
        .extracting(Discovery.Config::topic)
        .containsExactly(
            "homeassistant/switch/pdu4j_rack_a/outlet_3_switch/config",
            "homeassistant/sensor/pdu4j_rack_a/outlet_3_power/config",
            "homeassistant/sensor/pdu4j_rack_a/outlet_3_voltage/config",
            "homeassistant/sensor/pdu4j_rack_a/outlet_3_energy/config")
        .isEqualTo(Discovery.topics(t, "rack.a", 3));
    JsonNode sw = json(c.get(0).payload());
    assertThat(sw.path("name").asText()).isEqualTo("Fridge");
    assertThat(sw.path("optimistic").asBoolean(true)).isFalse();
    assertThat(sw.path("command_topic").asText()).isEqualTo("pdu4j/rack.a/outlet/3/set");
    assertThat(sw.path("device").path("serial_number").asText()).isEqualTo("SN1");
    assertThat(sw.path("device").path("sw_version").asText()).isEqualTo("2.1");
    JsonNode energy = json(c.get(3).payload());
    assertThat(energy.path("device_class").asText()).isEqualTo("energy");
    assertThat(energy.path("unit_of_measurement").asText()).isEqualTo("kWh");
    assertThat(energy.path("state_class").asText()).isEqualTo("total_increasing");
    assertThat(json(c.get(2).payload()).path("unit_of_measurement").asText()).isEqualTo("V");
  }

  @Test
  void whatAnOutletLacksIsRemovedWithAnEmptyPayload() {
    OutletStatus plain = OutletStatus.of(1, "", OutletState.OFF, Set.of());
    List<Discovery.Config> c = Discovery.outlet(t, "rack", info, plain);
    assertThat(c).hasSize(4).allSatisfy(x -> assertThat(x.payload()).isEmpty());
  }
}

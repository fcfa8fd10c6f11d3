package io.pdu4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerReading;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusViewTest {
  private static final DeviceInfo INFO =
      new DeviceInfo(
          "acme",
          "Acme",
          "Meter \"3\"",
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          "acme:tcp://h:1");

  @Test
  void absentValuesAreJsonNullsAndTextIsEscaped() throws IOException {
    DeviceStatus status =
        new DeviceStatus(
            Instant.EPOCH,
            Optional.empty(),
            List.of(
                new OutletStatus(
                    1,
                    "1",
                    "a \"quoted\" name",
                    OutletState.UNKNOWN,
                    OptionalDouble.empty(),
                    OptionalDouble.empty(),
                    Set.of(OutletCapability.METERED))),
            Optional.empty());
    JsonNode root = new ObjectMapper().readTree(StatusView.json(INFO, status, Optional.empty()));
    assertThat(root.get("device").get("serial").isNull()).isTrue();
    assertThat(root.get("device").get("model").asText()).isEqualTo("Meter \"3\"");
    assertThat(root.get("input").get("voltage").isNull()).isTrue();
    assertThat(root.get("input").get("power").isNull()).isTrue();
    JsonNode o = root.get("outlets").get(0);
    assertThat(o.get("name").asText()).isEqualTo("a \"quoted\" name");
    assertThat(o.get("state").asText()).isEqualTo("UNKNOWN");
    assertThat(o.get("voltage").isNull()).isTrue();
    assertThat(o.get("power").isNull()).isTrue();
    assertThat(o.get("switchable").asBoolean()).isFalse();
    assertThat(root.get("clock").isNull()).isTrue();
  }

  @Test
  void theClockAlwaysHasSeconds() throws IOException {
    DeviceStatus status =
        new DeviceStatus(
            Instant.EPOCH,
            Optional.of(new PowerReading(OptionalDouble.of(229.5), OptionalDouble.of(0))),
            List.of(),
            Optional.empty());
    String json = StatusView.json(INFO, status, Optional.of(LocalDateTime.of(2026, 11, 21, 10, 0)));
    JsonNode root = new ObjectMapper().readTree(json);
    assertThat(root.get("clock").asText()).isEqualTo("2026-11-21T10:00:00");
    assertThat(root.get("input").get("voltage").asDouble()).isEqualTo(229.5);
    assertThat(root.get("outlets").isArray()).isTrue();
  }

  @Test
  void theClockCarriesTheZoneItIsTakenInAndItsOffset() throws IOException {
    DeviceStatus status =
        new DeviceStatus(Instant.EPOCH, Optional.empty(), List.of(), Optional.empty());
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    JsonNode winter =
        new ObjectMapper()
            .readTree(
                StatusView.json(
                    INFO, status, Optional.of(LocalDateTime.of(2026, 11, 21, 10, 0)), berlin));
    assertThat(winter.get("clock").asText()).isEqualTo("2026-11-21T10:00:00");
    assertThat(winter.get("clockZone").asText()).isEqualTo("Europe/Berlin");
    assertThat(winter.get("clockOffset").asText()).isEqualTo("+01:00");
    JsonNode summer =
        new ObjectMapper()
            .readTree(
                StatusView.json(
                    INFO, status, Optional.of(LocalDateTime.of(2026, 7, 1, 10, 0)), berlin));
    assertThat(summer.get("clockOffset").asText()).isEqualTo("+02:00");
    // without a zone given: this host's, as pdu4j clock takes it
    JsonNode host =
        new ObjectMapper()
            .readTree(
                StatusView.json(INFO, status, Optional.of(LocalDateTime.of(2026, 11, 21, 10, 0))));
    assertThat(host.get("clockZone").asText()).isEqualTo(ZoneId.systemDefault().getId());
    JsonNode none =
        new ObjectMapper().readTree(StatusView.json(INFO, status, Optional.empty(), berlin));
    assertThat(none.get("clockZone").isNull()).isTrue();
    assertThat(none.get("clockOffset").isNull()).isTrue();
  }

  @Test
  void theTableShowsDashesForMissingReadings() {
    DeviceStatus status =
        new DeviceStatus(
            Instant.EPOCH,
            Optional.empty(),
            List.of(
                new OutletStatus(
                    12,
                    "12",
                    "",
                    OutletState.OFF,
                    OptionalDouble.empty(),
                    OptionalDouble.of(3.25),
                    Set.of())),
            Optional.empty());
    String table = StatusView.table(INFO, status, Optional.empty(), Style.PLAIN);
    assertThat(table)
        .contains("device clock not reported")
        .containsPattern("(?m)^\\s+12\\s+Outlet 12\\s+OFF\\s+-\\s+3\\.3$");
  }
}

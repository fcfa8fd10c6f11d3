package io.pdu4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link DeviceEvent#checkKinds(Set)}, the one check of the kinds a listener asks for. */
class DeviceEventTest {

  @Test
  void checkKindsReturnsAGoodSetAsGiven() {
    Set<Class<? extends DeviceEvent>> kinds =
        Set.of(DeviceEvent.Connection.class, DeviceEvent.StatusReported.class);
    assertThat(DeviceEvent.checkKinds(kinds)).isSameAs(kinds);
    Set<Class<DeviceEvent>> all = Set.of(DeviceEvent.class);
    assertThat(DeviceEvent.checkKinds(all)).isSameAs(all);
  }

  @Test
  void checkKindsRefusesNoSetANullKindAndAnEmptySet() {
    assertThatThrownBy(() -> DeviceEvent.checkKinds(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("kinds");
    Set<Class<? extends DeviceEvent>> withNull = new HashSet<>();
    withNull.add(DeviceEvent.Connection.class);
    withNull.add(null);
    assertThatThrownBy(() -> DeviceEvent.checkKinds(withNull))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("null");
    assertThatThrownBy(() -> DeviceEvent.checkKinds(Set.of()))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("at least one kind of device event");
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void checkKindsRefusesAClassThatIsNoDeviceEvent() {
    Set kinds = Set.of(String.class); // what an unchecked cast lets through
    assertThatThrownBy(() -> DeviceEvent.checkKinds((Set<Class<? extends DeviceEvent>>) kinds))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("java.lang.String");
  }
}

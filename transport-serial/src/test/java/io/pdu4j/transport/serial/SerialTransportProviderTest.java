package io.pdu4j.transport.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import java.time.Clock;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SerialTransportProviderTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final SerialTransportProvider provider = new SerialTransportProvider();

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private TransportContext context() {
    ScheduledExecutorService e = executor;
    return new TransportContext() {
      @Override
      public ScheduledExecutorService executor() {
        return e;
      }

      @Override
      public DeviceOptions options() {
        return DeviceOptions.defaults();
      }

      @Override
      public LinkRequirements requirements() {
        return LinkRequirements.stream(501);
      }

      @Override
      public Clock clock() {
        return Clock.systemUTC();
      }

      @Override
      public Optional<TransportProvider> transport(String scheme) {
        return Optional.empty();
      }

      @Override
      public <T> Optional<T> resource(Class<T> type) {
        return Optional.empty();
      }
    };
  }

  private Link create(String uri) {
    return provider.create(DeviceAddress.parse(uri), context());
  }

  @Test
  void isFoundThroughTheServiceLoader() {
    assertThat(ServiceLoader.load(TransportProvider.class))
        .anyMatch(p -> p instanceof SerialTransportProvider && p.scheme().equals("serial"));
  }

  @Test
  void declaresItsOptions() {
    assertThat(provider.optionNames())
        .containsExactlyInAnyOrder("baud", "parity", "data", "stop", "flow");
  }

  @Test
  void defaultsAre115200EightNoneOneWithoutFlowControl() {
    Link link = create("isotek:serial:///dev/ttyUSB0");
    assertThat(link.describe())
        .isEqualTo("serial:///dev/ttyUSB0?baud=115200&parity=none&data=8&stop=1&flow=none");
    assertThat(link.kind()).isEqualTo(Link.Kind.STREAM);
    assertThat(link.carriesUnsolicited()).isTrue();
    assertThat(link.isOpen()).isFalse();
    assertThat(link.executor()).isSameAs(executor);
  }

  @Test
  void createDoesNoIoSoAMissingPortIsFoundOnlyWhenOpening() {
    Link link = create("isotek:serial:///dev/pdu4j-no-such-port");
    assertThat(link.isOpen()).isFalse();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("pdu4j-serial-/dev/pdu4j-no-such-port"));
  }

  @Test
  void readsEveryOption() {
    assertThat(
            create("isotek:serial:///dev/ttyS1?baud=9600&parity=EVEN&data=7&stop=2&flow=rtscts")
                .describe())
        .isEqualTo("serial:///dev/ttyS1?baud=9600&parity=even&data=7&stop=2&flow=rtscts");
    assertThat(
            create("isotek:serial:///dev/ttyS1?parity=mark&data=5&stop=1.5&flow=xonxoff")
                .describe())
        .isEqualTo("serial:///dev/ttyS1?baud=115200&parity=mark&data=5&stop=1.5&flow=xonxoff");
    assertThat(create("isotek:serial:///dev/ttyS1?parity=space").describe())
        .contains("parity=space");
  }

  @Test
  void aWindowsPortNameLosesTheLeadingSlash() {
    assertThat(create("isotek:serial:///COM3").describe()).startsWith("serial:///COM3?");
  }

  @ParameterizedTest
  @CsvSource({
    "baud=0, baud must be 50..4000000",
    "baud=-5, baud must be a whole number",
    "baud=fast, baud must be a whole number",
    "baud=5000000, baud must be 50..4000000",
    "baud=99999999999, baud must be a whole number",
    "parity=odd1, parity must be none; even; odd; mark or space",
    "data=9, data must be 5..8",
    "data=4, data must be 5..8",
    "stop=3, 'stop must be 1, 1.5 or 2'",
    "stop=one, 'stop must be 1, 1.5 or 2'",
    "flow=dtrdsr, flow must be none; rtscts or xonxoff",
  })
  void refusesBadOptionsNamingThemAndTheAddress(String option, String message) {
    String uri = "isotek:serial:///dev/ttyUSB0?" + option;
    assertThatThrownBy(() -> create(uri))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("isotek:serial:///dev/ttyUSB0")
        .hasMessageContaining(message.replace(";", ","));
  }

  @Test
  void refusesAHost() {
    assertThatThrownBy(() -> create("isotek:serial://host/dev/ttyUSB0"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("isotek:serial://host/dev/ttyUSB0")
        .hasMessageContaining("has no host");
  }

  @Test
  void needsAPath() {
    assertThatThrownBy(() -> create("isotek:serial://"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("isotek:serial://")
        .hasMessageContaining("needs the serial port's path");
    assertThatThrownBy(() -> create("isotek:serial:///"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("needs the serial port's path");
  }
}

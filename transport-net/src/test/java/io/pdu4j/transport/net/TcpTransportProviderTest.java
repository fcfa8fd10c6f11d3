package io.pdu4j.transport.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportProvider;
import io.pdu4j.transport.net.internal.TestContext;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpTransportProviderTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final TcpTransportProvider provider = new TcpTransportProvider();
  private final TestContext context = TestContext.of(executor);

  @AfterEach
  void tearDown() {
    provider.close();
    executor.shutdownNow();
  }

  @Test
  void isFoundByServiceLoader() {
    assertThat(ServiceLoader.load(TransportProvider.class))
        .filteredOn(p -> p.scheme().equals("tcp"))
        .singleElement()
        .isInstanceOf(TcpTransportProvider.class);
    assertThat(provider.description()).isNotBlank();
    assertThat(provider.optionNames()).isEmpty();
  }

  @Test
  void createsAClosedStreamLinkToTheAddressPort() {
    Link link = provider.create(DeviceAddress.parse("isotek:tcp://10.0.0.5:502"), context);

    assertThat(link.describe()).isEqualTo("tcp://10.0.0.5:502");
    assertThat(link.kind()).isEqualTo(Link.Kind.STREAM);
    assertThat(link.carriesUnsolicited()).isTrue();
    assertThat(link.isOpen()).isFalse();
    assertThat(link.executor()).isSameAs(executor);
  }

  @Test
  void usesTheDriversDefaultPort() {
    Link link = provider.create(DeviceAddress.parse("isotek:tcp://10.0.0.5"), context);

    assertThat(link.describe()).isEqualTo("tcp://10.0.0.5:501");
  }

  @Test
  void describeShowsNoOptions() {
    Link link =
        provider.create(
            DeviceAddress.parse("extron:tcp://gw.lab:23?password=hunter2&timeout=2s"), context);

    assertThat(link.describe()).isEqualTo("tcp://gw.lab:23");
  }

  @Test
  void createDoesNoLookup() {
    Link link =
        provider.create(DeviceAddress.parse("isotek:tcp://no-such-host.invalid:501"), context);

    assertThat(link.describe()).isEqualTo("tcp://no-such-host.invalid:501");
  }

  @Test
  void missingHostIsRejectedNamingTheAddress() {
    assertThatThrownBy(() -> provider.create(DeviceAddress.parse("isotek:tcp:///dev/x"), context))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("isotek:tcp:///dev/x")
        .hasMessageContaining("needs a host");
  }

  @Test
  void missingPortWithoutDefaultIsRejectedNamingTheAddress() {
    TestContext noDefault =
        context.withRequirements(
            new LinkRequirements(Link.Kind.STREAM, OptionalInt.empty(), OptionalInt.empty()));

    assertThatThrownBy(
            () -> provider.create(DeviceAddress.parse("isotek:tcp://10.0.0.5"), noDefault))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("isotek:tcp://10.0.0.5")
        .hasMessageContaining("needs a port");
  }

  @Test
  void portZeroIsRejected() {
    assertThatThrownBy(
            () -> provider.create(DeviceAddress.parse("isotek:tcp://10.0.0.5:0"), context))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("port must be 1..65535");
  }
}

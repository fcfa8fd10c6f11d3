package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.inject.Guice;
import io.netty.channel.EventLoopGroup;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerRuntimeTest {
  private final FakeDriver driver = new FakeDriver("fake");
  private final FakeTransport transport = new FakeTransport("mem");
  private PowerRuntime runtime;

  @AfterEach
  void closeRuntime() {
    if (runtime != null) {
      runtime.close();
    }
  }

  private PowerRuntime fakes() {
    runtime =
        PowerRuntime.builder()
            .loadServices(false)
            .driver(driver)
            .transport(transport)
            .ioThreads(2)
            .build();
    return runtime;
  }

  static List<String> ioThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("pdu4j-io-"))
        .toList();
  }

  @Test
  void twoEmbeddedDriversWithOneCodeAreRefusedNamingBoth() {
    PowerRuntime.Builder builder =
        PowerRuntime.builder()
            .loadServices(false)
            .driver(new FakeDriver("dup"))
            .driver(new FakeDriver.Other("dup"));
    assertThatThrownBy(builder::build)
        .isInstanceOf(PowerDeviceException.class)
        .hasMessageContaining("two drivers have the code 'dup'")
        .hasMessageContaining(FakeDriver.class.getName() + " (embedded")
        .hasMessageContaining(FakeDriver.Other.class.getName() + " (embedded")
        .hasMessageContaining("test-classes");
    assertThat(ioThreads()).as("a refused runtime starts no thread").isEmpty();
  }

  @Test
  void twoTransportsWithOneSchemeAreRefusedNamingBoth() {
    PowerRuntime.Builder builder =
        PowerRuntime.builder()
            .loadServices(false)
            .transport(new FakeTransport("mem"))
            .transport(new FakeTransport("mem") {});
    assertThatThrownBy(builder::build)
        .isInstanceOf(PowerDeviceException.class)
        .hasMessageContaining("two transports have the scheme 'mem'")
        .hasMessageContaining(FakeTransport.class.getName() + " (embedded")
        .hasMessageContaining(PowerRuntimeTest.class.getName() + "$");
  }

  @Test
  void aServiceLoaderDriverClashingWithAnEmbeddedOneIsNamedWithItsLocation(@TempDir Path dir)
      throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve("io.pdu4j.spi.PowerDriver"), ServiceDriver.class.getName() + "\n");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      PowerRuntime.Builder builder =
          PowerRuntime.builder().classLoader(loader).driver(new FakeDriver("svc"));
      assertThatThrownBy(builder::build)
          .isInstanceOf(PowerDeviceException.class)
          .hasMessageContaining("'svc'")
          .hasMessageContaining(FakeDriver.class.getName() + " (embedded")
          .hasMessageMatching(
              "(?s).*" + ServiceDriver.class.getName().replace("$", "\\$") + " from file:.*");
    }
  }

  @Test
  void serviceLoaderDriversAreListedWithClassAndLocation(@TempDir Path dir) throws IOException {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve("io.pdu4j.spi.PowerDriver"), ServiceDriver.class.getName() + "\n");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      runtime = PowerRuntime.builder().classLoader(loader).build();
      DriverInfo info =
          runtime.drivers().stream().filter(d -> d.code().equals("svc")).findFirst().orElseThrow();
      assertThat(info.className()).isEqualTo(ServiceDriver.class.getName());
      assertThat(info.embedded()).isFalse();
      assertThat(info.location()).hasValueSatisfying(l -> assertThat(l).startsWith("file:"));
      assertThat(info.vendor()).isEqualTo("Acme");
    }
  }

  /** Found through a services file written by the test. */
  public static final class ServiceDriver extends FakeDriver {
    /** ServiceLoader's constructor. */
    public ServiceDriver() {
      super("svc");
    }
  }

  @Test
  void aDriverCodeThatCannotBeAddressedIsRefused() {
    PowerRuntime.Builder builder =
        PowerRuntime.builder().loadServices(false).driver(new FakeDriver("Not Valid"));
    assertThatThrownBy(builder::build)
        .isInstanceOf(PowerDeviceException.class)
        .hasMessageContaining("invalid code 'Not Valid'");
  }

  @Test
  void anUnknownDriverIsRefusedListingTheKnownOnes() {
    fakes();
    assertThatThrownBy(() -> runtime.open("nope:mem://host"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("unknown driver 'nope'")
        .hasMessageContaining("known drivers: fake");
    assertThat(driver.contexts).isEmpty();
  }

  @Test
  void anUnknownTransportIsRefusedListingTheKnownOnes() {
    fakes();
    assertThatThrownBy(() -> runtime.open("fake:carrier-pigeon://host"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("unknown transport 'carrier-pigeon'")
        .hasMessageContaining("known transports: mem");
  }

  @Test
  void anUnknownOptionIsRefusedListingTheKnownOnes() {
    fakes();
    assertThatThrownBy(() -> runtime.open("fake:mem://host?timeout=2s&flavour=lime"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("unknown option 'flavour'")
        .hasMessageContaining("buffer") // the transport's
        .hasMessageContaining("colour") // the driver's
        .hasMessageContaining("ready-timeout"); // everyone's
    assertThat(transport.contexts).isEmpty();
  }

  @Test
  void aPathThatNeitherDriverNorTransportReadsIsRefused() {
    fakes();
    assertThatThrownBy(() -> runtime.open("fake:mem://host:501/foo"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("the path '/foo' in fake:mem://host:501/foo means nothing")
        .hasMessageContaining("leave it out");
    assertThat(transport.contexts).as("nothing was opened").isEmpty();
    try (PowerRuntime real = PowerRuntime.builder().ioThreads(1).build()) {
      assertThatThrownBy(() -> real.open("isotek:tcp://127.0.0.1:1/foo"))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("means nothing to isotek:tcp");
    }
  }

  @Test
  void aPathReadByTheDriverOrTheTransportIsAccepted() {
    FakeDriver pathDriver =
        new FakeDriver("pathy") {
          @Override
          public boolean readsPath() {
            return true;
          }
        };
    FakeTransport pathTransport =
        new FakeTransport("pathmem") {
          @Override
          public boolean readsPath() {
            return true;
          }
        };
    runtime =
        PowerRuntime.builder()
            .loadServices(false)
            .driver(driver)
            .driver(pathDriver)
            .transport(transport)
            .transport(pathTransport)
            .ioThreads(1)
            .build();
    assertThat(runtime.open("pathy:mem://host/controller-1").connectionState())
        .isEqualTo(ConnectionState.CONNECTED);
    assertThat(runtime.open("fake:pathmem://host/port-3").connectionState())
        .isEqualTo(ConnectionState.CONNECTED);
  }

  @Test
  void driverAndTransportOptionsAreAccepted() {
    fakes();
    PowerDevice device = runtime.open("fake:mem://host?colour=red&buffer=1&timeout=750ms");
    assertThat(device.connectionState()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(driver.contexts.get(0).options().commandTimeout()).isEqualTo(Duration.ofMillis(750));
  }

  @Test
  void aBadOptionValueIsAnInvalidArgument() {
    fakes();
    assertThatThrownBy(() -> runtime.open("fake:mem://host?timeout=soon"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void aMalformedAddressIsAnInvalidArgumentAndOpenAsyncFailsTheStage() {
    fakes();
    assertThatThrownBy(() -> runtime.open("not an address"))
        .isInstanceOf(InvalidArgumentException.class);
    CompletableFuture<PowerDevice> f = runtime.openAsync("fake:").toCompletableFuture();
    assertThatThrownBy(f::join).hasCauseInstanceOf(InvalidArgumentException.class);
  }

  @Test
  void theBuilderDefaultsReachTheDriverUnlessTheAddressOverridesThem() {
    runtime =
        PowerRuntime.builder()
            .loadServices(false)
            .driver(driver)
            .transport(transport)
            .defaults(DeviceOptions.defaults().withCommandTimeout(Duration.ofSeconds(9)))
            .build();
    runtime.open("fake:mem://a");
    runtime.open("fake:mem://b?timeout=1s");
    assertThat(driver.contexts.get(0).options().commandTimeout()).isEqualTo(Duration.ofSeconds(9));
    assertThat(driver.contexts.get(1).options().commandTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(runtime.defaults().commandTimeout()).isEqualTo(Duration.ofSeconds(9));
  }

  @Test
  void devicesRunOnTheSharedIoThreadsAndTransportsSeeTheGroup() {
    fakes();
    for (int i = 0; i < 4; i++) {
      runtime.open("fake:mem://host" + i);
    }
    assertThat(transport.links).allSatisfy(l -> assertThat(l.upThread).matches("pdu4j-io-[12]"));
    assertThat(transport.links.stream().map(l -> l.upThread).distinct())
        .as("round robin over the group")
        .hasSize(2);
    assertThat(transport.contexts)
        .allSatisfy(
            c -> {
              assertThat(c.resource(EventLoopGroup.class)).isPresent();
              assertThat(c.resource(String.class)).isEmpty();
              assertThat(c.transport("mem")).containsSame(transport);
              assertThat(c.transport("tcp")).isEmpty();
              assertThat(c.requirements().defaultPort()).hasValue(7);
            });
    EventLoopGroup group = transport.contexts.get(0).resource(EventLoopGroup.class).orElseThrow();
    assertThat(transport.contexts)
        .allSatisfy(c -> assertThat(c.resource(EventLoopGroup.class)).containsSame(group));
    assertThat(runtime.devices()).hasSize(4);
  }

  @Test
  void aClosedDeviceLeavesTheList() {
    fakes();
    PowerDevice a = runtime.open("fake:mem://a");
    PowerDevice b = runtime.open("fake:mem://b");
    assertThat(runtime.devices()).containsExactly(a, b);
    a.close();
    assertThat(runtime.devices()).containsExactly(b);
  }

  @Test
  void closeClosesEveryDeviceAndStopsEveryIoThread() {
    fakes();
    for (int i = 0; i < 3; i++) {
      runtime.open("fake:mem://host" + i);
    }
    assertThat(ioThreads()).isNotEmpty();
    runtime.close();
    assertThat(ioThreads()).as("I/O threads left after close").isEmpty();
    assertThat(driver.devices)
        .hasSize(3)
        .allSatisfy(d -> assertThat(d.connectionState()).isEqualTo(ConnectionState.CLOSED));
    assertThat(transport.links).allSatisfy(l -> assertThat(l.closed).isTrue());
    assertThat(runtime.devices()).isEmpty();
    assertThat(runtime.isClosed()).isTrue();
    runtime.close(); // idempotent
  }

  @Test
  void openAfterCloseFailsWithDeviceClosed() {
    fakes();
    runtime.close();
    assertThatThrownBy(() -> runtime.open("fake:mem://host"))
        .isInstanceOf(DeviceClosedException.class)
        .hasMessageContaining("closed");
    CompletableFuture<PowerDevice> f = runtime.openAsync("fake:mem://host").toCompletableFuture();
    assertThatThrownBy(f::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(DeviceClosedException.class);
    assertThat(driver.contexts).isEmpty();
  }

  @Test
  void theDriversOwnExceptionIsThrownAsIs() {
    fakes();
    DeviceUnreachableException refused =
        new DeviceUnreachableException("connection refused", "fake:mem://host", null, null, null);
    driver.opener = ctx -> CompletableFuture.failedFuture(refused);
    assertThatThrownBy(() -> runtime.open("fake:mem://host")).isSameAs(refused);
  }

  @Test
  void aDriverBugBecomesAPowerDeviceExceptionNamingTheDevice() {
    fakes();
    driver.opener =
        ctx -> {
          throw new IllegalStateException("oops");
        };
    // a driver that throws rather than failing its stage is broken: a configuration error (the
    // device is retried rarely), an InvalidArgumentException, which is a PowerDeviceException
    assertThatThrownBy(() -> runtime.open("fake:mem://host"))
        .isExactlyInstanceOf(io.pdu4j.api.InvalidArgumentException.class)
        .isInstanceOf(PowerDeviceException.class)
        .hasMessageContaining("fake:mem://host")
        .hasMessageContaining("FakeDriver failed in open()")
        .hasMessageContaining("oops");
    assertThat(transport.links.get(0).closed).as("the link is closed").isTrue();
  }

  @Test
  void aDeviceThatIsNeverReadyTimesOutAndIsClosedIfItComesLate() {
    fakes();
    CompletableFuture<PowerDevice> late = new CompletableFuture<>();
    driver.opener = ctx -> late;
    long start = System.nanoTime();
    assertThatThrownBy(() -> runtime.open("fake:mem://host?ready-timeout=200ms"))
        .isInstanceOf(DeviceTimeoutException.class)
        .hasMessageContaining("fake:mem://host")
        .hasMessageContaining("1.2s");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
    FakeDevice device = new FakeDevice(driver.contexts.get(0));
    late.complete(device);
    await().until(() -> device.connectionState() == ConnectionState.CLOSED);
    assertThat(runtime.devices()).isEmpty();
  }

  @Test
  void closeFailsDevicesStillOpening() {
    fakes();
    driver.opener = ctx -> new CompletableFuture<>();
    CompletableFuture<PowerDevice> opening =
        runtime.openAsync("fake:mem://host").toCompletableFuture();
    runtime.close();
    assertThatThrownBy(opening::join).hasCauseInstanceOf(DeviceClosedException.class);
    assertThat(ioThreads()).isEmpty();
  }

  @Test
  void guiceApplicationsBindEmbeddedDriversThroughTheModule() {
    runtime =
        Guice.createInjector(
                new PowerModule(),
                binder -> {
                  PowerModule.driverBinder(binder).addBinding().toInstance(driver);
                  PowerModule.transportBinder(binder).addBinding().toInstance(transport);
                })
            .getInstance(PowerRuntime.class);
    assertThat(runtime.drivers())
        .filteredOn(DriverInfo::embedded)
        .extracting(DriverInfo::code, DriverInfo::className)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("fake", FakeDriver.class.getName()));
    assertThat(runtime.transports())
        .filteredOn(TransportInfo::embedded)
        .extracting(TransportInfo::scheme)
        .containsExactly("mem");
    assertThat(runtime.open("fake:mem://host").info().driver()).isEqualTo("fake");
  }

  @Test
  void ioThreadsOutOfRangeAreRefused() {
    assertThatThrownBy(() -> PowerRuntime.builder().ioThreads(0))
        .isInstanceOf(InvalidArgumentException.class);
  }
}

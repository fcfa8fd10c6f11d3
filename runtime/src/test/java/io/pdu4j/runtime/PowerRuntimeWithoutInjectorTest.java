package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link PowerRuntime.Builder#buildWithoutInjector()}: the runtime {@link
 * PowerRuntime.Builder#build()} makes, wired by hand.
 */
class PowerRuntimeWithoutInjectorTest {
  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void opensReadsAndSwitchesTheSimulatorOverLoopbackTcp() throws Exception {
    try (IsoTekSimulator sim =
            IsoTekSimulator.builder()
                .outlets(8)
                .jitter(false)
                .initialState(5, false)
                .build()
                .start();
        PowerRuntime runtime = PowerRuntime.builder().ioThreads(1).buildWithoutInjector()) {
      PowerDevice pdu = runtime.open("isotek:tcp://127.0.0.1:" + sim.port());
      DeviceStatus status = get(pdu.refresh());
      assertThat(status.outlets()).hasSize(8);
      assertThat(status.outlet(5).orElseThrow().state()).isEqualTo(OutletState.OFF);
      OutletStatus on = get(pdu.outlet(5).switchOn());
      assertThat(on.state()).isEqualTo(OutletState.ON);
      assertThat(sim.outletState(5)).isTrue();
    }
  }

  @Test
  void knowsTheSameDriversAndTransportsAsTheInjectedRuntime() {
    try (PowerRuntime injected = PowerRuntime.builder().build();
        PowerRuntime plain = PowerRuntime.builder().buildWithoutInjector()) {
      assertThat(plain.drivers()).isEqualTo(injected.drivers());
      assertThat(plain.transports()).isEqualTo(injected.transports());
      assertThat(plain.drivers()).extracting(DriverInfo::code).contains("isotek", "enistic");
    }
  }

  @Test
  void theSameEmbeddedDriverAddedTwiceIsOneDriverAsWithGuice() {
    FakeDriver driver = new FakeDriver("fake");
    PowerRuntime.Builder builder =
        PowerRuntime.builder().loadServices(false).driver(driver).driver(driver);
    try (PowerRuntime injected = builder.build();
        PowerRuntime plain = builder.buildWithoutInjector()) {
      assertThat(plain.drivers()).extracting(DriverInfo::code).containsExactly("fake");
      assertThat(plain.drivers()).isEqualTo(injected.drivers());
    }
  }

  @Test
  void aClashIsRefusedWithTheSameMessageAsBuild() {
    PowerRuntime.Builder builder = PowerRuntime.builder().transport(new TcpTransportProvider());
    assertThatThrownBy(builder::buildWithoutInjector)
        .isInstanceOf(PowerDeviceException.class)
        .hasMessageContaining("two transports have the scheme 'tcp'")
        .hasMessageContaining(TcpTransportProvider.class.getName() + " (embedded");
  }
}

package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A switch asked for while its device is idle is written by the asking thread itself: it reaches
 * the unit while the device's I/O thread is busy elsewhere (held here in a listener), which a
 * command handed to that thread could not. The runtime's I/O threads keep each connection's write
 * gate, so the asking thread may write the socket; everything after the write (the reply, the
 * follow-up {@code ?}, the confirmation) is the I/O thread's.
 */
class CallerWritesTest {
  private IsoTekSimulator sim;
  private PowerRuntime runtime;
  private PowerDevice device;

  @BeforeEach
  void start() {
    sim =
        IsoTekSimulator.builder()
            .outlets(8)
            .jitter(false)
            .pushInterval(Duration.ofMillis(100))
            .build()
            .start();
    runtime = PowerRuntime.builder().build();
    device = runtime.open("isotek:tcp://127.0.0.1:" + sim.port());
  }

  @AfterEach
  void stop() {
    runtime.close();
    sim.close();
  }

  /** Holds the device's I/O thread in a listener until the returned latch is counted down. */
  private CountDownLatch holdTheIoThread() throws InterruptedException {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean once = new AtomicBoolean();
    device.subscribe(
        event -> {
          if (event instanceof DeviceEvent.StatusReported && once.compareAndSet(false, true)) {
            held.countDown();
            try {
              release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    assertThat(held.await(10, TimeUnit.SECONDS)).as("the I/O thread is held").isTrue();
    return release;
  }

  @Test
  void aSwitchOfAnIdleDeviceIsWrittenByTheCallerWhileTheIoThreadIsBusy() throws Exception {
    OutletState target = sim.outletState(1) ? OutletState.OFF : OutletState.ON;
    String command = "S1=" + (target == OutletState.ON ? "1" : "0");
    CountDownLatch release = holdTheIoThread();
    CompletableFuture<OutletStatus> switched;
    try {
      switched = device.outlet(1).switchTo(target).toCompletableFuture();
      // the unit has the command although the device's thread has not run since
      await().atMost(Duration.ofSeconds(5)).until(() -> sim.commandsReceived().contains(command));
      assertThat(switched).as("confirmed only after the I/O thread read the reply").isNotDone();
      // the command in flight keeps the next one queued until the first is done
      CompletableFuture<OutletStatus> second =
          device.outlet(2).switchTo(OutletState.ON).toCompletableFuture();
      Thread.sleep(200);
      assertThat(sim.commandsReceived()).doesNotContain("S2=1");
      assertThat(second).isNotDone();
      release.countDown();
      assertThat(second.get(10, TimeUnit.SECONDS).state()).isEqualTo(OutletState.ON);
    } finally {
      release.countDown();
    }
    assertThat(switched.get(10, TimeUnit.SECONDS).state()).isEqualTo(target);
    assertThat(device.outlet(1).state()).isEqualTo(target);
    assertThat(sim.outletState(1)).isEqualTo(target == OutletState.ON);
  }

  @Test
  void manyCallersSwitchingAtOnceAllGetTheirConfirmation() throws Exception {
    int threads = 4;
    int each = 26;
    java.util.List<CompletableFuture<OutletStatus>> results =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<Thread> callers = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int outlet = t + 1;
      Thread caller =
          new Thread(
              () -> {
                for (int i = 0; i < each; i++) {
                  OutletState want = i % 2 == 0 ? OutletState.ON : OutletState.OFF;
                  CompletableFuture<OutletStatus> f =
                      device.outlet(outlet).switchTo(want).toCompletableFuture();
                  results.add(f);
                  if (i % 2 == 1) {
                    f.join();
                  }
                }
              });
      callers.add(caller);
      caller.start();
    }
    for (Thread caller : callers) {
      caller.join(60_000);
    }
    for (CompletableFuture<OutletStatus> f : results) {
      assertThat(f.get(30, TimeUnit.SECONDS).state()).isIn(OutletState.ON, OutletState.OFF);
    }
    assertThat(results).hasSize(threads * each);
    // each outlet's last switch (the 26th) was OFF: the unit and the device agree
    for (int outlet = 1; outlet <= threads; outlet++) {
      assertThat(sim.outletState(outlet)).isFalse();
      assertThat(device.outlet(outlet).state()).isEqualTo(OutletState.OFF);
    }
  }
}

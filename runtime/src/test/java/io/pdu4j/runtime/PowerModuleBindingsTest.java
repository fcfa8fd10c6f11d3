package io.pdu4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.pdu4j.runtime.config.DeviceConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What an application binds for the runtime in its own injector: the clock and the I/O threads. */
class PowerModuleBindingsTest {
  private static final Instant FIXED = Instant.parse("2031-02-03T04:05:06Z");

  private final List<Thread> made = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private final ThreadFactory appThreads =
      task -> {
        Thread t = new Thread(task, "app-io-" + count.incrementAndGet());
        t.setDaemon(true);
        made.add(t);
        return t;
      };

  @Test
  void theRuntimeRunsOnTheBoundClockAndTheBoundThreads() throws Exception {
    FakeDriver driver = new FakeDriver("fake");
    Injector injector =
        Guice.createInjector(
            PowerRuntime.builder()
                .loadServices(false)
                .driver(driver)
                .transport(new FakeTransport("mem"))
                .module(),
            binder -> {
              PowerModule.clockBinder(binder)
                  .setBinding()
                  .toInstance(Clock.fixed(FIXED, ZoneOffset.UTC));
              PowerModule.ioThreadFactoryBinder(binder).setBinding().toInstance(appThreads);
            });
    PowerRuntime runtime = injector.getInstance(PowerRuntime.class);
    try {
      runtime.open("fake:mem://board");
      FakeDevice device = driver.devices.get(0);
      assertThat(device.context.clock().instant()).isEqualTo(FIXED);
      CompletableFuture<String> thread = new CompletableFuture<>();
      device.context.executor().execute(() -> thread.complete(Thread.currentThread().getName()));
      assertThat(thread.get(5, TimeUnit.SECONDS)).startsWith("app-io-");

      SupervisedDevice supervised = runtime.supervise(DeviceConfig.of("b", "fake:mem://b"));
      await().until(() -> supervised.health().isConnected());
      assertThat(supervised.health().since()).isEqualTo(FIXED);
    } finally {
      runtime.close();
    }
    assertThat(made).isNotEmpty().noneMatch(Thread::isAlive);
  }

  @Test
  void theBuilderTakesAThreadFactoryToo() throws Exception {
    FakeDriver driver = new FakeDriver("fake");
    try (PowerRuntime runtime =
        PowerRuntime.builder()
            .loadServices(false)
            .driver(driver)
            .transport(new FakeTransport("mem"))
            .ioThreadFactory(appThreads)
            .build()) {
      runtime.open("fake:mem://board");
      CompletableFuture<String> thread = new CompletableFuture<>();
      driver
          .devices
          .get(0)
          .context
          .executor()
          .execute(() -> thread.complete(Thread.currentThread().getName()));
      assertThat(thread.get(5, TimeUnit.SECONDS)).startsWith("app-io-");
    }
    assertThat(made).isNotEmpty().noneMatch(Thread::isAlive);
  }

  @Test
  void withoutBindingsTheSystemClockAndTheRuntimesOwnThreadsServe() throws Exception {
    FakeDriver driver = new FakeDriver("fake");
    Injector injector =
        Guice.createInjector(
            PowerRuntime.builder()
                .loadServices(false)
                .driver(driver)
                .transport(new FakeTransport("mem"))
                .module());
    try (PowerRuntime runtime = injector.getInstance(PowerRuntime.class)) {
      runtime.open("fake:mem://board");
      FakeDevice device = driver.devices.get(0);
      Instant before = Instant.now();
      assertThat(device.context.clock().instant()).isBetween(before, Instant.now());
      CompletableFuture<String> thread = new CompletableFuture<>();
      device.context.executor().execute(() -> thread.complete(Thread.currentThread().getName()));
      assertThat(thread.get(5, TimeUnit.SECONDS)).startsWith("pdu4j-io-");
    }
    assertThat(made).isEmpty();
  }
}

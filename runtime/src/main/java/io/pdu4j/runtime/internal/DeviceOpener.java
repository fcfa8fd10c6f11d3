package io.pdu4j.runtime.internal;

import static io.pdu4j.runtime.internal.ProviderCalls.call;

import io.micrometer.core.instrument.MeterRegistry;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.Subscription;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.Link;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one planned device: the transport's link (watched and counted), the driver's device on it,
 * the device's metrics; and lists it in {@link OpenDevices} once open, or closes it when nobody
 * waits for it any more.
 */
final class DeviceOpener {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceOpener.class);

  private final RuntimeSettings settings;
  private final Providers providers;
  private final IoThreads io;
  private final Optional<MeterRegistry> meterRegistry;
  private final boolean collected; // the registry's scrapes read the devices' state
  // with collected: the commands' too (PrometheusSeries.commandWindow), else null
  private final CommandSeries.Window commandWindow;
  private final OpenDevices devices;
  private final PowerHistories histories;
  private final OpenGate gate;

  DeviceOpener(
      RuntimeSettings settings,
      Providers providers,
      IoThreads io,
      Optional<MeterRegistry> meterRegistry,
      boolean collected,
      CommandSeries.Window commandWindow,
      OpenDevices devices,
      PowerHistories histories) {
    this.settings = settings;
    this.providers = providers;
    this.io = io;
    this.meterRegistry = meterRegistry;
    this.collected = collected;
    this.commandWindow = commandWindow;
    this.devices = devices;
    this.histories = histories;
    this.gate = new OpenGate(settings.maxOpening(), io.next());
  }

  /**
   * Closes the gate: opens that wait for a slot never start (the runtime fails their results as it
   * fails every open under way).
   */
  void close() {
    gate.close();
  }

  /** An open under way: {@code started} completes when its attempt got a slot of the gate. */
  record Opening(CompletableFuture<PowerDevice> result, CompletableFuture<Void> started) {}

  /**
   * Starts opening, as soon as the {@link OpenGate} has a slot; the stage completes with the device
   * once the driver opened it and it is listed, or fails (the link and device closed).
   */
  Opening start(OpenPlan plan, String requestedName) {
    CompletableFuture<PowerDevice> result = new CompletableFuture<>();
    CompletableFuture<Void> started = new CompletableFuture<>();
    String device = plan.address().toString();
    String name;
    try {
      name = devices.reserve(requestedName, device, result);
    } catch (PowerDeviceException e) {
      result.completeExceptionally(e);
      started.complete(null);
      return new Opening(result, started);
    }
    if (!gate.submit(() -> attempt(plan, name, result, started))) {
      devices.forgetOpening(result, name);
      result.completeExceptionally(
          new DeviceClosedException("the pdu4j runtime is closed; cannot open " + device));
      started.complete(null);
    }
    return new Opening(result, started);
  }

  /** One attempt, holding a slot of the gate until its result is complete. */
  private void attempt(
      OpenPlan plan,
      String name,
      CompletableFuture<PowerDevice> result,
      CompletableFuture<Void> started) {
    // the slot is freed once, when the result completes: opened, failed, given up, runtime closed
    result.whenComplete((d, failure) -> gate.release());
    started.complete(null);
    if (result.isDone()) {
      devices.forgetOpening(result, name); // given up while waiting for a slot
      return;
    }
    String device = plan.address().toString();
    DeviceMetrics metrics =
        meterRegistry.isPresent()
            ? new DeviceMetrics(
                name, settings.clock(), plan.options().staleAfter(), collected, commandWindow)
            : null;
    Link link = null;
    PacedLink paced = null;
    try {
      RuntimeTransportContext context =
          new RuntimeTransportContext(
              io.next(),
              plan.options(),
              plan.requirements(),
              settings.clock(),
              providers.transports(),
              io.group());
      link =
          call(
              plan.transport(),
              "create()",
              plan.address(),
              () -> plan.transport().create(plan.address(), context));
      if (link == null) {
        throw new PowerDeviceException(
            "transport " + plan.transport().getClass().getName() + " created no link",
            device,
            null,
            null,
            null);
      }
      // reconnects wait for a slot of the gate too, as this first open did
      paced = new PacedLink(link, gate, plan.options().readyTimeout(), PacedLink.JITTER);
      link = paced;
      boolean watched = plan.options().watchesQuiet() && link.kind() == Link.Kind.STREAM;
      if (watched || metrics != null) {
        link =
            new WatchedLink(
                link,
                metrics,
                watched ? plan.options().quietAfter() : null,
                metrics != null ? () -> metrics.add(DeviceMetrics.RECYCLED, 1) : () -> {});
      }
      DriverContext driverContext =
          new DriverContext(
              plan.address(),
              link,
              plan.options(),
              settings.clock(),
              metrics != null ? metrics.driverCounters() : DriverCounters.NONE);
      CompletionStage<PowerDevice> stage =
          call(plan.driver(), "open()", plan.address(), () -> plan.driver().open(driverContext));
      if (stage == null) {
        throw new InvalidArgumentException(
            "driver " + plan.driver().getClass().getName() + " returned no stage from open()");
      }
      PacedLink pacedLink = paced;
      stage.whenComplete(
          (d, failure) -> opened(plan, name, metrics, pacedLink, result, d, failure));
    } catch (RuntimeException e) {
      if (link != null) {
        closeQuietly(link, device);
      }
      devices.forgetOpening(result, name);
      result.completeExceptionally(Failures.of(e, "opening the device", device));
    }
  }

  private void opened(
      OpenPlan plan,
      String name,
      DeviceMetrics metrics,
      PacedLink paced,
      CompletableFuture<PowerDevice> result,
      PowerDevice device,
      Throwable failure) {
    String address = plan.address().toString();
    if (failure != null || device == null) {
      devices.forgetOpening(result, name);
      result.completeExceptionally(
          failure != null
              ? Failures.of(failure, "opening the device", address)
              : new PowerDeviceException(
                  "driver " + plan.driver().getClass().getName() + " opened no device",
                  address,
                  null,
                  null,
                  null));
      return;
    }
    // subscribed before it is listed, outside the lock: no driver code runs under the list's lock
    Subscription subscription = subscribeForClose(device, metrics, histories.recorder(name), paced);
    // pdu4j's device times its own commands into the metrics (DriverCounters.commandCompleted)
    PowerDevice exposed = device;
    if (metrics != null) {
      metrics.seed(device);
    }
    boolean keep =
        devices.admit(result, new OpenDevices.Entry(device, exposed, subscription, metrics, name));
    if (keep && metrics != null) {
      meterRegistry.ifPresent(metrics::bindTo);
    }
    if (!keep || !result.complete(exposed)) {
      // nobody waits for it any more (the runtime closed or the caller gave up): do not leak it
      LOG.debug("{}: opened after the caller gave up; closing it", address);
      devices.forget(device);
      subscription.close();
      if (metrics != null) {
        metrics.close();
      }
      OpenDevices.closeQuietly(device, address);
      result.completeExceptionally(
          new DeviceClosedException(
              "the pdu4j runtime closed while opening", address, null, null, null));
    }
  }

  private Subscription subscribeForClose(
      PowerDevice device, DeviceMetrics metrics, PowerRecorder history, PacedLink paced) {
    // a device closed by its user leaves the list (devices() also skips closed ones, in case the
    // event comes after a caller looks)
    if (history != null) {
      device.lastStatus().ifPresent(history::record);
    }
    return device.subscribe(
        event -> {
          if (metrics != null) {
            metrics.onEvent(event);
          }
          if (history != null) {
            history.onEvent(event);
          }
          if (event instanceof DeviceEvent.Connection c) {
            if (c.current() == ConnectionState.CONNECTED) {
              paced.answered(); // a reconnect's first status: its slot goes to the next
            } else if (c.current() == ConnectionState.CLOSED) {
              devices.forget(device);
            }
          }
        });
  }

  private static void closeQuietly(Link link, String address) {
    try {
      link.close();
    } catch (RuntimeException e) {
      LOG.warn("{}: closing the link failed: {}", address, e.toString());
    }
  }
}

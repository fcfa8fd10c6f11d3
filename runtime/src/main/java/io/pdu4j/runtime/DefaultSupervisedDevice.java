package io.pdu4j.runtime;

import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Subscription;
import io.pdu4j.runtime.history.PowerHistory;
import io.pdu4j.runtime.internal.RuntimeCore;
import io.pdu4j.runtime.internal.Supervisor;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** The public face of a {@link Supervisor}; two faces of one supervisor are equal. */
final class DefaultSupervisedDevice implements SupervisedDevice {
  private final Supervisor supervisor;
  private final RuntimeCore core;

  DefaultSupervisedDevice(Supervisor supervisor, RuntimeCore core) {
    this.supervisor = supervisor;
    this.core = core;
  }

  @Override
  public PowerHistory powerHistory() {
    return core.powerHistory(supervisor.name());
  }

  @Override
  public String name() {
    return supervisor.name();
  }

  @Override
  public String address() {
    return supervisor.address();
  }

  @Override
  public DeviceHealth health() {
    return supervisor.health();
  }

  @Override
  public Optional<PowerDevice> device() {
    return supervisor.device();
  }

  @Override
  public CompletionStage<PowerDevice> opened() {
    return supervisor.firstOpen();
  }

  @Override
  public Subscription subscribe(Consumer<DeviceHealth> listener) {
    return supervisor.subscribe(listener);
  }

  @Override
  public void close() {
    supervisor.stop();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DefaultSupervisedDevice d && d.supervisor == supervisor;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(supervisor);
  }

  @Override
  public String toString() {
    return "SupervisedDevice[" + name() + ", " + health().state() + "]";
  }
}

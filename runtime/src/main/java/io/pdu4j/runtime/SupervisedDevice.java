package io.pdu4j.runtime;

import io.pdu4j.api.DeviceHealth;
import io.pdu4j.api.DoNotImplement;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.Subscription;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * A device the runtime keeps open ({@link PowerRuntime#supervise}): its health, and the device
 * itself while it is open.
 *
 * <p>Commands go to {@link #device()}: while the device reconnects its link they wait in its queue
 * within their timeout and are sent when it is back, or fail with {@link
 * io.pdu4j.api.DeviceTimeoutException}; one in flight when the link drops fails with {@link
 * io.pdu4j.api.LinkLostException}. None is lost or completed twice. Safe to use from any thread.
 */
@DoNotImplement
public interface SupervisedDevice extends AutoCloseable {

  /** The name it was configured with (its {@code device} tag). */
  String name();

  /** Its address, secrets redacted. */
  String address();

  /** Where it stands now. */
  DeviceHealth health();

  /**
   * The device while it is open (also while its driver reconnects a lost link); empty before the
   * first open succeeded and after the supervision stopped.
   */
  Optional<PowerDevice> device();

  /**
   * The last hour of its power, as {@link PowerRuntime#powerHistory} gives it: all gaps before the
   * device first reported readings.
   *
   * @throws io.pdu4j.api.InvalidArgumentException once the supervision stopped (the history went
   *     with it)
   */
  io.pdu4j.runtime.history.PowerHistory powerHistory();

  /**
   * Completes with the device the first time it is open; fails with {@link
   * io.pdu4j.api.DeviceClosedException} when the supervision stops first. Never completes by itself
   * because of time: bound the wait yourself.
   */
  CompletionStage<PowerDevice> opened();

  /**
   * Adds a health listener: it is called with the current health, then with every change. It runs
   * on one of the runtime's I/O threads, one call at a time, in order; do not block in it.
   *
   * @return a handle whose {@link Subscription#close()} removes the listener
   */
  Subscription subscribe(Consumer<DeviceHealth> listener);

  /**
   * Stops supervising and closes the device; its health becomes CLOSED and its {@code
   * pdu.device.health} meters are removed. Idempotent.
   */
  @Override
  void close();
}

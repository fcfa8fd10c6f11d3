package io.pdu4j.cli;

import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import java.time.Duration;

/**
 * What {@code status}, {@code on}, {@code off} and {@code cycle} reach a device through when they
 * do not open it themselves: a server's control API ({@code --server}, {@link ServerClient}) or the
 * bridges on an MQTT broker ({@code --mqtt}, {@link MqttGateway}). Devices are named as in the
 * configuration there; every failure is the {@link io.pdu4j.api.PowerDeviceException} of its kind,
 * so that the exit code is the direct command's.
 */
interface Gateway extends AutoCloseable {

  /** The device's latest status. */
  ServerClient.Status status(String device);

  /**
   * Switches one outlet ({@code on}, {@code off} or {@code cycle}): its state once the device
   * confirmed it.
   *
   * @param offTime a cycle's off time, or null for the outlet's own reset delay
   * @param offBound how long the off part may take at most, for the request's timeout
   */
  OutletStatus switchOutlet(
      String device, String outlet, String action, Duration offTime, Duration offBound);

  /**
   * Switches every outlet with one command: the status the device reported after it.
   *
   * @throws io.pdu4j.api.UnsupportedCapabilityException when there is no such command; the caller
   *     then switches outlet by outlet
   */
  ServerClient.Status switchAll(String device, OutletState state);

  /** Lets go of the connection, if one is held. */
  @Override
  default void close() {}
}

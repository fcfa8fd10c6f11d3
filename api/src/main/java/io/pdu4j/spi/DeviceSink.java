package io.pdu4j.spi;

import io.pdu4j.api.DeviceInfo;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.PowerDeviceException;

/**
 * Where a {@link DeviceSession} reports what its device said; implemented by pdu4j. Call it on the
 * device's thread only. It never blocks and never throws.
 *
 * <p>The counting methods it inherits from {@link DriverCounters} feed the runtime's {@code
 * pdu.frames.malformed} and {@code pdu.readings.dropped} meters.
 */
public interface DeviceSink extends DriverCounters {

  /**
   * The device reported a status, asked for or pushed. Its outlets are the device's outlets from
   * now on (pdu4j reports the ones that appeared or went as {@link
   * io.pdu4j.api.DeviceEvent.OutletAdded} and {@link io.pdu4j.api.DeviceEvent.OutletRemoved}); the
   * first status after the link came up makes the device CONNECTED, and ready.
   */
  void status(DeviceStatus status);

  /** The device told more about itself (a serial number, a model). */
  void info(DeviceInfo info);

  /**
   * The device cannot be used although its link is up (a gateway that lost the device behind it);
   * it is OFFLINE with this cause until its next status. While opening, this fails the open, so
   * that a device that refuses fails at once rather than at its ready timeout.
   */
  void offline(PowerDeviceException cause);

  /**
   * The device answered, and the driver reads what else it needs (its outlets' names, say) before
   * it reports the first status, each read bounded by its command timeout: while opening, the ready
   * timeout stops here, and the session then reports a status, or {@link #offline}, itself. Ignored
   * once the device is open.
   */
  default void answered() {}

  /**
   * The link is up and the device answers, but nothing it said was usable yet (a status the driver
   * had to drop): the device stays CONNECTING, and listeners get a CONNECTING to CONNECTING event
   * with this reason each time the reason changes. While opening, a ready timeout tells it too. The
   * next status ends it. Ignored unless the device is CONNECTING.
   */
  default void connecting(String reason) {}

  /**
   * While opening, a try to reach the device failed in a way worth trying again (a busy gateway, a
   * request that got no answer): the open keeps waiting, and if the ready timeout comes its {@link
   * io.pdu4j.api.DeviceTimeoutException} carries the last such failure as its cause, and what it
   * sent and got back, so the user learns why. Ignored once the device is open.
   */
  default void openProblem(PowerDeviceException cause) {}

  /**
   * The link carries nothing useful any more (the device stopped answering, the stream is out of
   * step): pdu4j closes it, the device goes OFFLINE with this cause, and the link is reopened with
   * backoff.
   */
  void reconnect(PowerDeviceException cause);
}

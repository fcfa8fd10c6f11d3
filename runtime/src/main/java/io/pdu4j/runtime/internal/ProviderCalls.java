package io.pdu4j.runtime.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.transport.TransportProvider;
import java.util.function.Supplier;

/** How the runtime calls into a driver or transport, and names an address in a message. */
final class ProviderCalls {
  private ProviderCalls() {}

  /**
   * Calls a driver or transport. What it throws other than a {@link PowerDeviceException}, be it an
   * exception or an {@link Error} (an assertion, a stack overflow, a class that failed to
   * initialize), is a bug in that provider, not something a retry soon would fix: it becomes an
   * {@link InvalidArgumentException} naming the provider, so that the device is OFFLINE with
   * CONFIGURATION_ERROR (retried rarely) rather than the error escaping into the caller or an I/O
   * thread. See {@link PluginJars} for why no {@code Throwable} is let through.
   */
  static <T> T call(Object provider, String method, DeviceAddress address, Supplier<T> call) {
    try {
      return call.get();
    } catch (PowerDeviceException e) {
      throw e;
    } catch (Throwable e) { // whatever a provider throws; see PluginJars
      throw new InvalidArgumentException(
          (provider instanceof TransportProvider ? "transport " : "driver ")
              + provider.getClass().getName()
              + " failed in "
              + method
              + " for "
              + address
              + ": "
              + PluginJars.describe(e),
          e);
    }
  }

  /** The address for a message, secrets redacted; the raw text is never echoed. */
  static String redact(String uri) {
    try {
      return DeviceAddress.parse(uri).toString();
    } catch (RuntimeException e) {
      return "(an invalid address)";
    }
  }
}

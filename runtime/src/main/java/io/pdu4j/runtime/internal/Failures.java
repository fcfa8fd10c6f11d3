package io.pdu4j.runtime.internal;

import com.google.inject.ConfigurationException;
import com.google.inject.CreationException;
import com.google.inject.ProvisionException;
import io.pdu4j.api.PowerDeviceException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns what a stage, a driver or Guice threw into the one {@link PowerDeviceException}. */
public final class Failures {
  private Failures() {}

  /**
   * The {@link PowerDeviceException} behind a Guice error (a provider that threw while the runtime
   * was built), or one wrapping it.
   */
  public static PowerDeviceException unwrapGuice(RuntimeException e) {
    if (e instanceof PowerDeviceException p) {
      return p;
    }
    if (e instanceof ProvisionException
        || e instanceof CreationException
        || e instanceof ConfigurationException) {
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        if (t instanceof PowerDeviceException p) {
          return p;
        }
      }
      return new PowerDeviceException("cannot build the pdu4j runtime: " + e.getMessage(), e);
    }
    return new PowerDeviceException("cannot build the pdu4j runtime: " + e, e);
  }

  /**
   * The {@link PowerDeviceException} a stage failed with, unwrapping {@link CompletionException}
   * and {@link ExecutionException}; anything else (a driver bug) is wrapped, with {@code what}
   * saying what was being done.
   */
  public static PowerDeviceException of(Throwable t, String what, String device) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof PowerDeviceException p) {
      return p;
    }
    return new PowerDeviceException(what + " failed: " + cause, device, null, null, cause);
  }
}

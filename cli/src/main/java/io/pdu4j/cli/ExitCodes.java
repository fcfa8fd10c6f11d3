package io.pdu4j.cli;

import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The exit codes of {@code pdu4j}, and which failure maps to which. */
final class ExitCodes {
  /** The command did what it was asked. */
  static final int OK = 0;

  /** Anything not covered below: a protocol error, a busy device, a bug. */
  static final int FAILURE = 1;

  /** The command line or an argument is wrong (bad address, unknown outlet); nothing was sent. */
  static final int USAGE = 2;

  /** The device refused the command, did not confirm it, or cannot do it. */
  static final int REJECTED = 3;

  /** The device did not answer in time, could not be reached, or the link went down. */
  static final int UNREACHABLE = 4;

  private ExitCodes() {}

  /** The exit code for a failure. */
  static int of(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof InvalidArgumentException) {
      return USAGE;
    }
    if (t instanceof DeviceRejectedException
        || t instanceof StateNotConfirmedException
        || t instanceof UnsupportedCapabilityException) {
      return REJECTED;
    }
    if (t instanceof DeviceTimeoutException
        || t instanceof DeviceUnreachableException
        || t instanceof LinkLostException) {
      return UNREACHABLE;
    }
    return FAILURE;
  }

  /** The failure behind {@link CompletionException} and {@link ExecutionException} wrappers. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}

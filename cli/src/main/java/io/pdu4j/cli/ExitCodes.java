package io.pdu4j.cli;

import io.pdu4j.api.PowerDeviceException;
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

  /** The exit code for a failure, derived from its {@link PowerDeviceException#kindOf kind}. */
  static int of(Throwable failure) {
    return forKind(PowerDeviceException.kindOf(failure));
  }

  /** The exit code for a failure of this kind. */
  static int forKind(PowerDeviceException.Kind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> USAGE;
      case REJECTED, LOGIN_DENIED, NOT_CONFIRMED, UNSUPPORTED -> REJECTED;
      case TIMEOUT, UNREACHABLE, LINK_LOST -> UNREACHABLE;
      case BUSY, PROTOCOL, CLOSED, FAILED, CANCELLED, INTERNAL -> FAILURE;
    };
  }

  /** The failure behind {@link CompletionException} and {@link ExecutionException} wrappers. */
  static Throwable unwrap(Throwable failure) {
    return PowerDeviceException.unwrap(failure);
  }
}

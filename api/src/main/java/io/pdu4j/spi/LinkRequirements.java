package io.pdu4j.spi;

import io.pdu4j.api.InvalidArgumentException;
import java.util.OptionalInt;

/**
 * What a driver tells the transport about its protocol, so that a transport can serve it well.
 *
 * @param kind the kind of link the driver needs
 * @param defaultPort the device's own port, used when the address gives none (e.g. 501)
 * @param replyTerminator the byte that ends each reply, where there is one (e.g. {@code '>'}); a
 *     request/reply tunnel uses it to return a reply as soon as it is complete
 */
public record LinkRequirements(
    Link.Kind kind, OptionalInt defaultPort, OptionalInt replyTerminator) {
  /** Validates the port and the terminator byte. */
  public LinkRequirements {
    java.util.Objects.requireNonNull(kind, "kind");
    java.util.Objects.requireNonNull(defaultPort, "defaultPort");
    java.util.Objects.requireNonNull(replyTerminator, "replyTerminator");
    if (defaultPort.isPresent() && (defaultPort.getAsInt() < 1 || defaultPort.getAsInt() > 65535)) {
      throw new InvalidArgumentException("default port must be 1..65535");
    }
    if (replyTerminator.isPresent()
        && (replyTerminator.getAsInt() < 0 || replyTerminator.getAsInt() > 255)) {
      throw new InvalidArgumentException("reply terminator must be a byte value 0..255");
    }
  }

  /** A stream link with a default port and no reply terminator. */
  public static LinkRequirements stream(int defaultPort) {
    return new LinkRequirements(Link.Kind.STREAM, OptionalInt.of(defaultPort), OptionalInt.empty());
  }

  /** This with a reply terminator byte. */
  public LinkRequirements withReplyTerminator(int terminator) {
    return new LinkRequirements(kind, defaultPort, OptionalInt.of(terminator));
  }
}

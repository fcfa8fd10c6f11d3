package io.pdu4j.spi.support;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One command for a {@link CommandQueue}: the bytes to send and how to read the reply. An exchange
 * is used once; create a new one per submission.
 *
 * @param <F> the frame type the driver's framer produces (e.g. {@code String} lines)
 * @param <R> the result type
 */
public interface Exchange<F, R> {

  /** The bytes to send. */
  ByteBuffer request();

  /** The request as printable text for errors and logs (never containing a secret). */
  String describe();

  /**
   * The command's name from a small fixed set (e.g. {@code switch}, {@code status}), for metric
   * tags and statistics; never contains arguments.
   */
  String name();

  /** This command's timeout, or empty for the queue's default. */
  default Optional<Duration> timeout() {
    return Optional.empty();
  }

  /**
   * Looks at a frame that arrived while this command was in flight and says what it is. Called on
   * the device's thread. Must not throw: return {@link Outcome#fail} instead.
   */
  Outcome<R> onFrame(F frame);

  /**
   * An exchange with the queue's default timeout, from its parts.
   *
   * @param describe the request as printable text
   * @param name the command's name for metrics
   * @param request the bytes to send (sent from a duplicate, so it may be sent again)
   * @param onFrame what each frame in flight means
   */
  static <F, R> Exchange<F, R> of(
      String describe, String name, ByteBuffer request, Function<F, Outcome<R>> onFrame) {
    Objects.requireNonNull(describe, "describe");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(onFrame, "onFrame");
    return new Exchange<>() {
      @Override
      public ByteBuffer request() {
        return request.duplicate();
      }

      @Override
      public String describe() {
        return describe;
      }

      @Override
      public String name() {
        return name;
      }

      @Override
      public Outcome<R> onFrame(F frame) {
        return onFrame.apply(frame);
      }
    };
  }
}

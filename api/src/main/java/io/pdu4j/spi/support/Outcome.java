package io.pdu4j.spi.support;

import io.pdu4j.api.PowerDeviceException;
import java.util.Objects;

/**
 * What an {@link Exchange} makes of a frame: part of its reply, its end, its failure, or not its
 * business at all.
 *
 * @param <R> the exchange's result type
 */
public final class Outcome<R> {

  /** The four kinds of outcome. */
  public enum Kind {
    /** The frame belongs to this reply; more is expected. */
    CONTINUE,
    /**
     * The frame is not part of this reply (e.g. a status push): hand it to the unsolicited sink.
     */
    UNSOLICITED,
    /** The reply is complete with a result. */
    DONE,
    /** The reply says the command failed. */
    FAILED
  }

  private static final Outcome<?> CONTINUE = new Outcome<>(Kind.CONTINUE, null, null);
  private static final Outcome<?> UNSOLICITED = new Outcome<>(Kind.UNSOLICITED, null, null);

  private final Kind kind;
  private final R result;
  private final PowerDeviceException failure;

  private Outcome(Kind kind, R result, PowerDeviceException failure) {
    this.kind = kind;
    this.result = result;
    this.failure = failure;
  }

  /** The frame is part of this reply; keep waiting. */
  @SuppressWarnings("unchecked")
  public static <R> Outcome<R> more() {
    return (Outcome<R>) CONTINUE;
  }

  /** The frame is not part of this reply. */
  @SuppressWarnings("unchecked")
  public static <R> Outcome<R> unsolicited() {
    return (Outcome<R>) UNSOLICITED;
  }

  /** The reply is complete; {@code result} may be null for {@code Void} commands. */
  public static <R> Outcome<R> done(R result) {
    return new Outcome<>(Kind.DONE, result, null);
  }

  /** The command failed, e.g. with a {@link io.pdu4j.api.DeviceRejectedException}. */
  public static <R> Outcome<R> fail(PowerDeviceException failure) {
    return new Outcome<>(Kind.FAILED, null, Objects.requireNonNull(failure, "failure"));
  }

  /** Which kind of outcome. */
  public Kind kind() {
    return kind;
  }

  /** The result, for {@link Kind#DONE}. */
  public R result() {
    return result;
  }

  /** The failure, for {@link Kind#FAILED}. */
  public PowerDeviceException failure() {
    return failure;
  }
}

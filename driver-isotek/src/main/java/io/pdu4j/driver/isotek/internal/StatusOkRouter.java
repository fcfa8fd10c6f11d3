package io.pdu4j.driver.isotek.internal;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Decides whose an {@code OK} is when it directly follows a status block, and passes every other
 * frame on unchanged.
 *
 * <p>Why: the unit pushes its status every second, and the vendor document does not say whether the
 * push ends with {@code OK} and the {@code >} prompt like the answer to {@code ?}. Units may do
 * either. A status block is self-delimiting, so its own {@code OK} must never complete another
 * command ({@code C?} with half its lines, {@code P?} with none, an {@code Sx=s} the unit has not
 * answered yet). The rules, in order:
 *
 * <ol>
 *   <li>An {@code OK} that does not directly follow a status block (prompts aside) is a command's:
 *       passed on.
 *   <li>While a {@code ?} waits for its answer: the {@code OK} after a block that began after the
 *       {@code ?} was sent is that answer's, passed on; after a block that began before, it can
 *       only be the push's own (the answer to {@code ?} always has a block), so pushes end with
 *       {@code OK}: learnt, and the {@code OK} is dropped.
 *   <li>No command in flight: the push's own; learnt, dropped.
 *   <li>Another command in flight: dropped when pushes are known to end with {@code OK}, passed on
 *       when they are known not to. Unknown yet (the first seconds of a connection): held back
 *       until the next line says whose it was, or the session's grace time passes or the link ends
 *       ({@link #release}). Another {@code OK}, or a line of the answer ({@code Cn=}, {@code ERR},
 *       ...) means the held one was the block's (learnt, dropped); the next block ({@code CH0})
 *       means it was the command's (learnt, passed on before that line); nothing within the grace
 *       time means it was the command's too (a unit whose push ended with {@code OK} would have
 *       sent the command's own answer right behind it), but teaches nothing.
 *   <li>A block directly followed by anything but {@code OK} ({@code CH0} of the next push, a
 *       {@code Cn=} line) shows pushes without {@code OK}: learnt.
 * </ol>
 *
 * <p>What was learnt holds for the connection; {@link #reset()} forgets it (a new connection may
 * reach another unit). Later evidence of the other kind replaces it. Not thread-safe: the session
 * feeds it from the device's thread.
 */
final class StatusOkRouter {

  /** What is known of the unit's pushes. */
  enum PushEnding {
    /** Not seen yet. */
    UNKNOWN,
    /** Pushes end with {@code OK} and the prompt, as the answer to {@code ?} does. */
    WITH_OK,
    /** Pushes are the status lines alone. */
    WITHOUT_OK
  }

  /** What the router needs to know of the session at the moment of a line. */
  interface Session {
    /** The sequence number of the last line before a {@code ?} still unanswered was sent, or -1. */
    long statusAskedAt();

    /** The {@code ?} waiting has been answered: its {@code OK} is being passed on. */
    void statusAnswered();

    /** Whether a command is in flight. */
    boolean commandInFlight();

    /** What was learnt changed; for the log. */
    void learnt(PushEnding ending);
  }

  private final Session session;
  private PushEnding ending = PushEnding.UNKNOWN;
  // the first line of the block that the last line (prompts aside) ended at its RTC, or -1
  private long blockEndedStart = -1;
  private IsoTekFrame held;

  StatusOkRouter(Session session) {
    this.session = Objects.requireNonNull(session, "session");
  }

  /** What is known of the unit's pushes. */
  PushEnding ending() {
    return ending;
  }

  /** Whether an {@code OK} is held back, waiting for the next line to say whose it is. */
  boolean holding() {
    return held != null;
  }

  /**
   * Takes one line, after the status assembler has seen it.
   *
   * @param frame the line, parsed
   * @param blockEnded the first line's number of the block this line ended, or -1 when it ended
   *     none (a number, not an {@code Optional<Long>}: this runs for every line)
   * @param next where frames for the command queue go (none, one or two per call)
   */
  void accept(IsoTekFrame frame, long blockEnded, Consumer<IsoTekFrame> next) {
    if (frame instanceof IsoTekFrame.Prompt) {
      next.accept(frame); // decides nothing: every exchange leaves prompts alone
      return;
    }
    if (frame instanceof IsoTekFrame.Channel c) {
      channel(c.number(), next);
      next.accept(frame);
      return;
    }
    if (held != null) {
      held = null; // not a CH0 line (see channel): the block's own OK; dropped
      learn(PushEnding.WITH_OK);
    }
    long endedStart = blockEndedStart;
    blockEndedStart = -1;
    if (frame instanceof IsoTekFrame.Ok) {
      long start = blockEnded >= 0 ? blockEnded : endedStart;
      if (start < 0) {
        next.accept(frame);
      } else {
        okAfterBlock(frame, start, next);
      }
      return;
    }
    if (endedStart >= 0 && showsNoOk(frame)) {
      learn(PushEnding.WITHOUT_OK);
    }
    if (frame instanceof IsoTekFrame.Clock && blockEnded >= 0) {
      blockEndedStart = blockEnded;
    }
    next.accept(frame);
  }

  /**
   * Takes a channel line as {@link #accept} takes its frame, up to handing the line itself on: a
   * held {@code OK} goes to {@code next} here, and the caller hands the line on after this returns
   * (a status line decides nothing for the command queue, so a caller with no command in flight
   * need not make a frame of it).
   *
   * @param number the line's channel number
   */
  void channel(int number, Consumer<IsoTekFrame> next) {
    if (held != null) {
      IsoTekFrame ok = held;
      held = null;
      if (number == 0) {
        learn(PushEnding.WITHOUT_OK);
        next.accept(ok);
      } else {
        learn(PushEnding.WITH_OK); // the block's own; dropped
      }
    }
    if (blockEndedStart >= 0) {
      blockEndedStart = -1;
      learn(PushEnding.WITHOUT_OK); // a block right after the last one's RTC: no OK between
    }
  }

  /** The grace time for a held {@code OK} passed with no line: it goes to the command after all. */
  void release(Consumer<IsoTekFrame> next) {
    IsoTekFrame ok = held;
    held = null;
    if (ok != null) {
      next.accept(ok);
    }
  }

  /** The command in flight completed, or the link went down: a held {@code OK} is nobody's now. */
  void commandEnded() {
    held = null;
  }

  /** A new connection: forgets everything, what was learnt too. */
  void reset() {
    held = null;
    blockEndedStart = -1;
    ending = PushEnding.UNKNOWN;
  }

  private void okAfterBlock(IsoTekFrame ok, long start, Consumer<IsoTekFrame> next) {
    long asked = session.statusAskedAt();
    if (asked >= 0) {
      if (start > asked) {
        session.statusAnswered();
        next.accept(ok);
      } else {
        learn(PushEnding.WITH_OK);
      }
      return;
    }
    if (!session.commandInFlight()) {
      learn(PushEnding.WITH_OK);
      return;
    }
    switch (ending) {
      case WITH_OK -> {
        // the push's own; dropped
      }
      case WITHOUT_OK -> next.accept(ok);
      case UNKNOWN -> held = ok;
    }
  }

  /** Lines of the protocol that show the block before them had no OK (garbage shows nothing). */
  private static boolean showsNoOk(IsoTekFrame frame) {
    return frame instanceof IsoTekFrame.OutletSetting // and channel lines: see channel
        || frame instanceof IsoTekFrame.ScheduleRecord;
  }

  private void learn(PushEnding learnt) {
    if (ending != learnt) {
      ending = learnt;
      session.learnt(learnt);
    }
  }
}

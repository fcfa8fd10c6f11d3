package io.pdu4j.driver.isotek.internal;

import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.DeviceSink;
import io.pdu4j.spi.support.BurstLog;
import io.pdu4j.spi.support.LineFramer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each line of one unit goes, on the device's thread: numbered and counted, parsed, to the
 * status assembler first (status lines look the same whether pushed or asked for, and the unit
 * pushes every second whatever is in flight), then through the {@link StatusOkRouter} to the
 * command queue, whose exchange decides whether the line ends its command. A status block is
 * therefore taken whenever it ends, and can never complete a command by itself: only {@code OK}
 * does. Bad input (malformed and over-long lines, lines no command claimed) is counted here and in
 * the sink, and logged once per burst.
 */
final class IsoTekLines implements LineFramer.Sink {
  private static final Logger LOG = LoggerFactory.getLogger(IsoTekSession.class);

  /**
   * How long an {@code OK} that may be a push's own is held back, while the unit's kind of push is
   * not known yet, before it is taken as the answer of the command in flight (see {@link
   * StatusOkRouter}). A unit whose pushes end with {@code OK} sends the command's own answer right
   * behind, well within this.
   */
  static final Duration PUSH_OK_GRACE = Duration.ofMillis(300);

  /** What the lines need of their session. */
  interface Session {
    /**
     * A status block ended, whole or dropped; called before the line goes on to the queue. The
     * block is the lines' again once this returns (its arrays take the next block): keep what it
     * says, not the block.
     */
    void blockEnded(IsoTekStatusAssembler.Result result);

    /** Hands a frame to the command queue. */
    void toQueue(IsoTekFrame frame);

    /** Whether a command is in flight. */
    boolean commandInFlight();
  }

  private final String device;
  private final int maxFrameLength;
  private final ScheduledExecutorService executor;
  private final Session session;
  private final IsoTekLineReader reader;
  private final IsoTekStatusAssembler assembler = new IsoTekStatusAssembler();
  private final StatusOkRouter okRouter = new StatusOkRouter(new OkRouterView());
  // made once: a method reference handed on for every line would be a new object for each
  private final Consumer<IsoTekFrame> toQueue = this::toQueue;
  // where a channel line's values are read, reused: 17 lines a push make no frame each
  private final IsoTekParser.ChannelLine channelLine = new IsoTekParser.ChannelLine();
  private final FrameCounters counters = new FrameCounters();
  // one log for all bad input: a malformed line also drops its status, and that is one problem
  private BurstLog badInputLog; // made at the first bad input: most devices never send one

  private DeviceSink sink;
  private boolean stopped;
  private long seq;
  // the last line's number when a ? still unanswered was sent, or -1
  private long statusAskedAt = -1;
  private ScheduledFuture<?> graceTimer;

  IsoTekLines(
      String device, int maxFrameLength, ScheduledExecutorService executor, Session session) {
    this.device = device;
    this.maxFrameLength = maxFrameLength;
    this.executor = executor;
    this.session = session;
    this.reader = new IsoTekLineReader(maxFrameLength, this);
  }

  void start(DeviceSink sink) {
    this.sink = sink;
  }

  FrameCounters counters() {
    return counters;
  }

  /** The number of the last line received (0 before the first). */
  long seq() {
    return seq;
  }

  /** A new connection: the unit's kind of push is learnt afresh. */
  void linkUp() {
    reader.reset();
    assembler.reset();
    okRouter.reset();
    statusAskedAt = -1;
  }

  /**
   * The connection is gone: partial lines and blocks are forgotten. An {@code OK} the router still
   * holds back goes to the command in flight first: no next line can come to say it was a push's,
   * so it is the command's, as when the grace time passes. A unit answers {@code X} with its {@code
   * OK} and hangs up at once, which would otherwise lose a restart it accepted.
   */
  void linkDown() {
    if (okRouter.holding()) {
      okRouter.release(toQueue);
    }
    reader.reset();
    assembler.reset();
    commandEnded();
  }

  /** Nothing is taken any more (the device is closing). */
  void stop() {
    stopped = true;
    if (graceTimer != null) {
      graceTimer.cancel(false);
    }
  }

  void feed(ByteBuffer data) {
    if (!stopped) {
      reader.feed(data);
      counters.lines(seq); // once a chunk, not once a line
    }
  }

  /** A {@code ?} is being sent (a command, a follow-up or a poll): noted for the OK router. */
  void statusAsked() {
    statusAskedAt = seq;
  }

  /** No command is in flight any more. */
  void commandEnded() {
    statusAskedAt = -1;
    okRouter.commandEnded();
    watchHeldOk();
  }

  private BurstLog badInputLog() {
    if (badInputLog == null) {
      badInputLog = new BurstLog(LOG);
    }
    return badInputLog;
  }

  /** Counts and logs a status block that was dropped. */
  void dropped(IsoTekStatusAssembler.Dropped d) {
    counters.droppedStatus();
    badInputLog().log("{}: dropped a status: {}", device, d.reason());
  }

  /** Counts a status block that was taken. */
  void taken() {
    counters.status();
  }

  /** A line (or the prompt) from the framer: parsed once, then to the assembler and the router. */
  @Override
  public void onFrame(String line) {
    if (!stopped) { // else closed by a listener half-way through a chunk
      take(IsoTekParser.parse(line));
    }
  }

  /**
   * A line as the framer's bytes: a status line is parsed where it is, without a string, and a
   * well-formed channel line without a frame.
   */
  @Override
  public void onFrame(byte[] bytes, int from, int length) {
    if (!stopped) {
      IsoTekFrame frame = IsoTekParser.read(bytes, from, length, channelLine);
      if (frame == null) {
        takeChannel(channelLine);
      } else {
        take(frame);
      }
    }
  }

  /**
   * A well-formed channel line, as {@link #take} takes its frame: numbered and counted, to the
   * assembler by its values, then through the router. The frame is made only for a command in
   * flight: with none, the queue hands a line to {@link #unclaimed}, which notes nothing of status
   * lines.
   */
  private void takeChannel(IsoTekParser.ChannelLine c) {
    long n = ++seq;
    IsoTekStatusAssembler.Result ended = assembler.channel(c.number, c.on, c.volts, c.watts, n);
    if (ended != null) {
      session.blockEnded(ended); // a block broken off (dropped): no status reported
    }
    okRouter.channel(c.number, toQueue);
    if (session.commandInFlight()) {
      toQueue(c.frame());
    }
    if (graceTimer != null || okRouter.holding()) {
      watchHeldOk();
    }
  }

  private void take(IsoTekFrame frame) {
    long n = ++seq;
    if (frame instanceof IsoTekFrame.Malformed m) {
      counters.malformed();
      sink.malformedFrame();
      badInputLog()
          .log(
              "{}: skipped a malformed line {} ({})",
              device,
              PowerDeviceException.printable(m.raw()),
              m.reason());
    }
    IsoTekStatusAssembler.Result ended = assembler.take(frame, n);
    long endedStart = -1;
    if (ended != null) {
      session.blockEnded(ended); // made into a status; nothing keeps the block itself
      endedStart = ended.startSeq();
      assembler.recycle(ended); // its arrays take the next block's readings
    }
    okRouter.accept(frame, endedStart, toQueue);
    if (graceTimer != null || okRouter.holding()) {
      watchHeldOk();
    }
  }

  /** Times an OK the router holds back; stops timing once it no longer holds one. */
  private void watchHeldOk() {
    if (okRouter.holding()) {
      if (graceTimer == null) {
        graceTimer =
            executor.schedule(
                () -> {
                  graceTimer = null;
                  okRouter.release(toQueue);
                },
                PUSH_OK_GRACE.toNanos(),
                TimeUnit.NANOSECONDS);
      }
    } else if (graceTimer != null) {
      graceTimer.cancel(false);
      graceTimer = null;
    }
  }

  private void toQueue(IsoTekFrame frame) {
    if (!stopped) {
      session.toQueue(frame);
    }
  }

  @Override
  public void onOverlong(String start) {
    counters.overlong();
    sink.overlongFrame();
    badInputLog()
        .log(
            "{}: skipped a line longer than {} bytes starting {}",
            device,
            maxFrameLength,
            PowerDeviceException.printable(start));
  }

  /** Frames no command claimed: status lines were handled already; the rest is noted. */
  void unclaimed(IsoTekFrame frame) {
    if (frame instanceof IsoTekFrame.Ok) {
      LOG.debug("{}: ignored OK with no command in flight", device);
    } else if (frame instanceof IsoTekFrame.Unknown || frame instanceof IsoTekFrame.Address) {
      counters.unexpected();
      sink.malformedFrame(); // skipped input, as a malformed line is
      String line = frame.toString();
      badInputLog()
          .log(
              "{}: ignored an unexpected line with no command in flight: {}",
              device,
              PowerDeviceException.printable(line.length() > 200 ? line.substring(0, 200) : line));
    }
  }

  private final class OkRouterView implements StatusOkRouter.Session {
    @Override
    public long statusAskedAt() {
      return statusAskedAt;
    }

    @Override
    public void statusAnswered() {
      statusAskedAt = -1;
    }

    @Override
    public boolean commandInFlight() {
      return session.commandInFlight();
    }

    @Override
    public void learnt(StatusOkRouter.PushEnding ending) {
      LOG.debug(
          "{}: the unit's status pushes end {}",
          device,
          ending == StatusOkRouter.PushEnding.WITH_OK
              ? "with OK and the prompt"
              : "without OK and prompt");
    }
  }
}

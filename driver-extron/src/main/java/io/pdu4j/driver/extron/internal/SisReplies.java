package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.api.ProtocolException;
import io.pdu4j.spi.DriverCounters;
import io.pdu4j.spi.support.BurstLog;
import io.pdu4j.spi.support.CommandQueue;
import io.pdu4j.spi.support.Exchange;
import io.pdu4j.spi.support.Outcome;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reply side of the IPCP's Telnet session once logged in: feeds what arrives to a {@link
 * SisReplyReader}, ends a {@code 0L} reply on quiet, and makes the {@link Exchange}s that turn a
 * reply into a SIS command's answer or a send-data-string's data, or into the IPCP's error (an
 * {@code Enn}, or a reply over the bound, which fails its request at once).
 *
 * <p>Confined to the link's executor, like the link.
 */
final class SisReplies {
  private static final Logger LOG = LoggerFactory.getLogger(ExtronTunnelLink.class);

  /** The most bytes of one reply kept. */
  static final int MAX_REPLY = 8192;

  private final TunnelSettings settings;
  private final String describe;
  private final ScheduledExecutorService executor;
  private final DriverCounters counters; // the runtime's pdu.frames.malformed
  private final BiFunction<SisCodec.SisError, String, PowerDeviceException> errorFor;
  private final BurstLog burst = new BurstLog(LOG);
  private final SisReplyReader reader;
  private ScheduledFuture<?> quietTimer; // ends a 0L reply
  // bumped by every chunk received and every request, so that a stale quiet timer does nothing
  private long rxGeneration;

  /**
   * @param errorFor the failure for an {@code Enn} answer to what was sent
   */
  SisReplies(
      TunnelSettings settings,
      String describe,
      ScheduledExecutorService executor,
      DriverCounters counters,
      BiFunction<SisCodec.SisError, String, PowerDeviceException> errorFor) {
    this.settings = settings;
    this.describe = describe;
    this.executor = executor;
    this.counters = counters;
    this.errorFor = errorFor;
    this.reader =
        new SisReplyReader(
            settings.delimiter(), settings.crlfAppended(), settings.prefixBytes(), MAX_REPLY);
  }

  /** Awaits nothing and forgets everything kept: a session begins or ends. */
  void reset() {
    cancelQuiet();
    reader.idle();
    reader.clear();
  }

  /** A request is about to be written: what came before it is not its reply. */
  void beforeWrite() {
    reader.clear();
    rxGeneration++;
    cancelQuiet();
  }

  /** Takes bytes the IPCP sent; a reply that ended goes to {@code queue}. */
  void received(byte[] b, CommandQueue<SisReplyReader.Reply> queue) {
    boolean awaiting = reader.mode() != SisReplyReader.Mode.NONE;
    SisReplyReader.Read read = reader.feed(b);
    if (!awaiting) {
      return; // unasked (the IPCP says nothing unasked in plain mode), or an over-long reply's rest
    }
    if (read.overlong()) {
      burst.log("{}: reply over {} bytes without an end, dropped", describe, MAX_REPLY);
      counters.overlongFrame();
      cancelQuiet();
      queue.onFrame(read.dropped()); // fails the request it was the reply to
      return;
    }
    rxGeneration++;
    cancelQuiet();
    if (read.reply().isPresent()) {
      queue.onFrame(read.reply().get());
    } else if (reader.endsIfQuiet()) {
      // 0L: the IPCP ends the reply on its own timeouts, which cannot be seen on the wire; a CR LF
      // (or, without appended CR LF, any byte) followed by quiet is taken as the end
      long generation = rxGeneration;
      quietTimer =
          executor.schedule(
              () -> {
                if (generation == rxGeneration) {
                  reader.quiet().ifPresent(queue::onFrame);
                }
              },
              settings.replyQuiet().toNanos(),
              TimeUnit.NANOSECONDS);
    }
  }

  void cancelQuiet() {
    if (quietTimer != null) {
      quietTimer.cancel(false);
      quietTimer = null;
    }
  }

  /** The exchange of one send-data-string of {@code data}: completes with the device's reply. */
  Ask<byte[]> data(byte[] data, byte[] request) {
    return new Ask<>(
        request,
        () -> reader.expectData(data),
        SisTunnelLink.sendDataText(settings, data),
        "extron-send-data",
        new String(data, StandardCharsets.ISO_8859_1),
        reply -> reply);
  }

  /** The exchange of one SIS command: completes with its one-line answer, without CR LF. */
  Ask<String> line(String command) {
    return new Ask<>(
        command.getBytes(StandardCharsets.ISO_8859_1),
        reader::expectLine,
        command,
        command.equals(SisCodec.FIRMWARE_QUERY) ? "extron-keep-alive" : "extron-command",
        command,
        reply -> new String(reply, StandardCharsets.ISO_8859_1));
  }

  /** The failure of a request whose reply was dropped as over the bound: sent, and its start. */
  private PowerDeviceException overlong(SisReplyReader.Reply dropped, String sent) {
    return new ProtocolException(
        "the IPCP's reply is over " + MAX_REPLY + " bytes without an end; dropped",
        describe,
        sent,
        new String(dropped.data(), StandardCharsets.ISO_8859_1) + "...",
        null);
  }

  /**
   * One request and its reply: the reader is told what to look for as the request goes out; a reply
   * over the bound or an {@code Enn} fails it, else {@code answer} reads the reply's data.
   */
  final class Ask<T> implements Exchange<SisReplyReader.Reply, T> {
    private final byte[] request;
    private final Runnable expect;
    private final String describe;
    private final String name;
    private final String sent; // for the message of a reply over the bound
    private final Function<byte[], T> answer;
    private boolean wentOut; // the queue took the request to send it

    Ask(
        byte[] request,
        Runnable expect,
        String describe,
        String name,
        String sent,
        Function<byte[], T> answer) {
      this.request = request;
      this.expect = expect;
      this.describe = describe;
      this.name = name;
      this.sent = sent;
      this.answer = answer;
    }

    @Override
    public ByteBuffer request() {
      wentOut = true;
      expect.run();
      return ByteBuffer.wrap(request);
    }

    @Override
    public String describe() {
      return describe;
    }

    /** Whether the request went out (the IPCP then owes an answer to it, even after a timeout). */
    boolean sent() {
      return wentOut;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Outcome<T> onFrame(SisReplyReader.Reply frame) {
      if (frame.overlong()) {
        return Outcome.fail(overlong(frame, sent));
      }
      if (frame.error() != null) {
        return Outcome.fail(errorFor.apply(frame.error(), describe));
      }
      return Outcome.done(answer.apply(frame.data()));
    }
  }
}

package io.pdu4j.transport.serial.internal;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.testkit.RecordingLinkListener;
import io.pdu4j.transport.serial.SerialTransportProvider;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serial link against a socat pseudo-terminal pair: the link opens one end, the test plays the
 * device on the other. A pty ignores the baud rate, so the line settings are not exercised here.
 */
class SerialLinkTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private Socat socat;
  private ScheduledExecutorService executor;
  private Thread executorThread;
  private final List<Link> links = new ArrayList<>();
  private final List<Peer> peers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Socat.assumeInstalled();
    socat = new Socat(dir).start();
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "device-executor");
              t.setDaemon(true);
              return t;
            });
    executorThread = executor.submit(Thread::currentThread).get();
  }

  @AfterEach
  void stop() throws Exception {
    for (Link link : links) {
      link.close().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (socat != null) {
      socat.stop();
    }
    for (Peer p : peers) {
      p.close();
    }
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  private SerialLink link(Path path) {
    Link link =
        new SerialTransportProvider()
            .create(
                DeviceAddress.parse("isotek:serial://" + path + "?baud=9600"),
                TestContext.of(executor));
    links.add(link);
    return (SerialLink) link;
  }

  private Peer peer() throws IOException {
    Peer p = new Peer(socat.b());
    peers.add(p);
    return p;
  }

  private static List<Thread> serialThreads(Path path) {
    String prefix = "pdu4j-serial-" + path;
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith(prefix) && t.isAlive())
        .toList();
  }

  private static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(US_ASCII));
  }

  @Test
  void bytesFlowBothWaysAndEveryCallIsOnTheExecutor() throws Exception {
    SerialLink link = link(socat.a());
    RecordingLinkListener listener = new RecordingLinkListener();
    get(link.open(listener));
    assertThat(link.isOpen()).isTrue();
    assertThat(listener.ups()).isEqualTo(1);
    assertThat(serialThreads(socat.a())).extracting(Thread::isDaemon).containsOnly(true).hasSize(2);

    Peer peer = peer();
    peer.write("CH0=1|230|100|\n>".getBytes(US_ASCII));
    await()
        .atMost(WAIT)
        .until(() -> new String(listener.received(), US_ASCII).equals("CH0=1|230|100|\n>"));

    Thread[] completedOn = new Thread[1];
    get(link.send(ascii("?\n")).whenComplete((v, t) -> completedOn[0] = Thread.currentThread()));
    await().atMost(WAIT).until(() -> peer.received().equals("?\n"));

    assertThat(listener.threads()).containsOnly(executorThread);
    assertThat(completedOn[0]).isIn(executorThread, Thread.currentThread());
  }

  @Test
  void splitAndLargeWritesArriveIntactBothWays() throws Exception {
    SerialLink link = link(socat.a());
    RecordingLinkListener listener = new RecordingLinkListener();
    get(link.open(listener));
    Peer peer = peer();

    ByteArrayOutputStream expectedOut = new ByteArrayOutputStream();
    List<CompletionStage<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] chunk = pattern(i, 997);
      expectedOut.writeBytes(chunk);
      sends.add(link.send(ByteBuffer.wrap(chunk)));
    }
    byte[] big = pattern(99, 60_000);
    expectedOut.writeBytes(big);
    sends.add(link.send(ByteBuffer.wrap(big)));
    for (CompletionStage<Void> s : sends) {
      get(s);
    }
    await().atMost(WAIT).until(() -> peer.receivedCount() >= expectedOut.size());
    assertThat(peer.receivedBytes()).isEqualTo(expectedOut.toByteArray());

    // more than the inbound bound, in chunks that do not match the reads
    byte[] in = pattern(7, 300_000);
    for (int off = 0; off < in.length; off += 4099) {
      peer.write(java.util.Arrays.copyOfRange(in, off, Math.min(in.length, off + 4099)));
    }
    await().atMost(WAIT).until(() -> listener.receivedCount() >= in.length);
    assertThat(listener.received()).isEqualTo(in);
    assertThat(link.inboundWaiting()).isZero();
    assertThat(listener.threads()).containsOnly(executorThread);
  }

  @Test
  void readingPausesWhileTheExecutorIsBehind() throws Exception {
    SerialLink link = link(socat.a());
    AtomicInteger maxWaiting = new AtomicInteger();
    RecordingLinkListener listener =
        new RecordingLinkListener() {
          @Override
          public void onData(ByteBuffer buffer) {
            maxWaiting.accumulateAndGet(link.inboundWaiting(), Math::max);
            super.onData(buffer);
            if (receivedCount() < 200_000) {
              sleep(2); // a slow listener, so what was read piles up for the executor
            }
          }
        };
    get(link.open(listener));
    Peer peer = peer();
    byte[] in = pattern(3, 400_000);
    peer.write(in);
    await().atMost(WAIT).until(() -> listener.receivedCount() >= in.length);
    assertThat(listener.received()).isEqualTo(in);
    assertThat(maxWaiting.get())
        .isGreaterThan(SerialLink.READ_LOW)
        .isLessThanOrEqualTo(SerialLink.READ_HIGH + SerialLink.CHUNK);
  }

  @Test
  void theOtherEndVanishingTakesTheLinkDownOnce() throws Exception {
    SerialLink link = link(socat.a());
    RecordingLinkListener listener = new RecordingLinkListener();
    get(link.open(listener));

    socat.stop();

    await().atMost(WAIT).until(() -> listener.downs().size() == 1);
    assertThat(listener.downs().get(0))
        .isInstanceOf(LinkLostException.class)
        .hasMessageContaining(socat.a().toString())
        .hasMessageContaining("port closed/removed");
    assertThat(link.isOpen()).isFalse();
    await().atMost(WAIT).until(() -> serialThreads(socat.a()).isEmpty());
    assertThat(failure(link.send(ascii("?\n"))))
        .isInstanceOf(LinkLostException.class)
        .hasMessageContaining("not open");
    get(link.close());
    assertThat(listener.downs()).hasSize(1);
    assertThat(listener.ups()).isEqualTo(1);
    assertThat(listener.threads()).containsOnly(executorThread);
  }

  @Test
  void reopensWhenThePortComesBack() throws Exception {
    SerialLink link = link(socat.a());
    RecordingLinkListener first = new RecordingLinkListener();
    get(link.open(first));
    socat.stop();
    await().atMost(WAIT).until(() -> first.downs().size() == 1);

    // while it is gone, opening fails as a reconnect loop expects
    assertThat(failure(link.open(new RecordingLinkListener())))
        .isInstanceOf(DeviceUnreachableException.class)
        .hasMessageContaining(socat.a().toString())
        .hasMessageContaining("no such port");

    socat.start();
    RecordingLinkListener second = new RecordingLinkListener();
    get(link.open(second));
    assertThat(link.isOpen()).isTrue();
    Peer peer = peer();
    peer.write("back\n".getBytes(US_ASCII));
    await().atMost(WAIT).until(() -> new String(second.received(), US_ASCII).equals("back\n"));
    get(link.send(ascii("S1=1\n")));
    await().atMost(WAIT).until(() -> peer.received().equals("S1=1\n"));
    assertThat(second.ups()).isEqualTo(1);
    assertThat(second.downs()).isEmpty();
    assertThat(first.downs()).hasSize(1);
    assertThat(first.received()).isEmpty();
  }

  @Test
  void openingAMissingPortFailsNamingIt() throws Exception {
    Path missing = dir.resolve("no-such-port");
    SerialLink link = link(missing);
    assertThat(failure(link.open(new RecordingLinkListener())))
        .isInstanceOf(DeviceUnreachableException.class)
        .hasMessageContaining("cannot open serial://" + missing)
        .hasMessageContaining("no such port");
    assertThat(link.isOpen()).isFalse();
    await().atMost(WAIT).until(() -> serialThreads(missing).isEmpty());
  }

  @Test
  void aPortIsOpenedOnceAndExclusively() throws Exception {
    SerialLink link = link(socat.a());
    RecordingLinkListener listener = new RecordingLinkListener();
    get(link.open(listener));

    assertThat(failure(link.open(new RecordingLinkListener())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already open");

    SerialLink other = link(socat.a());
    assertThat(failure(other.open(new RecordingLinkListener())))
        .isInstanceOf(DeviceUnreachableException.class)
        .hasMessageContaining(socat.a().toString())
        .hasMessageContaining("port busy");

    get(link.close());
    RecordingLinkListener second = new RecordingLinkListener();
    get(other.open(second));
    assertThat(second.ups()).isEqualTo(1);
    assertThat(listener.ups()).isEqualTo(1);
    assertThat(listener.downs()).hasSize(1);
  }

  @Test
  void aPortLockedByAnotherProcessIsBusy() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isExecutable(Path.of("/usr/bin/flock")),
        "flock(1) not installed: cannot hold the port's lock from another process");
    Process holder =
        new ProcessBuilder("/usr/bin/flock", "-x", socat.a().toRealPath().toString(), "sleep", "30")
            .redirectErrorStream(true)
            .start();
    try {
      // flock(1) takes the lock before it starts its command
      await()
          .atMost(WAIT)
          .until(() -> holder.descendants().findAny().isPresent() || !holder.isAlive());
      assertThat(holder.isAlive()).isTrue();
      SerialLink link = link(socat.a());
      assertThat(failure(link.open(new RecordingLinkListener())))
          .isInstanceOf(DeviceUnreachableException.class)
          .hasMessageContaining(socat.a().toString())
          .hasMessageContaining("port busy: locked by another process");
    } finally {
      holder.descendants().forEach(ProcessHandle::destroy);
      holder.destroy();
      holder.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void closeReportsDownOnceAndLeavesNoThread() throws Exception {
    SerialLink link = link(socat.a());
    RecordingLinkListener listener = new RecordingLinkListener();
    get(link.open(listener));
    assertThat(serialThreads(socat.a())).isNotEmpty();

    get(link.close());

    assertThat(listener.downs()).hasSize(1);
    assertThat(listener.downs().get(0))
        .isInstanceOf(DeviceClosedException.class)
        .hasMessageContaining(socat.a().toString());
    assertThat(link.isOpen()).isFalse();
    await().atMost(WAIT).until(() -> serialThreads(socat.a()).isEmpty());
    get(link.close());
    assertThat(listener.downs()).hasSize(1);
    assertThat(failure(link.send(ascii("?\n")))).isInstanceOf(LinkLostException.class);
    assertThat(listener.threads()).containsOnly(executorThread);

    // closed is not final: the port can be opened again
    RecordingLinkListener again = new RecordingLinkListener();
    get(link.open(again));
    assertThat(again.ups()).isEqualTo(1);
  }

  @Test
  void closeBeforeItIsUpFailsTheOpenWithDeviceClosed() throws Exception {
    SerialLink link = link(socat.a());
    RecordingLinkListener listener = new RecordingLinkListener();
    // queued behind a busy executor, so the close runs before the port's opening is reported
    executor.execute(() -> sleep(200));
    CompletionStage<Void> open = link.open(listener);
    CompletionStage<Void> closed = link.close();
    assertThat(failure(open)).isInstanceOf(DeviceClosedException.class);
    get(closed);
    assertThat(listener.ups()).isZero();
    assertThat(listener.downs()).isEmpty();
    await().atMost(WAIT).until(() -> serialThreads(socat.a()).isEmpty());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] pattern(int seed, int length) {
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = (byte) ((seed * 31 + i * 7) & 0xff);
    }
    return b;
  }

  /** The test's end of the pair: plain file streams on the pty, a thread reading it. */
  static final class Peer implements AutoCloseable {
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Thread reader;

    Peer(Path path) throws IOException {
      in = new FileInputStream(path.toFile());
      out = new FileOutputStream(path.toFile());
      reader = new Thread(this::read, "test-peer-" + path);
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      byte[] b = new byte[8192];
      try {
        int n;
        while ((n = in.read(b)) >= 0) {
          synchronized (received) {
            received.write(b, 0, n);
          }
        }
      } catch (IOException e) {
        // the pair was closed
      }
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    String received() {
      return new String(receivedBytes(), US_ASCII);
    }

    byte[] receivedBytes() {
      synchronized (received) {
        return received.toByteArray();
      }
    }

    int receivedCount() {
      synchronized (received) {
        return received.size();
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
      in.close();
    }
  }
}

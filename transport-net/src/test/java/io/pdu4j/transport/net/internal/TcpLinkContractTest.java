package io.pdu4j.transport.net.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceUnreachableException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkListener;
import io.pdu4j.testkit.RecordingLinkListener;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every TCP link must do, over real loopback sockets, whatever executor it is given. One
 * subclass per kind of executor.
 */
abstract class TcpLinkContractTest {
  static final Duration WAIT = Duration.ofSeconds(5);

  final Logger log = LoggerFactory.getLogger(getClass());
  TcpTransportProvider provider;
  ScheduledExecutorService executor;
  Thread executorThread;
  TestServer server;
  private final List<Link> links = new ArrayList<>();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** The device executor under test. */
  abstract ScheduledExecutorService newExecutor();

  /** Whether links should register their channels on the executor itself. */
  abstract boolean expectsChannelsOnExecutor();

  TestContext context() {
    return TestContext.of(executor);
  }

  @BeforeEach
  void setUp() throws Exception {
    executor = newExecutor();
    executorThread = executor.submit(Thread::currentThread).get();
    provider = new TcpTransportProvider();
    server = TestServer.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Link link : links) {
      link.close().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
    for (AutoCloseable c : closeables) {
      c.close();
    }
    server.close();
    provider.close();
    executor.shutdownNow();
    assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  Link link(int port) {
    return link(context(), "127.0.0.1", port);
  }

  Link link(TestContext ctx, String host, int port) {
    Link link = provider.create(DeviceAddress.parse("test:tcp://" + host + ":" + port), ctx);
    links.add(link);
    return link;
  }

  /** How a stage ended, and on which thread. */
  record Outcome(Throwable error, Thread thread) {}

  /** Calls the link on the executor thread and reports how the stage it returned ended. */
  Outcome onExecutor(Supplier<CompletionStage<Void>> call) throws Exception {
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    executor.execute(
        () ->
            call.get()
                .whenComplete(
                    (v, e) -> result.complete(new Outcome(unwrap(e), Thread.currentThread()))));
    Outcome o = result.get(10, TimeUnit.SECONDS);
    assertThat(o.thread()).as("stage completed on the executor").isSameAs(executorThread);
    return o;
  }

  static Throwable unwrap(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  Socket open(Link link, RecordingLinkListener listener) throws Exception {
    Outcome opened = onExecutor(() -> link.open(listener));
    assertThat(opened.error()).isNull();
    assertThat(listener.ups()).isEqualTo(1);
    assertThat(link.isOpen()).isTrue();
    return server.awaitConnection();
  }

  static ByteBuffer ascii(String s) {
    return ByteBuffer.wrap(s.getBytes(US_ASCII));
  }

  static void write(Socket peer, byte[] bytes) throws IOException {
    OutputStream out = peer.getOutputStream();
    out.write(bytes);
    out.flush();
  }

  void assertListenerOnlyOnExecutor(RecordingLinkListener listener) {
    assertThat(listener.threads()).isNotEmpty().allMatch(t -> t == executorThread);
  }

  @Test
  void channelPlacementMatchesTheExecutor() {
    TcpLink link = (TcpLink) link(4242);
    assertThat(link.runsOnExecutorLoop()).isEqualTo(expectsChannelsOnExecutor());
    assertThat(link.executor()).isSameAs(executor);
    log.info(
        "executor {} -> channels on executor loop: {} (epoll available: {})",
        executor.getClass().getSimpleName(),
        link.runsOnExecutorLoop(),
        NettyLoops.epollAvailable());
  }

  @Test
  void connectsSendsAndReceivesOnTheExecutorThread() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    Socket peer = open(link, listener);

    Outcome sent = onExecutor(() -> link.send(ascii("hello\r\n")));
    assertThat(sent.error()).isNull();
    assertThat(new String(TestServer.readExactly(peer, 7), US_ASCII)).isEqualTo("hello\r\n");

    write(peer, "world>".getBytes(US_ASCII));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(new String(listener.received(), US_ASCII)).isEqualTo("world>"));
    assertThat(listener.downs()).isEmpty();
    assertListenerOnlyOnExecutor(listener);
  }

  @Test
  void sendCopiesTheBytesBeforeReturning() throws Exception {
    Link link = link(server.port());
    Socket peer = open(link, new RecordingLinkListener());
    ByteBuffer data = ascii("xxabcdxx");
    data.position(2).limit(6);

    CompletionStage<Void> sent = link.send(data);
    data.clear();
    data.put("ZZZZZZZZ".getBytes(US_ASCII));

    sent.toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(new String(TestServer.readExactly(peer, 4), US_ASCII)).isEqualTo("abcd");
  }

  @Test
  void sendTakesTheRemainingBytesOfAnyBufferAndLeavesItsPosition() throws Exception {
    Link link = link(server.port());
    Socket peer = open(link, new RecordingLinkListener());
    ByteBuffer slice = ascii("..xxS1=1\nxx").position(2).slice(); // an array offset of 2
    slice.position(2).limit(7);
    ByteBuffer readOnly = ascii("?\n").asReadOnlyBuffer();
    ByteBuffer direct = ByteBuffer.allocateDirect(8).put(ascii("ab>\n"));
    direct.flip();

    for (ByteBuffer b : List.of(slice, readOnly, direct)) {
      int position = b.position();
      link.send(b).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertThat(b.position()).isEqualTo(position);
    }
    assertThat(new String(TestServer.readExactly(peer, 11), US_ASCII)).isEqualTo("S1=1\n?\nab>\n");
  }

  @Test
  void deliversEveryInboundByteInOrder() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    Socket peer = open(link, listener);
    byte[] payload = new byte[1 << 20];
    new Random(42).nextBytes(payload);

    write(peer, payload);

    await().atMost(WAIT).until(() -> listener.receivedCount() >= payload.length);
    assertThat(listener.received()).isEqualTo(payload);
    assertListenerOnlyOnExecutor(listener);
  }

  @Test
  void aBlockAfterManyShortAnswersArrivesInOneRead() throws Exception {
    assumeTrue(expectsChannelsOnExecutor(), "read buffers are sized so on the executor's loop");
    Link link = link(server.port());
    List<Integer> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
    RecordingLinkListener listener =
        new RecordingLinkListener() {
          @Override
          public void onData(ByteBuffer buffer) {
            chunks.add(buffer.remaining());
            super.onData(buffer);
          }
        };
    Socket peer = open(link, listener);
    // short answers, one at a time: Netty would size the next reads down to them
    for (int i = 1; i <= 200; i++) {
      write(peer, "OK\r\n".getBytes(US_ASCII));
      int expected = 4 * i;
      await()
          .pollInterval(Duration.ofMillis(1))
          .atMost(WAIT)
          .until(() -> listener.receivedCount() >= expected);
    }
    chunks.clear();
    // then status blocks the size of a 16-outlet unit's
    byte[] block = new byte[720];
    java.util.Arrays.fill(block, (byte) 'x');
    for (int i = 1; i <= 20; i++) {
      write(peer, block);
      int expected = 800 + block.length * i;
      await()
          .pollInterval(Duration.ofMillis(1))
          .atMost(WAIT)
          .until(() -> listener.receivedCount() >= expected);
    }
    assertThat(chunks).hasSize(20).allMatch(n -> n == block.length);
  }

  @Test
  void refusedConnectionFailsOpenWithAClearMessage() throws Exception {
    int port = TestServer.closedPort();
    Link link = link(port);
    RecordingLinkListener listener = new RecordingLinkListener();

    Outcome opened = onExecutor(() -> link.open(listener));

    assertThat(opened.error())
        .isInstanceOf(DeviceUnreachableException.class)
        .hasMessage("cannot connect to tcp://127.0.0.1:" + port + ": connection refused");
    assertThat(listener.ups()).isEqualTo(0);
    assertThat(listener.downs()).isEmpty();
    assertThat(link.isOpen()).isFalse();
  }

  @Test
  void connectTimeoutFailsOpenWithAClearMessage() throws Exception {
    try (TestServer full = TestServer.notAccepting()) {
      assumeTrue(fillAcceptQueue(full.port()), "could not fill the accept queue on this system");
      Link link =
          link(context().withConnectTimeout(Duration.ofMillis(300)), "127.0.0.1", full.port());
      RecordingLinkListener listener = new RecordingLinkListener();

      Outcome opened = onExecutor(() -> link.open(listener));

      assertThat(opened.error())
          .isInstanceOf(DeviceUnreachableException.class)
          .hasMessage(
              "cannot connect to tcp://127.0.0.1:"
                  + full.port()
                  + ": connect timed out after 300 ms");
      assertThat(listener.ups()).isEqualTo(0);
    }
  }

  @Test
  void closeWhileOpeningFailsTheOpenStage() throws Exception {
    try (TestServer full = TestServer.notAccepting()) {
      assumeTrue(fillAcceptQueue(full.port()), "could not fill the accept queue on this system");
      Link link = link(full.port());
      RecordingLinkListener listener = new RecordingLinkListener();
      CompletableFuture<Outcome> opened = new CompletableFuture<>();
      executor.execute(
          () ->
              link.open(listener)
                  .whenComplete(
                      (v, e) -> opened.complete(new Outcome(unwrap(e), Thread.currentThread()))));

      Outcome closed = onExecutor(link::close);

      assertThat(closed.error()).isNull();
      Outcome o = opened.get(5, TimeUnit.SECONDS);
      assertThat(o.thread()).isSameAs(executorThread);
      assertThat(o.error())
          .isInstanceOf(DeviceClosedException.class)
          .hasMessageContaining("tcp://127.0.0.1:" + full.port());
      assertThat(listener.ups()).isEqualTo(0);
      assertThat(listener.downs()).isEmpty();
    }
  }

  /** Connects plain sockets until the server's accept queue is full and SYNs go unanswered. */
  private boolean fillAcceptQueue(int port) throws IOException {
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    for (int i = 0; i < 32; i++) {
      Socket s = new Socket();
      try {
        s.connect(address, 200);
        closeables.add(s);
      } catch (SocketTimeoutException e) {
        s.close();
        return true;
      }
    }
    return false;
  }

  @Test
  void peerCloseGoesDownExactlyOnce() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    Socket peer = open(link, listener);

    peer.close();

    await().atMost(WAIT).until(() -> listener.downs().size() == 1);
    assertThat(listener.downs().get(0))
        .isInstanceOf(LinkLostException.class)
        .hasMessage("tcp://127.0.0.1:" + server.port() + ": closed by peer");
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> listener.downs().size() == 1);
    assertThat(link.isOpen()).isFalse();
    assertListenerOnlyOnExecutor(listener);
  }

  @Test
  void resetGoesDownExactlyOnce() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    Socket peer = open(link, listener);

    TestServer.reset(peer);

    await().atMost(WAIT).until(() -> listener.downs().size() == 1);
    assertThat(listener.downs().get(0))
        .isInstanceOf(LinkLostException.class)
        .hasMessage("tcp://127.0.0.1:" + server.port() + ": connection reset");
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> listener.downs().size() == 1);
    assertThat(link.isOpen()).isFalse();
    assertListenerOnlyOnExecutor(listener);
  }

  @Test
  void closeGoesDownOnceAndIsIdempotent() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    Socket peer = open(link, listener);

    Outcome first = onExecutor(link::close);

    assertThat(first.error()).isNull();
    assertThat(listener.downs()).hasSize(1);
    assertThat(listener.downs().get(0))
        .isExactlyInstanceOf(DeviceClosedException.class)
        .hasMessageContaining("tcp://127.0.0.1:" + server.port());
    assertThat(link.isOpen()).isFalse();
    assertThat(TestServer.readToEnd(peer)).as("peer sees end of stream").isZero();

    Outcome second = onExecutor(link::close);
    assertThat(second.error()).isNull();
    Outcome third = link.close().toCompletableFuture().handle((v, e) -> new Outcome(e, null)).get();
    assertThat(third.error()).isNull();
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> listener.downs().size() == 1);
    assertListenerOnlyOnExecutor(listener);
  }

  @Test
  void closeOfANeverOpenedLinkCompletes() throws Exception {
    assertThat(onExecutor(link(server.port())::close).error()).isNull();
  }

  @Test
  void reopensAfterThePeerClosed() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    Socket first = open(link, listener);
    first.close();
    await().atMost(WAIT).until(() -> listener.downs().size() == 1);

    Outcome reopened = onExecutor(() -> link.open(listener));

    assertThat(reopened.error()).isNull();
    assertThat(listener.ups()).isEqualTo(2);
    Socket second = server.awaitConnection();
    assertThat(second.getPort()).as("a new connection").isNotEqualTo(first.getPort());
    assertThat(onExecutor(() -> link.send(ascii("again"))).error()).isNull();
    assertThat(new String(TestServer.readExactly(second, 5), US_ASCII)).isEqualTo("again");
    write(second, "ok".getBytes(US_ASCII));
    await().atMost(WAIT).until(() -> new String(listener.received(), US_ASCII).equals("ok"));

    onExecutor(link::close);
    assertThat(listener.downs()).hasSize(2);
    assertThat(listener.downs().get(1)).isInstanceOf(DeviceClosedException.class);
    assertListenerOnlyOnExecutor(listener);
  }

  @Test
  void reopensAfterClose() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    open(link, listener);
    onExecutor(link::close);

    assertThat(onExecutor(() -> link.open(listener)).error()).isNull();

    assertThat(listener.ups()).isEqualTo(2);
    assertThat(server.awaitConnection()).isNotNull();
    assertThat(link.isOpen()).isTrue();
  }

  @Test
  void openWhileOpenFails() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    open(link, listener);

    Outcome again = onExecutor(() -> link.open(new RecordingLinkListener()));

    assertThat(again.error()).isInstanceOf(IllegalStateException.class);
    assertThat(link.isOpen()).isTrue();
    assertThat(listener.downs()).isEmpty();
  }

  @Test
  void sendWhenNotOpenFailsWithLinkLost() throws Exception {
    Link link = link(server.port());

    Outcome before = onExecutor(() -> link.send(ascii("x")));
    assertThat(before.error())
        .isInstanceOf(LinkLostException.class)
        .hasMessage("tcp://127.0.0.1:" + server.port() + ": not connected");

    open(link, new RecordingLinkListener());
    onExecutor(link::close);
    Outcome after = onExecutor(() -> link.send(ascii("x")));
    assertThat(after.error())
        .isInstanceOf(LinkLostException.class)
        .hasMessageEndingWith("not connected");
  }

  @Test
  void sendOnAClosedChannelWhoseCloseIsNotYetSeenFailsWithLinkLostNotBusy() throws Exception {
    Link link = link(server.port());
    open(link, new RecordingLinkListener());
    java.lang.reflect.Field f = TcpLink.class.getDeclaredField("upChannel");
    f.setAccessible(true);
    io.netty.channel.Channel ch = (io.netty.channel.Channel) f.get(link);
    // on the channel's loop the close is done at once and its inactive event comes later: the
    // window a device restarting or resetting the connection leaves for a send
    CompletableFuture<Throwable> failed = new CompletableFuture<>();
    ch.eventLoop()
        .execute(
            () -> {
              ch.close();
              link.send(ascii("S3=0\n")).whenComplete((v, e) -> failed.complete(unwrap(e)));
            });
    assertThat(failed.get(10, TimeUnit.SECONDS))
        .isInstanceOf(LinkLostException.class)
        .hasMessage("tcp://127.0.0.1:" + server.port() + ": connection closed");
  }

  @Test
  void sendFailsBusyWhileTheOutboundBufferIsFull() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    Socket peer = open(link, listener); // never reads, until told to
    byte[] chunk = new byte[16 * 1024];

    DeviceBusyException busy = null;
    long sent = 0;
    for (int i = 0; i < 8192 && busy == null; i++) {
      CompletableFuture<Void> f = link.send(ByteBuffer.wrap(chunk)).toCompletableFuture();
      try {
        f.get(100, TimeUnit.MILLISECONDS);
        sent += chunk.length;
      } catch (TimeoutException e) {
        // accepted but waiting in the outbound buffer: the socket is full
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(DeviceBusyException.class);
        busy = (DeviceBusyException) e.getCause();
      }
    }
    log.info("busy after {} bytes written to the socket", sent);
    assertThat(busy)
        .isNotNull()
        .hasMessageContaining("tcp://127.0.0.1:" + server.port())
        .hasMessageContaining("outbound buffer full");
    assertThat(link.isOpen()).isTrue();

    Thread drainer =
        new Thread(
            () -> {
              try {
                TestServer.readToEnd(peer);
              } catch (IOException e) {
                // the test is over
              }
            },
            "drainer");
    drainer.setDaemon(true);
    drainer.start();
    await().atMost(WAIT).until(() -> sendsWithin(link, Duration.ofSeconds(1)));
    assertThat(listener.downs()).isEmpty();
  }

  private static boolean sendsWithin(Link link, Duration d) throws InterruptedException {
    try {
      link.send(ascii("z")).toCompletableFuture().get(d.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  @Test
  void connectsByHostName() throws Exception {
    Link link = link(context(), "localhost", server.port());
    RecordingLinkListener listener = new RecordingLinkListener();

    Socket peer = open(link, listener);

    assertThat(link.describe()).isEqualTo("tcp://localhost:" + server.port());
    assertThat(peer.isConnected()).isTrue();
  }

  @Test
  void listenerFailureDoesNotBreakTheLink() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener recorder = new RecordingLinkListener();
    LinkListener throwing =
        new LinkListener() {
          @Override
          public void onUp() {
            recorder.onUp();
          }

          @Override
          public void onData(ByteBuffer data) {
            recorder.onData(data);
            throw new IllegalStateException("driver bug");
          }

          @Override
          public void onDown(io.pdu4j.api.PowerDeviceException cause) {
            recorder.onDown(cause);
          }
        };
    assertThat(onExecutor(() -> link.open(throwing)).error()).isNull();
    Socket peer = server.awaitConnection();

    write(peer, "a".getBytes(US_ASCII));
    await().atMost(WAIT).until(() -> recorder.receivedCount() == 1);
    write(peer, "b".getBytes(US_ASCII));

    await().atMost(WAIT).until(() -> new String(recorder.received(), US_ASCII).equals("ab"));
    assertThat(link.isOpen()).isTrue();
  }
}

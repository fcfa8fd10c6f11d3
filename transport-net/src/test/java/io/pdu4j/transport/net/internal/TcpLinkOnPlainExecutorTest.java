package io.pdu4j.transport.net.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.spi.Link;
import io.pdu4j.testkit.RecordingLinkListener;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Standalone use: the executor is a plain JDK executor, so channels run on the provider's own group
 * and every event is handed to the executor.
 */
class TcpLinkOnPlainExecutorTest extends TcpLinkContractTest {
  @Override
  ScheduledExecutorService newExecutor() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "device-executor");
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  boolean expectsChannelsOnExecutor() {
    return false;
  }

  static Set<String> transportThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith(TcpResources.LOOP_THREAD_PREFIX + "-"))
        .collect(Collectors.toSet());
  }

  @Test
  void providerCloseStopsEveryThreadItStarted() throws Exception {
    Link link = link(context(), "localhost", server.port()); // a host name: uses the lookup pool
    RecordingLinkListener listener = new RecordingLinkListener();
    open(link, listener);
    assertThat(transportThreads())
        .anyMatch(n -> n.startsWith(TcpResources.RESOLVER_THREAD_PREFIX))
        .anyMatch(n -> !n.startsWith(TcpResources.RESOLVER_THREAD_PREFIX));

    provider.close();

    await().atMost(WAIT).until(() -> listener.downs().size() == 1);
    assertThat(listener.downs().get(0))
        .isInstanceOf(LinkLostException.class)
        .hasMessageEndingWith("transport shut down");
    await().atMost(WAIT).untilAsserted(() -> assertThat(transportThreads()).isEmpty());
  }

  @Test
  void providerIsUsableAgainAfterClose() throws Exception {
    Link link = link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    open(link, listener);
    provider.close();
    await().atMost(WAIT).until(() -> listener.downs().size() == 1);

    assertThat(onExecutor(() -> link.open(listener)).error()).isNull();
    assertThat(server.awaitConnection()).isNotNull();
  }

  @Test
  void usesTheEventLoopGroupTheContextOffers() throws Exception {
    Set<String> before = transportThreads();
    MultiThreadIoEventLoopGroup offered =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("offered", true), NettyLoops.preferredIoHandler());
    try {
      Link link =
          link(context().withResource(EventLoopGroup.class, offered), "127.0.0.1", server.port());
      RecordingLinkListener listener = new RecordingLinkListener();
      Socket peer = open(link, listener);
      write(peer, "hi".getBytes(US_ASCII));
      await().atMost(WAIT).until(() -> listener.receivedCount() == 2);

      assertThat(transportThreads()).isEqualTo(before);
      assertListenerOnlyOnExecutor(listener);
      onExecutor(link::close);
    } finally {
      offered.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void boundsInboundBytesWaitingForABusyExecutor() throws Exception {
    TcpLink link = (TcpLink) link(server.port());
    RecordingLinkListener listener = new RecordingLinkListener();
    Socket peer = open(link, listener);
    byte[] payload = new byte[4 << 20];
    new Random(7).nextBytes(payload);
    CountDownLatch release = new CountDownLatch(1);
    executor.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    Thread writer =
        new Thread(
            () -> {
              try {
                write(peer, payload);
              } catch (java.io.IOException e) {
                // reported by the assertions below
              }
            },
            "writer");
    writer.setDaemon(true);
    writer.start();

    await().atMost(WAIT).until(() -> link.inboundWaiting() >= TcpLink.READ_HIGH);
    int bound = TcpLink.READ_HIGH + 2 * 64 * 1024;
    await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> link.inboundWaiting() <= bound);
    release.countDown();

    await().atMost(WAIT).until(() -> listener.receivedCount() >= payload.length);
    assertThat(listener.received()).isEqualTo(payload);
    assertThat(link.inboundWaiting()).isZero();
    assertListenerOnlyOnExecutor(listener);
  }
}

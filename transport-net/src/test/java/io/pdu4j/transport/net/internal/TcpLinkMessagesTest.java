package io.pdu4j.transport.net.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How I/O failures are put into words. */
class TcpLinkMessagesTest {
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final TcpResources resources = new TcpResources();
  private final TcpLink link =
      new TcpLink(
          "pdu.example",
          501,
          TestContext.of(executor).withConnectTimeout(Duration.ofMillis(1500)),
          resources);

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
    resources.close();
  }

  @Test
  void connectFailures() {
    assertThat(link.connectFailure(new ConnectTimeoutException("connection timed out: x")))
        .isEqualTo("connect timed out after 1500 ms");
    assertThat(link.connectFailure(new UnknownHostException("pdu.example")))
        .isEqualTo("unknown host");
    assertThat(link.connectFailure(new ConnectException("Connection refused: /10.0.0.5:501")))
        .isEqualTo("connection refused");
    assertThat(link.connectFailure(new NoRouteToHostException("No route to host")))
        .isEqualTo("no route to host");
    assertThat(link.connectFailure(new ConnectException("Network is unreachable")))
        .isEqualTo("network unreachable");
    assertThat(link.connectFailure(new ClosedChannelException()))
        .isEqualTo("connection closed while opening");
    assertThat(link.connectFailure(new IllegalStateException("odd")))
        .isEqualTo("connect failed (java.lang.IllegalStateException: odd)");
    assertThat(link.connectFailure(new RuntimeException(new UnknownHostException("x"))))
        .isEqualTo("unknown host");
  }

  @Test
  void downReasons() {
    assertThat(TcpLink.downReason(null)).isEqualTo("closed by peer");
    assertThat(TcpLink.downReason(new SocketException("Connection reset")))
        .isEqualTo("connection reset");
    assertThat(
            TcpLink.downReason(new IOException("recvAddress(..) failed: Connection reset by peer")))
        .isEqualTo("connection reset");
    assertThat(TcpLink.downReason(new IOException("writev(..) failed: Broken pipe")))
        .isEqualTo("connection reset (broken pipe)");
    assertThat(TcpLink.downReason(new IOException("disk on fire")))
        .isEqualTo("I/O error (java.io.IOException: disk on fire)");
  }

  @Test
  void describesWithoutOptionsAndBracketsIpv6() {
    assertThat(link.describe()).isEqualTo("tcp://pdu.example:501");
    assertThat(new TcpLink("::1", 23, TestContext.of(executor), resources).describe())
        .isEqualTo("tcp://[::1]:23");
  }
}

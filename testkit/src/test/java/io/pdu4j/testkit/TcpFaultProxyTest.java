package io.pdu4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay between a real client and a line echo server on loopback. */
class TcpFaultProxyTest {
  private ServerSocket server;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private TcpFaultProxy proxy;
  private Socket client;
  private BufferedReader in;
  private OutputStream out;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread echo = new Thread(this::echo, "echo-server");
    echo.setDaemon(true);
    echo.start();
    proxy = TcpFaultProxy.start(server.getLocalPort());
    client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    client.setSoTimeout(10_000);
    in =
        new BufferedReader(
            new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
    out = client.getOutputStream();
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    proxy.close();
    server.close();
  }

  private void echo() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // the test is over
      }
      Thread t = new Thread(() -> echoOn(s), "echo-connection");
      t.setDaemon(true);
      t.start();
    }
  }

  private void echoOn(Socket socket) {
    try (Socket s = socket;
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
      OutputStream w = s.getOutputStream();
      String line;
      while ((line = r.readLine()) != null) {
        seen.add(line);
        w.write(("echo " + line + "\nend\n").getBytes(StandardCharsets.US_ASCII));
        w.flush();
      }
    } catch (IOException e) {
      // the test is over
    }
  }

  /** The first line of the answer; its {@code end} line is read too. */
  private String ask(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    String answer = in.readLine();
    assertThat(in.readLine()).isEqualTo("end");
    return answer;
  }

  private void send(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Test
  void relaysBothWays() throws IOException {
    assertThat(ask("hello")).isEqualTo("echo hello");
    assertThat(seen).containsExactly("hello");
    assertThat(proxy.connections()).isEqualTo(1);
  }

  @Test
  void answersTheNextRequestWithTheRejectionInsteadOfPassingItOn() throws IOException {
    proxy.rejectNextRequest("ERR 1\n");
    send("first");
    assertThat(in.readLine()).isEqualTo("ERR 1");
    assertThat(ask("second")).isEqualTo("echo second");
    assertThat(seen).containsExactly("second");
    assertThat(proxy.requestsHeldBack()).isEqualTo(1);
  }

  @Test
  void aSilentRelayPassesNothingUntilCleared() throws IOException {
    proxy.silent(true);
    out.write("lost\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    await().until(() -> proxy.requestsHeldBack() == 1);
    proxy.clearFaults();
    assertThat(ask("kept")).isEqualTo("echo kept");
    assertThat(seen).containsExactly("kept");
  }

  @Test
  void dropsTheConnectionOnTheNextRequest() throws IOException {
    proxy.dropOnNextRequest();
    out.write("x\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    assertThat(in.readLine()).isNull();
    assertThat(seen).isEmpty();
    await().until(() -> proxy.connections() == 0);
  }

  @Test
  void resetsTheConnectionOnTheNextRequest() throws IOException {
    proxy.resetOnNextRequest();
    send("x");
    assertThatThrownBy(() -> in.readLine())
        .isInstanceOf(SocketException.class)
        .hasMessageContaining("reset");
    assertThat(seen).isEmpty();
    assertThat(proxy.requestsHeldBack()).isEqualTo(1);
  }

  @Test
  void cutsTheNextReplyInTheMiddleAndCloses() throws IOException {
    proxy.closeMidNextReply();
    send("abcdef");
    // "echo abcdef\nend\n" is 16 bytes: the first 8 arrive, then the end of the stream
    char[] got = new char[64];
    int n = 0;
    int r;
    while ((r = in.read(got, n, got.length - n)) >= 0) {
      n += r;
    }
    assertThat(new String(got, 0, n)).isEqualTo("echo abc");
    await().until(() -> seen.contains("abcdef"));
  }

  @Test
  void insertsBytesAfterTheFirstLineOfTheNextReply() throws IOException {
    proxy.insertIntoNextReply("inserted\n".getBytes(StandardCharsets.US_ASCII));
    send("a");
    assertThat(in.readLine()).isEqualTo("echo a");
    assertThat(in.readLine()).isEqualTo("inserted");
    assertThat(in.readLine()).isEqualTo("end");
    assertThat(ask("b")).isEqualTo("echo b");
  }

  @Test
  void delaysWhatItRelaysByTheLatency() throws IOException {
    proxy.latency(Duration.ofMillis(300));
    long start = System.nanoTime();
    assertThat(ask("slow")).isEqualTo("echo slow");
    // a lower bound (once each way), not a speed assertion
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(600));
    proxy.clearFaults();
    assertThat(ask("fast")).isEqualTo("echo fast");
  }

  @Test
  void aReplyLatencyDelaysOnlyTheAnswerAndIsCountedWhileHeld() throws IOException {
    proxy.replyLatency(Duration.ofMillis(500));
    send("late");
    await().until(() -> seen.contains("late")); // the request went through at once
    await().until(() -> proxy.piecesInDelay() == 1);
    proxy.clearFaults();
    assertThat(in.readLine()).isEqualTo("echo late");
    assertThat(in.readLine()).isEqualTo("end");
    await().until(() -> proxy.piecesInDelay() == 0);
  }

  @Test
  void aHalfOpenConnectionStaysOpenAnswersNothingAndANewOneWorks() throws IOException {
    assertThat(ask("before")).isEqualTo("echo before");
    assertThat(proxy.halfOpen()).isEqualTo(1);
    send("lost");
    await().until(() -> proxy.requestsHeldBack() == 1);
    assertThat(seen).containsExactly("before");
    assertThat(proxy.connections()).isEqualTo(1);
    client.setSoTimeout(300);
    assertThatThrownBy(() -> in.readLine()).isInstanceOf(java.net.SocketTimeoutException.class);

    try (Socket again = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
      again.setSoTimeout(10_000);
      again.getOutputStream().write("after\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader r =
          new BufferedReader(
              new InputStreamReader(again.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(r.readLine()).isEqualTo("echo after");
    }
    assertThat(seen).containsExactly("before", "after");
  }

  @Test
  void sendsBytesToTheClientAndCloseEndsItsThreads() throws IOException {
    assertThat(ask("a")).isEqualTo("echo a");
    proxy.sendToClients("pushed\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(in.readLine()).isEqualTo("pushed");
    proxy.close();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(
            t -> t.isAlive() && t.getName().startsWith(TcpFaultProxy.THREAD_PREFIX + proxy.port()));
  }
}

package io.pdu4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
    try (Socket s = server.accept();
        BufferedReader r =
            new BufferedReader(
                new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
      OutputStream w = s.getOutputStream();
      String line;
      while ((line = r.readLine()) != null) {
        seen.add(line);
        w.write(("echo " + line + "\n").getBytes(StandardCharsets.US_ASCII));
        w.flush();
      }
    } catch (IOException e) {
      // the test is over
    }
  }

  private String ask(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return in.readLine();
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
    assertThat(ask("first")).isEqualTo("ERR 1");
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

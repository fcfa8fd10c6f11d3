package io.pdu4j.sim.extron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's SIS over a plain socket, as a Telnet client would see it. */
class ExtronSimulatorTest {
  private ExtronSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  private static String readUntil(InputStream in, String end) throws IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith(end)) {
      int c = in.read();
      if (c < 0) {
        return b.append("<EOF>").toString();
      }
      b.append((char) c);
    }
    return b.toString();
  }

  private static void send(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Test
  void aLongRunningSimulatorKeepsOnlyTheLatestCommands() throws Exception {
    sim = ExtronSimulator.builder().build();
    sim.start();
    int sent = ExtronSimulator.COMMANDS_KEPT + 50;
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
      s.setSoTimeout(5000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      readUntil(in, "\r\n"); // the banner
      StringBuilder many = new StringBuilder();
      for (int i = 0; i < sent - 1; i++) {
        many.append("Q");
      }
      send(out, many.toString());
      send(out, "4*1O");
      String answers = readUntil(in, "Cpn04 Rly1\r\n");
      assertThat(answers).doesNotContain("<EOF>");
    }
    assertThat(sim.commandsReceived())
        .hasSize(ExtronSimulator.COMMANDS_KEPT)
        .last()
        .isEqualTo("4*1O");
  }

  @Test
  void bannerLoginAndCommands() throws Exception {
    sim = ExtronSimulator.builder().adminPassword("a").userPassword("u").firmware("1.05").build();
    sim.start();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
      s.setSoTimeout(5000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      String hello = readUntil(in, "Password:");
      assertThat(hello)
          .startsWith("(c) Copyright 2013, Extron Electronics, IPCP 505, V1.05, 60-1071-02\r\n");
      send(out, "wrong\r");
      assertThat(readUntil(in, "Password:")).isEqualTo("\r\nPassword:");
      send(out, "a\r");
      assertThat(readUntil(in, "\r\nLogin Administrator\r\n")).endsWith("Login Administrator\r\n");
      send(out, "Q");
      assertThat(readUntil(in, "\r\n")).isEqualTo("1.05\r\n");
      send(out, "\u001b3CV\r");
      assertThat(readUntil(in, "\r\n")).isEqualTo("Vrb3\r\n");
      send(out, "4*1O");
      assertThat(readUntil(in, "\r\n")).isEqualTo("Cpn04 Rly1\r\n");
      assertThat(sim.relay(4)).isTrue();
      send(out, "4O");
      assertThat(readUntil(in, "\r\n")).isEqualTo("1\r\n");
      send(out, "9*1O");
      assertThat(readUntil(in, "\r\n")).isEqualTo("E12\r\n");
      send(out, "\u001b01*115200,N,8,1CP\r");
      assertThat(readUntil(in, "\r\n")).isEqualTo("Cpn01 Ccp115200,N,8,1\r\n");
      send(out, "nonsense\r");
      assertThat(readUntil(in, "\r\n")).isEqualTo("E10\r\n");
      send(out, "\u001b03*0*5*62DRS\r?\n");
      assertThat(readUntil(in, "\r\n")).isEqualTo("E13\r\n");
      send(out, "\u001b05*1*1*0LRS\r?\n");
      assertThat(readUntil(in, "\r\n")).isEqualTo("\r\n"); // nothing on COM5: empty reply
    }
  }

  @Test
  void theUserLevelCannotSwitchRelaysAndIdleSessionsAreClosed() throws Exception {
    sim =
        ExtronSimulator.builder()
            .adminPassword("a")
            .userPassword("u")
            .idleTimeout(Duration.ofMillis(500))
            .build();
    sim.start();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
      s.setSoTimeout(5000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      readUntil(in, "Password:");
      send(out, "u\r");
      assertThat(readUntil(in, "\r\nLogin User\r\n")).endsWith("Login User\r\n");
      send(out, "1*1O");
      assertThat(readUntil(in, "\r\n")).isEqualTo("E24\r\n");
      assertThat(sim.relay(1)).isFalse();
      assertThat(in.read()).isEqualTo(-1); // closed after 500 ms of silence
    }
  }

  /** A stand-in serial device: answers each line with {@code R:<line>} CR LF {@code >}. */
  private static java.net.ServerSocket device() throws IOException {
    java.net.ServerSocket server =
        new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              try (Socket c = server.accept()) {
                InputStream in = c.getInputStream();
                OutputStream out = c.getOutputStream();
                StringBuilder line = new StringBuilder();
                int b;
                while ((b = in.read()) >= 0) {
                  if (b == '\n') {
                    out.write(("R:" + line + "\r\n>").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    line.setLength(0);
                  } else {
                    line.append((char) b);
                  }
                }
              } catch (IOException e) {
                // the test is over
              }
            },
            "test-serial-device");
    t.setDaemon(true);
    t.start();
    return server;
  }

  private Socket loggedIn() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.port());
    s.setSoTimeout(5000);
    readUntil(s.getInputStream(), ", 60-1071-02\r\n");
    readUntil(s.getInputStream(), "\r\n"); // the date
    return s;
  }

  @Test
  void inlineDataIsDecodedAndThePrefixLeadsEveryReply() throws Exception {
    try (java.net.ServerSocket device = device()) {
      sim =
          ExtronSimulator.builder()
              .serialDevice(3, device.getLocalPort())
              .replyPrefix("DATA:")
              .build();
      sim.start();
      try (Socket s = loggedIn()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        // inline: CR, LF and % inside the data are %-encoded, the header's CR ends the command
        send(out, "\u001b03*10*2*62DRSa%25b%0D%0A\r");
        assertThat(readUntil(in, ">\r\n")).isEqualTo("DATA:R:a%b\r\r\n>\r\n");
        // the guide's form: data after the CR
        send(out, "\u001b03*10*2*62DRS\rplain\n");
        assertThat(readUntil(in, ">\r\n")).isEqualTo("DATA:R:plain\r\n>\r\n");
        // nothing on COM5: the prefix and the empty reply's CR LF
        send(out, "\u001b05*1*1*0LRSx%0A\r");
        assertThat(readUntil(in, "\r\n")).isEqualTo("DATA:\r\n");
        sim.failNextSendData("E22");
        send(out, "\u001b03*10*2*62DRSy%0A\r");
        assertThat(readUntil(in, "\r\n")).isEqualTo("E22\r\n"); // no prefix before an error
      }
    }
  }

  @Test
  void theWebFormTakesInlineDataAndItsConfiguredUser() throws Exception {
    try (java.net.ServerSocket device = device()) {
      sim =
          ExtronSimulator.builder()
              .serialDevice(3, device.getLocalPort())
              .adminPassword("pw")
              .webUser("operator")
              .httpPort(0)
              .build();
      sim.start();
      String auth =
          java.util.Base64.getEncoder()
              .encodeToString("operator:pw".getBytes(StandardCharsets.UTF_8));
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), sim.httpPort())) {
        s.setSoTimeout(5000);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        send(
            out,
            "GET /?cmd=W03%2A10%2A2%2A62DRSa%2525b%250A| HTTP/1.1\r\nAuthorization: Basic "
                + auth
                + "\r\n\r\n");
        assertThat(readUntil(in, ">\r\n")).endsWith("\r\n\r\nR:a%b\r\n>\r\n");
        send(out, "GET /?cmd=W03%2A10%2A2%2A62DRS|z%0A HTTP/1.1\r\n\r\n"); // no credentials
        assertThat(readUntil(in, "\r\n\r\n")).startsWith("HTTP/1.1 401");
      }
    }
  }

  /** A device that answers each line and closes its connection after answering {@code bye}. */
  private static java.net.ServerSocket restartingDevice() throws IOException {
    java.net.ServerSocket server =
        new java.net.ServerSocket(0, 5, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket c = server.accept()) {
                  InputStream in = c.getInputStream();
                  OutputStream out = c.getOutputStream();
                  StringBuilder line = new StringBuilder();
                  int b;
                  while ((b = in.read()) >= 0) {
                    if (b == '\n') {
                      out.write(("R:" + line + "\r\n>").getBytes(StandardCharsets.ISO_8859_1));
                      out.flush();
                      if (line.toString().equals("bye")) {
                        break;
                      }
                      line.setLength(0);
                    } else {
                      line.append((char) b);
                    }
                  }
                } catch (IOException e) {
                  // closed: the test is over
                }
              }
            },
            "test-restarting-device");
    t.setDaemon(true);
    t.start();
    return server;
  }

  @Test
  void aDeviceThatClosedItsEndIsConnectedAgainByTheNextSendData() throws Exception {
    try (java.net.ServerSocket device = restartingDevice()) {
      sim = ExtronSimulator.builder().serialDevice(3, device.getLocalPort()).build();
      sim.start();
      try (Socket s = loggedIn()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        send(out, "\u001b03*10*2*62DRS\rbye\n");
        assertThat(readUntil(in, ">\r\n")).isEqualTo("R:bye\r\n>\r\n");
        // the device has closed its connection (as a restarting unit does) and listens again
        send(out, "\u001b03*10*2*62DRS\ragain\n");
        assertThat(readUntil(in, ">\r\n")).isEqualTo("R:again\r\n>\r\n");
      }
    }
  }

  @Test
  void oneClientTooManyGetsE26AndIsClosed() throws Exception {
    sim = ExtronSimulator.builder().maxConnections(1).build();
    sim.start();
    try (Socket first = loggedIn();
        Socket second = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
      second.setSoTimeout(5000);
      assertThat(readUntil(second.getInputStream(), "<EOF>")).isEqualTo("E26\r\n<EOF>");
      send(first.getOutputStream(), "Q");
      assertThat(readUntil(first.getInputStream(), "\r\n")).isEqualTo("1.03\r\n");
    }
    org.awaitility.Awaitility.await().until(() -> sim.connectedClients() == 0);
    try (Socket again = loggedIn()) {
      send(again.getOutputStream(), "Q"); // the place is free again
      assertThat(readUntil(again.getInputStream(), "\r\n")).isEqualTo("1.03\r\n");
    }
  }

  @Test
  void serialSettingsAreKeptAndAnUnknownRateIsE13() throws Exception {
    sim = ExtronSimulator.builder().build();
    sim.start();
    try (Socket s = loggedIn()) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      send(out, "\u001b03*115200,N,8,1CP\r");
      assertThat(readUntil(in, "\r\n")).isEqualTo("Cpn03 Ccp115200,N,8,1\r\n");
      assertThat(sim.serialSettings(3)).hasValue("115200,N,8,1");
      send(out, "\u001b03*12345,N,8,1CP\r");
      assertThat(readUntil(in, "\r\n")).isEqualTo("E13\r\n");
      assertThat(sim.serialSettings(3)).hasValue("115200,N,8,1");
    }
  }

  @Test
  void theErrorSwitchesAnswerEverySendDataStringAndRelayCommand() throws Exception {
    sim = ExtronSimulator.builder().sendDataError("E24").relayError("E13").build();
    sim.start();
    try (Socket s = loggedIn()) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      for (int i = 0; i < 2; i++) {
        send(out, "\u001b05*1*1*0LRS\r?\n");
        assertThat(readUntil(in, "\r\n")).isEqualTo("E24\r\n");
        send(out, "4O");
        assertThat(readUntil(in, "\r\n")).isEqualTo("E13\r\n");
      }
      send(out, "Q"); // the rest answers as before
      assertThat(readUntil(in, "\r\n")).isEqualTo("1.03\r\n");
    }
    assertThatThrownBy(() -> ExtronSimulator.builder().sendDataError("13"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

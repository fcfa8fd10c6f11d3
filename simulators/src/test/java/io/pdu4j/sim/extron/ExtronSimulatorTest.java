package io.pdu4j.sim.extron;

import static org.assertj.core.api.Assertions.assertThat;

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
}

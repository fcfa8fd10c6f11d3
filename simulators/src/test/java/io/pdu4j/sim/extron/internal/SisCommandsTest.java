package io.pdu4j.sim.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.sim.internal.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The answers to relay, serial setup and send-data-string commands, without a Telnet session. */
class SisCommandsTest {
  private final SimThreads threads = new SimThreads();
  private IpcpState state;
  private ServerSocket device;

  @AfterEach
  void stop() throws IOException {
    if (state != null) {
      state.closeComPorts();
    }
    if (device != null) {
      device.close();
    }
    threads.joinAll();
  }

  private static IpcpConfig config(String relayError, String sendDataError, boolean emptyReply) {
    return new IpcpConfig(
        0,
        -1,
        "secret",
        "guest",
        "IPCP 505",
        "1.03",
        Duration.ofSeconds(300),
        true,
        emptyReply,
        false,
        "",
        0,
        "admin",
        sendDataError,
        relayError);
  }

  private SisCommands commands(IpcpConfig config, Map<Integer, DeviceLine> devices) {
    state = new IpcpState(devices, 100, threads);
    return new SisCommands(config, state);
  }

  private static Matcher header(String line) {
    Matcher m = SisCommands.SEND_DATA.matcher(line);
    assertThat(m.matches()).as(line).isTrue();
    return m;
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void relaysSwitchForTheAdministratorAndAreReadByAUser() {
    SisCommands c = commands(config(null, null, true), Map.of());
    assertThat(c.relay("3*1O", true)).isEqualTo("Cpn03 Rly1\r\n");
    assertThat(state.relay(3)).isTrue();
    assertThat(c.relay("3*2O", true)).isEqualTo("Cpn03 Rly0\r\n");
    assertThat(c.relay("3*1O", false)).isEqualTo("E24\r\n");
    assertThat(state.relay(3)).isFalse();
    assertThat(c.relay("3O", false)).isEqualTo("0\r\n");
    assertThat(c.relay("9*1O", true)).isEqualTo("E12\r\n");
    assertThat(c.relay("3*", true)).isNull(); // not a whole command yet
  }

  @Test
  void aRelayErrorAnswersEveryRelayCommandAndSwitchesNothing() {
    SisCommands c = commands(config("E24", null, true), Map.of());
    assertThat(c.relay("2*1O", true)).isEqualTo("E24\r\n");
    assertThat(c.relay("2O", true)).isEqualTo("E24\r\n");
    assertThat(state.relay(2)).isFalse();
  }

  @Test
  void serialSetupIsKeptPerPortAndCheckedFirst() {
    SisCommands c = commands(config(null, null, true), Map.of());
    assertThat(c.serial("3CP")).isEqualTo("9600,N,8,1\r\n");
    assertThat(c.serial("3*115200,N,8,1CP")).isEqualTo("Cpn03 Ccp115200,N,8,1\r\n");
    assertThat(c.serial("3CP")).isEqualTo("115200,N,8,1\r\n");
    assertThat(state.serialSettings(3)).hasValue("115200,N,8,1");
    assertThat(c.serial("3*115201,N,8,1CP")).isEqualTo("E13\r\n");
    assertThat(c.serial("17*9600,N,8,1CP")).isEqualTo("E12\r\n");
    assertThat(state.serialSettings(3)).hasValue("115200,N,8,1");
    assertThat(state.serialSettings(17)).isEmpty();
  }

  @Test
  void sendDataChecksTheHeaderThenInjectedRepliesComeFirst() {
    SisCommands c = commands(config(null, "E13", true), Map.of());
    byte[] data = "?\r\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(text(c.sendData(header("17RS"), data))).isEqualTo("E12\r\n");
    assertThat(text(c.sendData(header("3*10*0*0LRS"), data))).isEqualTo("E13\r\n");
    state.failNextSendData(List.of("E22"));
    assertThat(text(c.sendData(header("3RS"), data))).isEqualTo("E22\r\n");
    assertThat(text(c.sendData(header("3RS"), data))).isEqualTo("E13\r\n"); // sendDataError
  }

  @Test
  void aPortWithoutDeviceAnswersAnEmptyReplyOrNothing() {
    byte[] data = "?\r\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(text(commands(config(null, null, true), Map.of()).sendData(header("3RS"), data)))
        .isEqualTo("\r\n");
    assertThat(commands(config(null, null, false), Map.of()).sendData(header("3RS"), data))
        .isEmpty();
  }

  @Test
  void sendDataReachesTheDeviceAndReadsItsAnswerUpToTheDelimiter() throws Exception {
    device = new ServerSocket();
    device.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    int devicePort = device.getLocalPort();
    Thread answering =
        threads.thread(
            "test-device",
            () -> {
              try (Socket s = device.accept()) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                int c;
                while ((c = in.read()) >= 0) {
                  if (c == '\n') {
                    out.write("OK\r\n>".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // the test ended
              }
            });
    answering.start();
    SisCommands c =
        commands(
            config(null, null, true),
            Map.of(3, () -> Endpoint.of(new Socket(InetAddress.getLoopbackAddress(), devicePort))));
    byte[] data = "?\r\n".getBytes(StandardCharsets.ISO_8859_1);
    // 62D: up to and including '>'
    assertThat(text(c.sendData(header("3*100*10*62DRS"), data))).isEqualTo("OK\r\n>\r\n");
    // 2L: two bytes
    assertThat(text(c.sendData(header("3*100*10*2LRS"), data))).isEqualTo("OK\r\n");
  }

  @Test
  void percentDecodingTurnsEveryHexPairBackIntoItsByte() {
    assertThat(text(SisCommands.percentDecode("S2=1%0D%0A%25%zz%4"))).isEqualTo("S2=1\r\n%%zz%4");
  }
}

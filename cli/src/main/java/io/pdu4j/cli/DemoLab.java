package io.pdu4j.cli;

import io.pdu4j.sim.enistic.EnisticSimulator;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo's devices, all simulated on loopback: an IsoTek PDU over TCP ({@value #RACK}), an
 * Enistic controller over UDP ({@value #OFFICE}) and a second IsoTek PDU on COM{@value #COM} of an
 * Extron IPCP ({@value #AV_RACK}), whose password is in a file deleted by {@link #close()}. Each
 * {@code start...} method starts one and returns how to describe it; {@link #yaml} is the
 * configuration {@code pdu4j serve} would read for them. Not thread-safe; closed once.
 */
final class DemoLab implements AutoCloseable {
  /** The IsoTek PDU reached over TCP. */
  static final String RACK = "rack";

  /** The Enistic controller with its Smart Sockets and a meter, over UDP. */
  static final String OFFICE = "office";

  /** The IsoTek PDU on a COM port of the Extron IPCP. */
  static final String AV_RACK = "av-rack";

  /** The IPCP port the second IsoTek is on. */
  static final int COM = 3;

  /** The Enistic controller's serial: the vendor document's own example. */
  static final String CONTROLLER = "004A3BB5B04";

  private final List<AutoCloseable> started = new ArrayList<>();
  private final Map<String, String> uris = new LinkedHashMap<>();
  private IsoTekSimulator rack;
  private EnisticSimulator office;
  private IsoTekSimulator avRack;
  private Path passwordDir;
  private Path passwordFile;

  /** Starts the IsoTek PDU that is reached over TCP; returns its one-line description. */
  String startRack() {
    rack = started(IsoTekSimulator.builder().tcpPort(0).outlets(8).build().start());
    uris.put(RACK, "isotek:tcp://127.0.0.1:" + rack.port());
    return rack.describe();
  }

  /** Starts the Enistic controller (4 Smart Sockets, a 3-channel meter); returns what it is. */
  String startOffice() {
    int readings = freeUdpPort();
    office =
        started(
            EnisticSimulator.builder()
                .target(new InetSocketAddress(InetAddress.getLoopbackAddress(), readings))
                .controller(CONTROLLER, 4, 1, 3)
                .rate(4)
                .build()
                .start());
    uris.put(
        OFFICE,
        "enistic:udp://127.0.0.1:"
            + readings
            + "/"
            + CONTROLLER
            + "?send=127.0.0.1:"
            + office.controlPort());
    return "Enistic controller "
        + CONTROLLER
        + " with 4 Smart Sockets and a 3-channel meter, readings to UDP 127.0.0.1:"
        + readings
        + " 4 times a second, commands on UDP 127.0.0.1:"
        + office.controlPort();
  }

  /**
   * Starts an IsoTek PDU and an Extron IPCP with it on COM{@value #COM}, the IPCP asking for a
   * random password kept in a file readable by the owner only; returns what they are.
   */
  String startAvRack() {
    avRack = started(IsoTekSimulator.builder().tcpPort(0).outlets(8).build().start());
    String password = randomPassword();
    try {
      passwordDir = Files.createTempDirectory("pdu4j-demo-");
      passwordFile = passwordDir.resolve("ipcp-password");
      // close() deletes both; these cover a Ctrl-C during the tour (deleted in reverse order)
      passwordDir.toFile().deleteOnExit();
      passwordFile.toFile().deleteOnExit();
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        // owner-only from the start (the directory already is), never readable in between
        Files.createFile(
            passwordFile,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.writeString(passwordFile, password, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo password file: " + e.getMessage(), e);
    }
    ExtronSimulator ipcp =
        started(
            ExtronSimulator.builder()
                .port(0)
                .adminPassword(password)
                .serialDevice(COM, avRack.port())
                .build()
                .start());
    uris.put(
        AV_RACK,
        "isotek:extron://127.0.0.1:" + ipcp.port() + "/" + COM + "?password=file:" + passwordFile);
    return "Extron IPCP 505 on 127.0.0.1:"
        + ipcp.port()
        + " (SIS over Telnet, password in "
        + passwordFile
        + ", deleted at exit), with a simulated IsoTek PDU, 8 outlets, on its COM"
        + COM;
  }

  /** The address of a started device. */
  String uri(String name) {
    String uri = uris.get(name);
    if (uri == null) {
      throw new IllegalStateException(name + " is not started");
    }
    return uri;
  }

  /** The names of the devices started so far, in order. */
  List<String> names() {
    return List.copyOf(uris.keySet());
  }

  /** The simulated IsoTek PDUs by device name (to play someone at the front panel). */
  Map<String, IsoTekSimulator> isoteks() {
    Map<String, IsoTekSimulator> m = new LinkedHashMap<>();
    Optional.ofNullable(rack).ifPresent(s -> m.put(RACK, s));
    Optional.ofNullable(avRack).ifPresent(s -> m.put(AV_RACK, s));
    return m;
  }

  /** The Enistic simulator, once started. */
  Optional<EnisticSimulator> enistic() {
    return Optional.ofNullable(office);
  }

  /**
   * The {@code devices.yaml} that names every started device, with metrics and the control API on
   * loopback at {@code metricsPort} (sharing one listener; 0: a free port for each).
   */
  String yaml(int metricsPort) {
    StringBuilder b = new StringBuilder("devices:\n");
    uris.forEach(
        (name, uri) ->
            b.append("  ").append(name).append(":\n    uri: \"").append(uri).append("\"\n"));
    b.append("metrics:\n  prometheus:\n    host: 127.0.0.1\n    port: ")
        .append(metricsPort)
        .append('\n');
    // the control API and its dashboard: loopback only, so without tokens
    b.append("api:\n  host: 127.0.0.1\n  port: ").append(metricsPort).append('\n');
    return b.toString();
  }

  /** Stops every simulator and deletes the password file; idempotent. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        // a simulator that fails to stop must not keep the others running
      }
    }
    started.clear();
    try {
      if (passwordFile != null) {
        Files.deleteIfExists(passwordFile);
      }
      if (passwordDir != null) {
        Files.deleteIfExists(passwordDir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot delete the demo password file " + passwordFile + ": " + e.getMessage(), e);
    }
  }

  private <T extends AutoCloseable> T started(T simulator) {
    started.add(simulator);
    return simulator;
  }

  /**
   * A UDP port free now. The runtime binds it a moment later; another process could take it in
   * between, and the demo would then report the device unreachable (the Enistic link must own the
   * port it listens on, so it cannot be handed an already bound socket).
   */
  private static int freeUdpPort() {
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free UDP port on loopback: " + e.getMessage(), e);
    }
  }

  private static String randomPassword() {
    String letters = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    SecureRandom random = new SecureRandom();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      b.append(letters.charAt(random.nextInt(letters.length())));
    }
    return b.toString();
  }
}

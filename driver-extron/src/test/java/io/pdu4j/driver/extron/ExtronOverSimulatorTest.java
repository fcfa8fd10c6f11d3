package io.pdu4j.driver.extron;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.DeviceBusyException;
import io.pdu4j.api.DeviceClosedException;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.LinkLostException;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.driver.extron.internal.RecordingListener;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both tunnel forms and the relays over real loopback sockets: the tcp transport, the IPCP
 * simulator with its switches, and a stand-in serial device on COM3.
 */
class ExtronOverSimulatorTest {
  private static final TcpTransportProvider TCP = new TcpTransportProvider();
  private static ServerSocket device;
  private static final List<Socket> deviceConnections = new CopyOnWriteArrayList<>();
  // what the device waits for before answering "late"
  private static volatile CountDownLatch lateAnswer = new CountDownLatch(0);

  private static final String PASSWORD = "s3cret";

  @TempDir Path dir;
  private Path secret;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private ExtronSimulator sim;
  private Link link;

  /**
   * The serial device: answers a line {@code L} with {@code R:L} CR LF {@code >}, {@code multi}
   * with two lines and no prompt, {@code silent} with nothing, {@code late} as {@code L} once
   * {@link #lateAnswer} is released.
   */
  @BeforeAll
  static void startDevice() throws IOException {
    device = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept =
        new Thread(
            () -> {
              while (!device.isClosed()) {
                try {
                  Socket c = device.accept();
                  deviceConnections.add(c);
                  Thread t = new Thread(() -> serveDevice(c), "test-device");
                  t.setDaemon(true);
                  t.start();
                } catch (IOException e) {
                  return;
                }
              }
            },
            "test-device-accept");
    accept.setDaemon(true);
    accept.start();
  }

  private static void serveDevice(Socket c) {
    try (c) {
      InputStream in = c.getInputStream();
      OutputStream out = c.getOutputStream();
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0) {
        if (b != '\n') {
          line.append((char) b);
          continue;
        }
        String l = line.toString();
        line.setLength(0);
        if (l.equals("late") && !lateAnswer.await(10, TimeUnit.SECONDS)) {
          return;
        }
        String answer =
            l.equals("silent") ? "" : l.equals("multi") ? "a\r\nb\r\n" : "R:" + l + "\r\n>";
        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the simulator went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @AfterAll
  static void stopDevice() throws IOException {
    device.close();
    for (Socket s : deviceConnections) {
      s.close();
    }
    TCP.close();
  }

  @BeforeEach
  void writeSecret() throws IOException {
    secret = Files.writeString(dir.resolve("pw"), PASSWORD + "\n");
  }

  @AfterEach
  void stop() {
    if (link != null) {
      link.close().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null);
    }
    if (sim != null) {
      sim.close();
    }
    executor.shutdownNow();
  }

  /** A transport context as the runtime gives one, with the tcp transport. */
  private record Context(
      ScheduledExecutorService executor, DeviceOptions options, LinkRequirements requirements)
      implements TransportContext {
    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public Optional<TransportProvider> transport(String scheme) {
      return scheme.equals("tcp") ? Optional.of(TCP) : Optional.empty();
    }

    @Override
    public <T> Optional<T> resource(Class<T> type) {
      return Optional.empty();
    }
  }

  private static final DeviceOptions OPTIONS =
      DeviceOptions.defaults().withCommandTimeout(Duration.ofMillis(800));

  /**
   * An IPCP with a password: a login ends at once on its answer, where an IPCP without one is only
   * known to be ready after half a second of quiet.
   */
  private static ExtronSimulator.Builder ipcp() {
    return ExtronSimulator.builder().adminPassword(PASSWORD);
  }

  /** A tunnel to COM3 of {@link #sim}, with the password and these options. */
  private Link tunnel(boolean web, String options, LinkRequirements requirements) {
    return tunnel(web, options, requirements, OPTIONS);
  }

  private Link tunnel(
      boolean web, String options, LinkRequirements requirements, DeviceOptions deviceOptions) {
    String query = "?password=file:" + secret + "&" + options;
    String uri =
        web
            ? "isotek:extron+http://127.0.0.1:" + sim.httpPort() + "/3" + query
            : "isotek:extron://127.0.0.1:" + sim.port() + "/3" + query;
    TransportProvider provider = web ? new ExtronHttpTunnelProvider() : new ExtronTunnelProvider();
    link =
        provider.create(
            DeviceAddress.parse(uri), new Context(executor, deviceOptions, requirements));
    return link;
  }

  private static LinkRequirements prompt() {
    return LinkRequirements.stream(501).withReplyTerminator('>');
  }

  private static CompletionStage<Void> send(Link link, String data) {
    return link.send(ByteBuffer.wrap(data.getBytes(StandardCharsets.ISO_8859_1)));
  }

  static Stream<Arguments> combinations() {
    Stream.Builder<Arguments> all = Stream.builder();
    for (boolean web : new boolean[] {false, true}) {
      for (String data : new String[] {"after", "inline"}) {
        for (boolean echo : new boolean[] {false, true}) {
          for (String prefix : new String[] {"", "DATA:"}) {
            for (boolean crlf : new boolean[] {true, false}) {
              for (boolean emptyReply : new boolean[] {true, false}) {
                all.add(Arguments.of(web, data, echo, prefix, crlf, emptyReply));
              }
            }
          }
        }
      }
    }
    return all.build();
  }

  @ParameterizedTest(name = "web={0} data={1} echo={2} prefix={3} crlf={4} emptyReply={5}")
  @MethodSource("combinations")
  void everyCombinationOfEchoPrefixCrLfAndEmptyReplyWorks(
      boolean web, String data, boolean echo, String prefix, boolean crlf, boolean emptyReply)
      throws Exception {
    ExtronSimulator.Builder b =
        ipcp()
            .serialDevice(3, device.getLocalPort())
            .echoData(echo)
            .replyPrefix(prefix)
            .crlfAppended(crlf)
            .emptyReplyOnTimeout(emptyReply);
    sim = (web ? b.httpPort(0) : b).build().start();
    String options =
        "data="
            + data
            + "&crlf="
            + (crlf ? "appended" : "none")
            + (prefix.isEmpty() ? "" : "&prefix=" + prefix.replace(":", "%3A"))
            // the device 300 ms to answer (the IPCP's default, 100 ms, is short on a loaded
            // machine), and the tunnel 1.2 s for the IPCP: more than a silent device's empty reply
            + "&t1=30&t2=2";
    RecordingListener r = new RecordingListener();
    Link l = tunnel(web, options, prompt(), OPTIONS.withCommandTimeout(Duration.ofMillis(1200)));
    get(l.open(r));

    get(send(l, "S1=1 50%\n"));
    r.expect("R:S1=1 50%\r\n>");

    // nothing before t1: an empty reply completes at once (nothing delivered) where the IPCP sends
    // one the tunnel can recognise; otherwise the inner driver's command times out
    CompletionStage<Void> silent = send(l, "silent\n");
    boolean recognisable = web || (crlf && (emptyReply || echo));
    if (recognisable) {
      get(silent);
    } else {
      assertThat(failure(silent)).isInstanceOf(DeviceTimeoutException.class);
      if (!web) {
        // a Telnet session that waited in vain ends (its late answer would be out of step), and
        // the owner opens a new one
        await().atMost(Duration.ofSeconds(5)).until(() -> !l.isOpen());
        assertThat(r.downs()).singleElement().isInstanceOf(LinkLostException.class);
        get(l.open(r));
      }
    }
    r.expect("");

    // and the tunnel is in step for the next request
    get(send(l, "again\n"));
    r.expect("R:again\r\n>");
    if (data.equals("inline")) { // Esc03*30*2*62DRSagain%0A, or on the web ...RSagain%250A|
      assertThat(sim.commandsReceived()).anyMatch(c -> c.contains("RSagain%"));
    } else {
      assertThat(sim.commandsReceived()).noneMatch(c -> c.contains("RSagain"));
    }
  }

  /**
   * The IPCP answers a GET after the tunnel gave up on it: that late response must not be taken for
   * the next request's answer. The next request goes out on a new connection, which the IPCP
   * answers with the device's answer to it; the link stays up.
   */
  @Test
  void aLateWebResponseDoesNotAnswerTheNextRequest() throws Exception {
    RecordingListener r = new RecordingListener();
    CompletionStage<Void> next = nextAfterALateAnswer(true, r);
    get(next);
    r.expect("R:next\r\n>");
    get(send(link, "again\n"));
    r.expect("R:again\r\n>");
    assertThat(r.downs()).as("the link stayed up").isEmpty();
    assertThat(link.isOpen()).isTrue();
  }

  /**
   * The IPCP answers a send-data-string after the tunnel gave up on it, on the same Telnet session:
   * without more, that late answer would be taken for the next request's, and every answer after it
   * for the one before's. The timeout ends the session instead: the next request fails as lost,
   * never with the late answer, and a new session answers in step.
   */
  @Test
  void aLateTelnetAnswerEndsTheSessionInsteadOfAnsweringTheNextRequest() throws Exception {
    RecordingListener r = new RecordingListener();
    CompletionStage<Void> next = nextAfterALateAnswer(false, r);
    assertThat(failure(next)).isInstanceOf(LinkLostException.class);
    assertThat(r.downs())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d).isInstanceOf(LinkLostException.class);
              assertThat(d.getMessage()).contains("late answer").contains("late");
            });
    assertThat(r.data()).as("nothing of the late answer delivered").isEmpty();
    // the owner opens the link again: a new session, in step
    get(link.open(r));
    get(send(link, "again\n"));
    r.expect("R:again\r\n>");
    get(send(link, "more\n"));
    r.expect("R:more\r\n>");
  }

  /**
   * Opens a tunnel (web or Telnet) to {@link #link} whose request {@code late} times out, sends
   * {@code next}, and has the IPCP answer {@code late} 600 ms later (after the queue's 200 ms
   * settle), while {@code next} is out; returns {@code next}'s stage.
   */
  private CompletionStage<Void> nextAfterALateAnswer(boolean web, RecordingListener r)
      throws Exception {
    ExtronSimulator.Builder b = ipcp().serialDevice(3, device.getLocalPort());
    sim = (web ? b.httpPort(0) : b).build().start();
    // the IPCP waits up to 5 s for the device (t1), longer than the tunnel waits for the IPCP
    DeviceOptions options = DeviceOptions.defaults().withCommandTimeout(Duration.ofMillis(1500));
    Link l = tunnel(web, "t1=500&t2=10", prompt(), options);
    get(l.open(r));
    CountDownLatch late = new CountDownLatch(1);
    lateAnswer = late;
    try {
      assertThat(failure(send(l, "late\n"))).isInstanceOf(DeviceTimeoutException.class);
      CompletionStage<Void> next = send(l, "next\n");
      Thread.sleep(600);
      return next;
    } finally {
      late.countDown();
    }
  }

  @Test
  void withoutATerminatorAMultiLineReplyComesWhole() throws Exception {
    for (boolean web : new boolean[] {false, true}) {
      ExtronSimulator.Builder b = ipcp().serialDevice(3, device.getLocalPort());
      sim = (web ? b.httpPort(0) : b).build().start();
      RecordingListener r = new RecordingListener();
      Link l = tunnel(web, "", LinkRequirements.stream(501)); // no terminator: 0L
      get(l.open(r));
      get(send(l, "multi\n"));
      r.expect("a\r\nb\r\n");
      get(send(l, "one\n"));
      r.expect("R:one\r\n>");
      get(l.close());
      sim.close();
    }
  }

  @Test
  void closingEitherFormFailsAPendingRequestAsClosedNotAsLost() throws Exception {
    for (boolean web : new boolean[] {false, true}) {
      ExtronSimulator.Builder b = ipcp().serialDevice(3, device.getLocalPort());
      sim = (web ? b.httpPort(0) : b).build().start();
      RecordingListener r = new RecordingListener();
      // no terminator, a second of waiting at the IPCP: still pending when the link closes
      Link l = tunnel(web, "t1=100&t2=100", LinkRequirements.stream(501));
      get(l.open(r));
      // in flight or still queued behind the login: either way it must fail as closed
      CompletionStage<Void> pending = send(l, "silent\n");
      get(l.close());
      assertThat(failure(pending)).as("web=%s", web).isInstanceOf(DeviceClosedException.class);
      sim.close();
    }
  }

  @Test
  void busyIsRetriedAsConfiguredOnBothForms() throws Exception {
    for (boolean web : new boolean[] {false, true}) {
      ExtronSimulator.Builder b = ipcp().serialDevice(3, device.getLocalPort());
      sim = (web ? b.httpPort(0) : b).build().start();
      RecordingListener r = new RecordingListener();
      Link l = tunnel(web, "busy-retries=1&busy-pause=20ms", prompt());
      get(l.open(r));
      sim.failNextSendData("E22");
      get(send(l, "x\n"));
      r.expect("R:x\r\n>");
      sim.failNextSendData("E22", "E22");
      assertThat(failure(send(l, "y\n")))
          .isInstanceOf(DeviceBusyException.class)
          .hasMessageContaining("E22 (busy)");
      get(l.close());
      sim.close();
    }
  }

  @Test
  void theSerialPortIsSetUpOnOpenOnBothForms() throws Exception {
    for (boolean web : new boolean[] {false, true}) {
      sim = ipcp().serialDevice(3, device.getLocalPort()).httpPort(0).build().start();
      assertThat(sim.serialSettings(3)).isEmpty();
      Link l = tunnel(web, "serial=9600,E,7,2", prompt());
      get(l.open(new RecordingListener()));
      assertThat(sim.serialSettings(3)).hasValue("9600,E,7,2");
      get(l.close());
      sim.close();
    }
  }

  @Test
  void theWebUserIsAnOption() throws Exception {
    sim =
        ipcp()
            .serialDevice(3, device.getLocalPort())
            .webUser("operator")
            .httpPort(0)
            .build()
            .start();
    RecordingListener r = new RecordingListener();
    Link wrong = tunnel(true, "", prompt()); // user admin, by default
    get(wrong.open(r));
    assertThat(failure(send(wrong, "x\n")))
        .isInstanceOf(DeviceRejectedException.class)
        .hasMessageContaining("login denied")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(PASSWORD));
    get(wrong.close());
    Link right = tunnel(true, "user=operator", prompt());
    get(right.open(r));
    get(send(right, "x\n"));
    r.expect("R:x\r\n>");
  }

  @Test
  void noFreeConnectionFailsTheTunnelsOpenAsBusyNamingE26() throws Exception {
    sim = ipcp().maxConnections(1).build().start();
    try (Socket other = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
      assertThat(other.isConnected()).isTrue();
      await().until(() -> sim.connectedClients() == 1);
      Link l = tunnel(false, "", prompt());
      assertThat(failure(l.open(new RecordingListener())))
          .isInstanceOf(DeviceBusyException.class)
          .hasMessageContaining("E26 (maximum connections exceeded)");
    }
  }

  // ------------------------------------------------------------------ the relays

  private CompletionStage<PowerDevice> relays(String options) {
    DeviceAddress address =
        DeviceAddress.parse(
            "extron:tcp://127.0.0.1:" + sim.port() + "?password=file:" + secret + "&" + options);
    DeviceOptions o = DeviceOptions.defaults().withOverrides(address);
    link = TCP.create(address, new Context(executor, o, LinkRequirements.stream(23)));
    return new ExtronDriver().open(new DriverContext(address, link, o, Clock.systemUTC()));
  }

  @Test
  void relaysSwitchedElsewhereShowUpThroughPolling() throws Exception {
    sim = ipcp().build().start();
    PowerDevice relays = get(relays("poll=200ms"));
    try {
      List<DeviceEvent> events = new CopyOnWriteArrayList<>();
      relays.subscribe(events::add);
      assertThat(relays.outlet(4).state()).isEqualTo(OutletState.OFF);
      sim.setRelay(4, true); // a front panel, another controller
      await().atMost(Duration.ofSeconds(5)).until(() -> relays.outlet(4).state() == OutletState.ON);
      assertThat(events)
          .anySatisfy(
              e ->
                  assertThat(e)
                      .isInstanceOfSatisfying(
                          DeviceEvent.OutletChanged.class,
                          c -> {
                            assertThat(c.current().number()).isEqualTo(4);
                            assertThat(c.previous()).isEqualTo(OutletState.OFF);
                            assertThat(c.current().state()).isEqualTo(OutletState.ON);
                          }));
    } finally {
      relays.close();
    }
  }

  /**
   * Nothing is sent between a cycle's off and its on but the off's read-back: not the polls, nor a
   * refresh or a switch asked meanwhile, which wait for the on and then run.
   */
  @Test
  void nothingIsSentBetweenACyclesOffAndOn() throws Exception {
    sim = ipcp().build().start();
    PowerDevice relays = get(relays("poll=100ms"));
    try {
      get(relays.outlet(4).switchOn());
      long polled = count("1O");
      await().until(() -> count("1O") >= polled + 2); // polling runs
      CompletionStage<OutletStatus> cycle = relays.outlet(4).cycle(Duration.ofSeconds(1));
      await().until(() -> !sim.relay(4));
      CompletionStage<DeviceStatus> refresh = relays.refresh();
      CompletionStage<OutletStatus> other = relays.outlet(2).switchOn();
      assertThat(get(cycle).state()).isEqualTo(OutletState.ON);
      DeviceStatus refreshed = get(refresh);
      assertThat(get(other).state()).isEqualTo(OutletState.ON);
      List<String> sent = sim.commandsReceived();
      int off = sent.lastIndexOf("4*0O");
      int on = sent.lastIndexOf("4*1O");
      assertThat(off).isNotNegative().isLessThan(on);
      assertThat(sent.subList(off + 1, on))
          .as("sent between the off and the on")
          .containsExactly("4O");
      assertThat(sent.subList(on + 1, sent.size())).contains("2*1O", "1O");
      assertThat(refreshed.outlet(4).orElseThrow().state()).isEqualTo(OutletState.ON);
    } finally {
      relays.close();
    }
  }

  private long count(String command) {
    return sim.commandsReceived().stream().filter(command::equals).count();
  }

  @Test
  void noFreeConnectionFailsTheRelaysOpenAsBusyNamingE26() throws Exception {
    sim = ipcp().maxConnections(1).build().start();
    try (Socket other = new Socket(InetAddress.getLoopbackAddress(), sim.port())) {
      assertThat(other.isConnected()).isTrue();
      await().until(() -> sim.connectedClients() == 1);
      assertThat(failure(relays("")))
          .isInstanceOf(DeviceBusyException.class)
          .hasMessageContaining("E26 (maximum connections exceeded)");
    }
  }
}

package io.pdu4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.config.Pdu4jConfig;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.spi.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j demo}: the three kinds of device pdu4j drives, simulated on loopback (an IsoTek PDU
 * over TCP, an Enistic controller over UDP, an IsoTek PDU behind an Extron IPCP), served together
 * as {@code pdu4j serve} serves a configuration: one runtime, {@code /metrics} and {@code /health}
 * over HTTP. A guided tour (status, confirmed switching on each, the live metrics), then a live
 * table until interrupted.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "A tour of three simulated devices served by pdu4j: status, confirmed switching, live"
          + " metrics, then a live table.",
      "Starts on loopback an IsoTek PDU (TCP), an Enistic controller with Smart Sockets (UDP) and an"
          + " IsoTek PDU behind an Extron IPCP (SIS send-data-string over Telnet), serves them as"
          + " 'pdu4j serve' does (one runtime, /metrics for Prometheus, /health), reads them,"
          + " switches an outlet on each (every change confirmed by the device), reads /metrics,"
          + " then shows a live table until interrupted (Ctrl-C). --once stops after the tour."
    })
final class DemoCommand implements Callable<Integer> {
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

  /** How long the devices may take to connect: the Enistic link waits for readings, too. */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final int EVENTS_SHOWN = 8;

  /** Fewer in the live view, so that three tables and the events fit a 50-line terminal. */
  private static final int EVENTS_SHOWN_LIVE = 5;

  private static final String INDENT = "      ";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The outlet switched on each IsoTek PDU, and shown in the metrics. */
  private static final int OUTLET = 3;

  @Option(
      names = "--once",
      description = "Run the tour once and exit: 0 when every step succeeded, non-zero otherwise.")
  boolean once;

  @Option(
      names = "--refresh",
      paramLabel = "DURATION",
      converter = DeviceArgs.DurationConverter.class,
      description = "How often the live table is read again (default 1s).")
  Duration refresh;

  @Option(
      names = "--metrics-port",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "The loopback port of /metrics and /health (default 0: a free port, printed at start).")
  int metricsPort;

  @Spec CommandSpec spec;

  private PrintWriter out;
  private Style style;
  private DemoEvents events;
  private int failures;
  private int firstFailureCode;
  private final List<String> notes = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Counted down once everything is closed, so that a Ctrl-C hook can wait for it. */
  private final CountDownLatch cleanedUp = new CountDownLatch(1);

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    style = Pdu4jCommand.style(spec);
    events = new DemoEvents(style);
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new InvalidArgumentException("--metrics-port must be 0..65535, got " + metricsPort);
    }
    DemoLab lab = new DemoLab();
    try {
      return tour(lab);
    } finally {
      lab.close();
      out.flush();
      cleanedUp.countDown();
    }
  }

  private int tour(DemoLab lab) {
    out.println(
        style.bold("pdu4j demo")
            + ": three kinds of power device on loopback, served by one pdu4j runtime");
    out.println(
        style.dim(
            "Everything goes over real TCP and UDP sockets, exactly as with hardware; only the"
                + " devices are simulated."));

    heading(1, "Starting three simulated devices");
    boolean started = true;
    started &=
        step(DemoLab.RACK + ": an IsoTek SMART Power PDU on TCP", () -> note(lab.startRack()))
            .isPresent();
    started &=
        step(
                DemoLab.OFFICE + ": an Enistic Smart Energy Controller on UDP",
                () -> note(lab.startOffice()))
            .isPresent();
    started &=
        step(
                DemoLab.AV_RACK + ": an IsoTek PDU behind an Extron IPCP's serial port",
                () -> note(lab.startAvRack()))
            .isPresent();
    if (!started) {
      return finish();
    }

    heading(2, "Serving them as 'pdu4j serve --config devices.yaml' does");
    String yaml = lab.yaml(metricsPort);
    RecentLines serveLog = new RecentLines(20);
    Optional<FleetServer> serving =
        step(
            "one runtime for all three, /metrics and /health on loopback",
            () -> {
              note(style.dim("devices.yaml:"));
              yaml.lines().forEach(l -> note("  " + style.dim(l)));
              note("");
              Pdu4jConfig config =
                  Pdu4jConfig.parse(new StringReader(yaml), "devices.yaml", Path.of("."));
              FleetServer s =
                  FleetServer.start(config, Optional.empty(), new PrintWriter(serveLog, true));
              note("metrics at " + style.bold(url(s, "/metrics")));
              note("health  at " + style.bold(url(s, "/health")));
              return s;
            });
    if (serving.isEmpty()) {
      return finish();
    }
    try (FleetServer server = serving.get()) {
      return served(server, lab, serveLog);
    }
  }

  private int served(FleetServer server, DemoLab lab, RecentLines serveLog) {
    Map<String, PowerDevice> devices = connect(server, lab, serveLog);
    if (devices.size() != lab.names().size()) {
      return finish();
    }
    PowerDevice rack = devices.get(DemoLab.RACK);
    PowerDevice office = devices.get(DemoLab.OFFICE);
    PowerDevice avRack = devices.get(DemoLab.AV_RACK);

    heading(3, "Reading each device now (pdu4j status URI)");
    devices.forEach(
        (name, d) ->
            step(
                "status of " + name,
                () -> {
                  DeviceStatus s = await(d.refresh(), "reading the status");
                  note("");
                  StatusView.table(d.info(), s, StatusCommand.clockOf(d, s), style)
                      .lines()
                      .forEach(this::note);
                  return s;
                }));

    heading(4, "Switching: each switch completes only once the device reports the new state");
    String socket = lab.enistic().orElseThrow().socketSerials(DemoLab.CONTROLLER).get(0);
    Map<String, Integer> switched = new LinkedHashMap<>();
    for (OutletState state : List.of(OutletState.OFF, OutletState.ON)) {
      switchOne(DemoLab.RACK, rack, String.valueOf(OUTLET), state, "the PDU's next status")
          .ifPresent(n -> switched.put(DemoLab.RACK, n));
      switchOne(DemoLab.OFFICE, office, socket, state, "a later UDP reading of that socket")
          .ifPresent(n -> switched.put(DemoLab.OFFICE, n));
      switchOne(
              DemoLab.AV_RACK,
              avRack,
              String.valueOf(OUTLET),
              state,
              "the PDU, asked through the IPCP's COM" + DemoLab.COM)
          .ifPresent(n -> switched.put(DemoLab.AV_RACK, n));
    }
    step(
        "pdu4j off " + DemoLab.RACK + " 99   is refused before anything is sent",
        () -> {
          try {
            rack.outlet(99);
          } catch (InvalidArgumentException e) {
            note(
                style.dim(
                    "InvalidArgumentException: "
                        + TerminalText.safe(e.getMessage())
                        + "  (exit code 2)"));
            return e;
          }
          throw new IllegalStateException("outlet 99 was not refused");
        });

    heading(5, "The live metrics, as Prometheus scrapes them (GET /metrics, /health)");
    step("GET " + url(server, "/metrics"), () -> metrics(server, lab.names(), switched));
    step("GET " + url(server, "/health"), () -> health(server));

    heading(6, "What the devices reported meanwhile (PowerDevice.subscribe)");
    events.lines(EVENTS_SHOWN).forEach(line -> out.println(INDENT + line));
    out.flush();

    int code = finish();
    if (once || code != ExitCodes.OK) {
      return code;
    }
    return live(server, devices, lab);
  }

  /**
   * Waits until every device is open and connected, then reports each; the serve log explains a
   * device that did not make it.
   */
  private Map<String, PowerDevice> connect(FleetServer server, DemoLab lab, RecentLines log) {
    long start = System.nanoTime();
    long deadline = start + CONNECT_TIMEOUT.toNanos();
    Map<String, Long> readyAfter = new LinkedHashMap<>();
    Map<String, PowerDevice> open = new LinkedHashMap<>();
    try {
      while (readyAfter.size() < lab.names().size() && System.nanoTime() < deadline) {
        for (String name : lab.names()) {
          if (readyAfter.containsKey(name)) {
            continue;
          }
          Optional<PowerDevice> d = server.device(name);
          if (d.isPresent() && d.get().connectionState() == ConnectionState.CONNECTED) {
            readyAfter.put(name, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            open.put(name, d.get());
          }
        }
        // the server opens devices in the background and offers no callback: look again shortly
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Map<String, PowerDevice> ready = new LinkedHashMap<>();
    for (String name : lab.names()) {
      step(
              name + " connected: " + lab.uri(name),
              () -> {
                PowerDevice d = open.get(name);
                if (d == null) {
                  log.lines().stream()
                      .filter(l -> l.contains(" " + name + ": "))
                      .forEach(l -> note(style.dim(l)));
                  throw new PowerDeviceException(
                      name + " not connected within " + Durations.format(CONNECT_TIMEOUT));
                }
                events.name(d.info().address(), name);
                d.subscribe(events::onEvent);
                note(
                    StatusView.describe(d.info())
                        + ", "
                        + d.outlets().size()
                        + " outlets known, ready in "
                        + readyAfter.get(name)
                        + " ms");
                return d;
              })
          .ifPresent(d -> ready.put(name, d));
    }
    return ready;
  }

  /** Switches one outlet (by number or id); returns its number, for the metrics step. */
  private Optional<Integer> switchOne(
      String name, PowerDevice d, String outlet, OutletState state, String confirmedBy) {
    String cmd = "pdu4j " + state.name().toLowerCase(Locale.ROOT) + " " + name + " " + outlet;
    return step(
        cmd,
        () -> {
          Outlet o =
              d.outlets().stream()
                  .filter(x -> x.id().equals(outlet))
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new PowerDeviceException(
                              name + " has reported no outlet " + outlet + " yet"));
          long t0 = System.nanoTime();
          OutletStatus s = await(o.switchTo(state), cmd);
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          note(
              SwitchCommand.line(s, style)
                  + style.dim("   confirmed by " + confirmedBy + " in " + ms + " ms"));
          if (s.state() != state) {
            throw new PowerDeviceException(name + " reported outlet " + outlet + " " + s.state());
          }
          return s.number();
        });
  }

  /**
   * Scrapes /metrics and shows, for each device, its connection and the power of the outlet just
   * switched, and how many switch commands it timed: the meters of what the tour just did.
   */
  private String metrics(FleetServer server, List<String> names, Map<String, Integer> outlets) {
    String body = get(server, "/metrics");
    List<String> lines = body.lines().filter(l -> !l.startsWith("#")).toList();
    for (String name : names) {
      String device = "device=\"" + name + "\"";
      List<String> shown = new ArrayList<>();
      lines.stream()
          .filter(l -> l.startsWith("pdu_device_connected{") && l.contains(device))
          .findFirst()
          .ifPresent(shown::add);
      Integer outlet = outlets.get(name);
      if (outlet != null) {
        lines.stream()
            .filter(
                l ->
                    l.startsWith("pdu_outlet_power_watts{")
                        && l.contains(device)
                        && l.contains("outlet=\"" + outlet + "\""))
            .findFirst()
            .ifPresent(shown::add);
      }
      lines.stream()
          .filter(
              l ->
                  l.startsWith("pdu_commands_seconds_count{")
                      && l.contains(device)
                      && l.contains("switch_off"))
          .findFirst()
          .ifPresent(shown::add);
      shown.forEach(this::note);
      if (shown.stream().noneMatch(l -> l.startsWith("pdu_outlet_power_watts{"))
          || shown.stream().noneMatch(l -> l.matches("pdu_device_connected\\{.*} 1(\\.0)?"))) {
        throw new PowerDeviceException(
            "/metrics has no connected device \"" + name + "\" with the power of its outlet");
      }
    }
    return body;
  }

  /** Reads /health: every device's state, UP only when all are connected. */
  private String health(FleetServer server) {
    String body = get(server, "/health");
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new PowerDeviceException("/health is not JSON: " + e.getMessage(), e);
    }
    StringBuilder states = new StringBuilder();
    root.path("devices")
        .properties()
        .forEach(
            e ->
                states
                    .append(states.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue().path("state").asText()));
    String status = root.path("status").asText();
    note("status " + style.state(status.equals("UP") ? "ON" : "OFF", status) + ": " + states);
    if (!status.equals("UP")) {
      throw new PowerDeviceException("/health says " + status + ": " + states);
    }
    return body;
  }

  private String get(FleetServer server, String path) {
    URI uri = URI.create(url(server, path));
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(STEP_TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new PowerDeviceException("GET " + uri + " answered HTTP " + r.statusCode());
      }
      return r.body();
    } catch (IOException e) {
      throw new PowerDeviceException("GET " + uri + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PowerDeviceException("GET " + uri + " interrupted", e);
    }
  }

  private static String url(FleetServer server, String path) {
    return "http://127.0.0.1:" + server.address().getPort() + path;
  }

  /** The live view: every device read every second; now and then an outlet changes. */
  private int live(FleetServer server, Map<String, PowerDevice> devices, DemoLab lab) {
    Duration every = refresh != null ? refresh : Duration.ofSeconds(1);
    Thread main = Thread.currentThread();
    // Ctrl-C runs shutdown hooks only: stop the loop, and let the JVM exit once all is closed
    Thread hook =
        new Thread(
            () -> {
              main.interrupt();
              try {
                cleanedUp.await(5, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "pdu4j-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Random random = new Random();
    String lastAction = "none yet";
    try {
      out.println();
      out.println(
          style.dim("The live view starts in 3 s; meanwhile try: curl " + url(server, "/metrics")));
      out.println(style.dim("Ctrl-C stops it."));
      out.flush();
      Thread.sleep(3000);
      for (int tick = 1; !Thread.currentThread().isInterrupted(); tick++) {
        if (tick % 5 == 0) {
          lastAction = randomSwitch(devices, random);
        } else if (tick % 7 == 0) {
          lastAction = byHand(lab, random);
        }
        out.print(screen(server, devices, every, lastAction));
        out.flush();
        Thread.sleep(every.toMillis());
      }
    } catch (InterruptedException e) {
      // Ctrl-C: fall through to a clean close
    } finally {
      out.println();
      out.println(style.dim("stopping: closing the devices, the runtime and the simulators"));
      out.flush();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is shutting down already; the hook waits for the close
      }
    }
    return ExitCodes.OK;
  }

  private String screen(
      FleetServer server, Map<String, PowerDevice> devices, Duration every, String lastAction) {
    String nl = System.lineSeparator();
    StringBuilder screen = new StringBuilder(style.clearScreen());
    if (!style.ansi()) {
      screen.append(nl).append("-".repeat(72)).append(nl);
    }
    screen
        .append(style.bold("pdu4j demo, live"))
        .append("   ")
        .append(LocalTime.now().format(TIME))
        .append(
            style.dim("   each device read every " + Durations.format(every) + "; Ctrl-C stops"))
        .append(nl)
        .append(style.dim("metrics: " + url(server, "/metrics") + "   health: /health"))
        .append(nl);
    devices.forEach(
        (name, d) -> {
          screen.append(nl).append(style.cyan(name)).append("  ");
          try {
            DeviceStatus s = await(d.refresh(), "reading the status");
            screen
                .append(StatusView.table(d.info(), s, StatusCommand.clockOf(d, s), style))
                .append(nl);
          } catch (PowerDeviceException e) {
            screen.append(style.red(TerminalText.safeLines(e.getMessage()))).append(nl);
          }
        });
    screen.append(nl).append(style.bold("last change: ")).append(lastAction).append(nl);
    screen.append(style.bold("events:")).append(nl);
    events.lines(EVENTS_SHOWN_LIVE).forEach(line -> screen.append("  ").append(line).append(nl));
    return screen.toString();
  }

  private String randomSwitch(Map<String, PowerDevice> devices, Random random) {
    List<String> names = List.copyOf(devices.keySet());
    String name = names.get(random.nextInt(names.size()));
    List<Outlet> outlets =
        devices.get(name).outlets().stream()
            .filter(o -> o.capabilities().contains(OutletCapability.SWITCHABLE))
            .toList();
    if (outlets.isEmpty()) {
      return name + " has no switchable outlet known yet";
    }
    Outlet o = outlets.get(random.nextInt(outlets.size()));
    OutletState target = o.status().state() == OutletState.ON ? OutletState.OFF : OutletState.ON;
    long t0 = System.nanoTime();
    try {
      OutletStatus s = await(o.switchTo(target), "switching");
      return "pdu4j switched "
          + name
          + " outlet "
          + o.number()
          + " "
          + style.state(s.state().name(), s.state().name())
          + style.dim(
              " (confirmed in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms)");
    } catch (PowerDeviceException e) {
      return style.red(TerminalText.safeLines(e.getMessage()));
    }
  }

  /** Someone at a device switches an outlet by hand: pdu4j learns it from the device. */
  private String byHand(DemoLab lab, Random random) {
    if (random.nextInt(3) == 0 && lab.enistic().isPresent()) {
      var sim = lab.enistic().get();
      List<String> sockets = sim.socketSerials(DemoLab.CONTROLLER);
      String socket = sockets.get(random.nextInt(sockets.size()));
      boolean on = !sim.socketOn(socket).orElse(false);
      sim.setSocketOn(socket, on);
      String state = on ? "ON" : "OFF";
      return "someone pressed the button of Smart Socket "
          + socket
          + ": "
          + style.state(state, state)
          + style.dim("; pdu4j learns it from the controller's next reading");
    }
    List<Map.Entry<String, IsoTekSimulator>> pdus = List.copyOf(lab.isoteks().entrySet());
    Map.Entry<String, IsoTekSimulator> pdu = pdus.get(random.nextInt(pdus.size()));
    IsoTekSimulator sim = pdu.getValue();
    int outlet = 1 + random.nextInt(sim.outletCount());
    boolean on = !sim.outletState(outlet);
    sim.setOutletState(outlet, on);
    String state = on ? "ON" : "OFF";
    return "someone at "
        + pdu.getKey()
        + " switched outlet "
        + outlet
        + " "
        + style.state(state, state)
        + style.dim(" by hand; pdu4j learns it from the PDU's status");
  }

  private <T> T await(CompletionStage<T> stage, String what) {
    return DeviceArgs.await(stage, STEP_TIMEOUT, what, null);
  }

  private void heading(int n, String text) {
    out.println();
    out.println(style.cyan(String.format(Locale.ROOT, "[%d] ", n)) + style.bold(text));
    out.flush();
  }

  /** A line printed under the current step's result; returns it, for steps that only describe. */
  private String note(String text) {
    notes.add(text);
    return text;
  }

  /** Runs one step and prints ok or FAIL with the reason, then its notes; the tour goes on. */
  private <T> Optional<T> step(String label, Supplier<T> action) {
    Optional<T> result;
    String failure = null;
    try {
      result = Optional.ofNullable(action.get());
    } catch (RuntimeException e) {
      Throwable t = ExitCodes.unwrap(e);
      failures++;
      if (firstFailureCode == ExitCodes.OK) {
        firstFailureCode = ExitCodes.of(t);
      }
      failure =
          TerminalText.safeLines(t instanceof PowerDeviceException ? t.getMessage() : t.toString());
      result = Optional.empty();
    }
    out.println("  " + (failure == null ? style.green(" ok ") : style.red("FAIL")) + "  " + label);
    for (String n : notes) {
      out.println(n.isEmpty() ? "" : INDENT + "  " + n);
    }
    notes.clear();
    if (failure != null) {
      out.println(INDENT + "  " + style.red(failure));
    }
    out.flush();
    return result;
  }

  private int finish() {
    out.println();
    if (failures == 0) {
      out.println(style.green("Every step succeeded.") + " Try it by hand:");
      out.println("  ./pdu4j sim isotek --tcp-port 5010 &");
      out.println("  ./pdu4j status isotek:tcp://127.0.0.1:5010");
      out.println("  ./pdu4j off isotek:tcp://127.0.0.1:5010 3");
      out.println("  ./pdu4j sim extron --port 2323 --com 3=isotek &");
      out.println("  ./pdu4j status isotek:extron://127.0.0.1:2323/3");
      out.println("  ./pdu4j serve --config devices.yaml     # a file like the one in [2]");
      out.flush();
      return ExitCodes.OK;
    }
    out.println(style.red(failures + " step(s) failed") + ", see above.");
    out.flush();
    return firstFailureCode == ExitCodes.OK ? ExitCodes.FAILURE : firstFailureCode;
  }

  /**
   * The serve log's latest lines (the server logs state changes with the reason a device is not
   * connected), kept to explain a failed step; bounded, thread-safe.
   */
  static final class RecentLines extends Writer {
    private final int max;
    private final Deque<String> lines = new ArrayDeque<>();
    private final StringBuilder current = new StringBuilder();

    RecentLines(int max) {
      this.max = max;
    }

    @Override
    public synchronized void write(char[] buf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        char c = buf[i];
        if (c == '\n') {
          lines.addLast(current.toString().stripTrailing());
          current.setLength(0);
          if (lines.size() > max) {
            lines.removeFirst();
          }
        } else if (current.length() < 1000) {
          current.append(c);
        }
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}

    /** The complete lines kept, oldest first. */
    synchronized List<String> lines() {
      return List.copyOf(lines);
    }
  }
}

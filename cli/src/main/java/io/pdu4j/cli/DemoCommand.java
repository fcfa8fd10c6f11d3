package io.pdu4j.cli;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.config.MqttConfig;
import io.pdu4j.runtime.config.Pdu4jConfig;
import java.io.PrintWriter;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j demo}: the three kinds of device pdu4j drives, simulated on loopback (an IsoTek PDU
 * over TCP, an Enistic controller over UDP, an IsoTek PDU behind an Extron IPCP), served together
 * as {@code pdu4j serve} serves a configuration: one runtime, {@code /metrics}, {@code /health},
 * the control API and its dashboard over HTTP. A guided tour (status, confirmed switching on each,
 * the live metrics, switching through the API), then a live table until interrupted.
 *
 * <p>The tour is laid out here; {@link DemoLab} starts the simulators, {@link DemoServer} is what
 * the server shows over HTTP, {@link DemoSteps} prints the steps, {@link DemoLive} is the live
 * table.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "A tour of three simulated devices served by pdu4j: status, confirmed switching, live"
          + " metrics, switching through the control API, then a live table.",
      "Starts on loopback an IsoTek PDU (TCP), an Enistic controller with Smart Sockets (UDP) and an"
          + " IsoTek PDU behind an Extron IPCP (SIS send-data-string over Telnet), serves them as"
          + " 'pdu4j serve' does (one runtime, /metrics for Prometheus, /health, the control API"
          + " and its dashboard at /), reads them, switches an outlet on each (every change"
          + " confirmed by the device), reads /metrics, switches an outlet with an HTTP POST to"
          + " the API, then shows a live table until interrupted (Ctrl-C). --once stops after the"
          + " tour.",
      "With --mqtt URL (e.g. tcp://127.0.0.1:1883), the serve also bridges the devices to that"
          + " MQTT broker (prefix pdu4j, node demo; docs/mqtt.md) and the tour prints the"
          + " mosquitto_sub and 'pdu4j --mqtt' lines to try; without it no broker is needed."
    })
final class DemoCommand implements Callable<Integer> {
  private static final int EVENTS_SHOWN = 8;

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
          "The loopback port of /metrics, /health, the API and the dashboard (default 0: free"
              + " ports, printed at start).")
  int metricsPort;

  @Spec CommandSpec spec;

  private DemoSteps steps;
  private Style style;
  private DemoEvents events;
  private Optional<String> broker = Optional.empty();

  /** Counted down once everything is closed, so that a Ctrl-C hook can wait for it. */
  private final CountDownLatch cleanedUp = new CountDownLatch(1);

  @Override
  public Integer call() {
    style = Pdu4jCommand.style(spec);
    steps = new DemoSteps(spec.commandLine().getOut(), style);
    events = new DemoEvents(style);
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new InvalidArgumentException("--metrics-port must be 0..65535, got " + metricsPort);
    }
    // checked before anything starts: a bad broker address is a usage error
    broker = Pdu4jCommand.demoBroker(spec).map(u -> MqttConfig.url(u).toString());
    DemoLab lab = new DemoLab();
    try {
      return tour(lab);
    } finally {
      lab.close();
      steps.out().flush();
      cleanedUp.countDown();
    }
  }

  private int tour(DemoLab lab) {
    PrintWriter out = steps.out();
    out.println(
        style.bold("pdu4j demo")
            + ": three kinds of power device on loopback, served by one pdu4j runtime");
    out.println(
        style.dim(
            "Everything goes over real TCP and UDP sockets, exactly as with hardware; only the"
                + " devices are simulated."));

    steps.heading(1, "Starting three simulated devices");
    boolean started = true;
    started &=
        steps
            .step(
                DemoLab.RACK + ": an IsoTek SMART Power PDU on TCP",
                () -> steps.note(lab.startRack()))
            .isPresent();
    started &=
        steps
            .step(
                DemoLab.OFFICE + ": an Enistic Smart Energy Controller on UDP",
                () -> steps.note(lab.startOffice()))
            .isPresent();
    started &=
        steps
            .step(
                DemoLab.AV_RACK + ": an IsoTek PDU behind an Extron IPCP's serial port",
                () -> steps.note(lab.startAvRack()))
            .isPresent();
    if (!started) {
      return steps.finish(Optional.empty());
    }

    steps.heading(2, "Serving them as 'pdu4j serve --config devices.yaml' does");
    String yaml = lab.yaml(metricsPort) + broker.map(DemoCommand::mqttSection).orElse("");
    RecentLines serveLog = new RecentLines(20);
    Optional<FleetServer> serving =
        steps.step(
            "one runtime for all three; /metrics, /health and the control API on loopback",
            () -> {
              steps.note(style.dim("devices.yaml:"));
              yaml.lines().forEach(l -> steps.note("  " + style.dim(l)));
              steps.note("");
              Pdu4jConfig config =
                  Pdu4jConfig.parse(new StringReader(yaml), "devices.yaml", Path.of("."));
              FleetServer s =
                  FleetServer.start(config, Optional.empty(), new PrintWriter(serveLog, true));
              steps.note("dashboard at " + style.bold(DemoServer.dashboard(s)));
              steps.note("API       at " + style.bold(DemoServer.api(s) + "/api/v1"));
              steps.note("metrics   at " + style.bold(DemoServer.url(s, "/metrics")));
              steps.note("health    at " + style.bold(DemoServer.url(s, "/health")));
              broker.ifPresent(this::mqttLines);
              return s;
            });
    if (serving.isEmpty()) {
      return steps.finish(Optional.empty());
    }
    try (FleetServer server = serving.get()) {
      return served(server, lab, serveLog);
    }
  }

  private int served(FleetServer server, DemoLab lab, RecentLines serveLog) {
    DemoServer http = new DemoServer(server, steps);
    Optional<String> dashboard = Optional.of(DemoServer.dashboard(server));
    Map<String, PowerDevice> devices = http.connect(lab, serveLog, events);
    if (devices.size() != lab.names().size()) {
      return steps.finish(dashboard);
    }
    PowerDevice rack = devices.get(DemoLab.RACK);
    PowerDevice office = devices.get(DemoLab.OFFICE);
    PowerDevice avRack = devices.get(DemoLab.AV_RACK);

    steps.heading(3, "Reading each device now (pdu4j status URI)");
    devices.forEach(
        (name, d) ->
            steps.step(
                "status of " + name,
                () -> {
                  DeviceStatus s = DemoSteps.await(d.refresh(), "reading the status");
                  steps.note("");
                  StatusView.table(d.info(), s, StatusCommand.clockOf(d, s), style)
                      .lines()
                      .forEach(steps::note);
                  return s;
                }));

    steps.heading(4, "Switching: each switch completes only once the device reports the new state");
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
    steps.step(
        "pdu4j off " + DemoLab.RACK + " 99   is refused before anything is sent",
        () -> {
          try {
            rack.outlet(99);
          } catch (InvalidArgumentException e) {
            steps.note(
                style.dim(
                    "InvalidArgumentException: "
                        + TerminalText.safe(e.getMessage())
                        + "  (exit code 2)"));
            return e;
          }
          throw new IllegalStateException("outlet 99 was not refused");
        });

    steps.heading(5, "The live metrics, as Prometheus scrapes them (GET /metrics, /health)");
    steps.step("GET " + http.url("/metrics"), () -> http.metrics(lab.names(), switched));
    steps.step("GET " + http.url("/health"), http::health);

    steps.heading(
        6, "Through the control API, as the dashboard and 'pdu4j --server URL off rack 3' do");
    for (OutletState state : List.of(OutletState.OFF, OutletState.ON)) {
      String action = state.name().toLowerCase(Locale.ROOT);
      steps.step(
          "POST "
              + DemoServer.api(server)
              + "/api/v1/devices/"
              + DemoLab.RACK
              + "/outlets/"
              + OUTLET
              + "/"
              + action,
          () ->
              http.switchThroughApi(DemoLab.RACK, lab.isoteks().get(DemoLab.RACK), OUTLET, state));
    }

    steps.heading(7, "What the devices reported meanwhile (PowerDevice.subscribe)");
    events.lines(EVENTS_SHOWN).forEach(line -> steps.out().println(DemoSteps.INDENT + line));
    steps.out().flush();

    int code = steps.finish(dashboard);
    if (once || code != ExitCodes.OK) {
      return code;
    }
    return new DemoLive(steps, events, server, devices, lab)
        .run(refresh != null ? refresh : Duration.ofSeconds(1), cleanedUp);
  }

  /** The {@code mqtt:} section of the demo's configuration with {@code --mqtt URL}. */
  static String mqttSection(String url) {
    return "mqtt:\n  url: \"" + url + "\"\n  prefix: pdu4j\n  node: demo\n";
  }

  /** What to try against the broker the demo bridges to. */
  private void mqttLines(String url) {
    URI u = MqttConfig.url(url);
    int port = u.getPort() > 0 ? u.getPort() : "ssl".equalsIgnoreCase(u.getScheme()) ? 8883 : 1883;
    steps.note("MQTT      at " + style.bold(url) + style.dim("  (prefix pdu4j, node demo)"));
    steps.note(
        style.dim("  try: ")
            + "mosquitto_sub -h "
            + u.getHost()
            + " -p "
            + port
            + " -v -t 'pdu4j/#'");
    steps.note(style.dim("       ") + "pdu4j --mqtt " + url + " status " + DemoLab.RACK);
    steps.note(
        style.dim("       ") + "pdu4j --mqtt " + url + " off " + DemoLab.RACK + " " + OUTLET);
  }

  /** Switches one outlet (by number or id); returns its number, for the metrics step. */
  private Optional<Integer> switchOne(
      String name, PowerDevice d, String outlet, OutletState state, String confirmedBy) {
    String cmd = "pdu4j " + state.name().toLowerCase(Locale.ROOT) + " " + name + " " + outlet;
    return steps.step(
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
          OutletStatus s = DemoSteps.await(o.switchTo(state), cmd);
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          steps.note(
              SwitchCommand.line(s, style)
                  + style.dim("   confirmed by " + confirmedBy + " in " + ms + " ms"));
          if (s.state() != state) {
            throw new PowerDeviceException(name + " reported outlet " + outlet + " " + s.state());
          }
          return s.number();
        });
  }
}

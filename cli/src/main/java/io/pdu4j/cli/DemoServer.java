package io.pdu4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.Durations;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.json.DeviceJson;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The demo's devices as {@code pdu4j serve} serves them: waiting for them to connect, and what a
 * client sees over HTTP: {@code /metrics}, {@code /health}, and the control API the dashboard and
 * {@code pdu4j --server} use.
 */
final class DemoServer {
  /** How long the devices may take to connect: the Enistic link waits for readings, too. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);

  // made on first use: picocli makes every command object to parse any command line, and Jackson
  // is a good part of a short command's start
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final FleetServer server;
  private final DemoSteps steps;
  private final Style style;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  DemoServer(FleetServer server, DemoSteps steps) {
    this.server = server;
    this.steps = steps;
    this.style = steps.style();
  }

  /** A URL of the monitoring listener ({@code /metrics}, {@code /health}). */
  String url(String path) {
    return url(server, path);
  }

  static String url(FleetServer server, String path) {
    return "http://127.0.0.1:" + server.address().getPort() + path;
  }

  /** The control API's base, e.g. {@code http://127.0.0.1:8080}. */
  static String api(FleetServer server) {
    return "http://127.0.0.1:"
        + server.apiAddress().orElseThrow(() -> new PowerDeviceException("no API")).getPort();
  }

  /** The dashboard: {@code /} of the API's listener. */
  static String dashboard(FleetServer server) {
    return api(server) + "/";
  }

  /**
   * Waits until every device is open and connected, then reports each; the serve log explains a
   * device that did not make it.
   */
  Map<String, PowerDevice> connect(DemoLab lab, RecentLines log, DemoEvents events) {
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
      steps
          .step(
              name + " connected: " + lab.uri(name),
              () -> {
                PowerDevice d = open.get(name);
                if (d == null) {
                  log.lines().stream()
                      .filter(l -> l.contains(" " + name + ": "))
                      .forEach(l -> steps.note(style.dim(l)));
                  throw new PowerDeviceException(
                      name + " not connected within " + Durations.format(CONNECT_TIMEOUT));
                }
                events.name(d.info().address(), name);
                d.subscribe(events::onEvent);
                steps.note(
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

  /**
   * Scrapes /metrics and shows, for each device, its connection and the power of the outlet just
   * switched, and how many switch commands it timed: the meters of what the tour just did.
   */
  String metrics(List<String> names, Map<String, Integer> outlets) {
    String body = get("/metrics");
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
      shown.forEach(steps::note);
      if (shown.stream().noneMatch(l -> l.startsWith("pdu_outlet_power_watts{"))
          || shown.stream().noneMatch(l -> l.matches("pdu_device_connected\\{.*} 1(\\.0)?"))) {
        throw new PowerDeviceException(
            "/metrics has no connected device \"" + name + "\" with the power of its outlet");
      }
    }
    return body;
  }

  /** Reads /health: every device's state, UP only when all are connected. */
  String health() {
    String body = get("/health");
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
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
    steps.note("status " + style.state(status.equals("UP") ? "ON" : "OFF", status) + ": " + states);
    if (!status.equals("UP")) {
      throw new PowerDeviceException("/health says " + status + ": " + states);
    }
    return body;
  }

  /**
   * Switches an IsoTek outlet with an HTTP POST to the control API, as the dashboard's buttons and
   * {@code pdu4j --server} do; shows the server's answer, and checks it against the simulator's own
   * outlet.
   */
  OutletStatus switchThroughApi(String name, IsoTekSimulator sim, int outlet, OutletState state) {
    ServerClient client =
        new ServerClient(
            URI.create(api(server)), Optional.empty(), DemoSteps.STEP_TIMEOUT.dividedBy(3));
    String path =
        "/api/v1/devices/"
            + ServerClient.segment(name)
            + "/outlets/"
            + outlet
            + "/"
            + state.name().toLowerCase(Locale.ROOT);
    long t0 = System.nanoTime();
    JsonNode answer = client.post(path);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    OutletStatus s = ServerClient.parseOutlet(answer.path("outlet"));
    steps.note(style.dim("answer: " + TerminalText.safe(DeviceJson.write(answer))));
    boolean simOn = sim.outletState(outlet);
    steps.note(
        SwitchCommand.line(s, style)
            + style.dim(
                "   confirmed by the PDU in "
                    + ms
                    + " ms; the simulator's own outlet "
                    + outlet
                    + " is "
                    + (simOn ? "ON" : "OFF")));
    if (s.state() != state || simOn != (state == OutletState.ON)) {
      throw new PowerDeviceException(
          name
              + " outlet "
              + outlet
              + ": the API answered "
              + s.state()
              + ", the simulator has it "
              + (simOn ? "ON" : "OFF"));
    }
    return s;
  }

  private String get(String path) {
    URI uri = URI.create(url(path));
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(DemoSteps.STEP_TIMEOUT).GET().build(),
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
}

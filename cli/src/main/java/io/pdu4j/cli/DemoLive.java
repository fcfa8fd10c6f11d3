package io.pdu4j.cli;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.Durations;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The demo's live view: every device read again and again and shown as tables; now and then pdu4j
 * switches an outlet, or "someone" switches one at a simulator by hand and pdu4j learns it from the
 * device.
 */
final class DemoLive {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  /** Fewer than in the tour, so that three tables and the events fit a 50-line terminal. */
  private static final int EVENTS_SHOWN = 5;

  private final PrintWriter out;
  private final Style style;
  private final DemoEvents events;
  private final FleetServer server;
  private final Map<String, PowerDevice> devices;
  private final DemoLab lab;

  DemoLive(
      DemoSteps steps,
      DemoEvents events,
      FleetServer server,
      Map<String, PowerDevice> devices,
      DemoLab lab) {
    this.out = steps.out();
    this.style = steps.style();
    this.events = events;
    this.server = server;
    this.devices = devices;
    this.lab = lab;
  }

  /**
   * Runs until interrupted (Ctrl-C); {@code cleanedUp} is counted down once everything is closed,
   * and the Ctrl-C hook waits for it.
   */
  int run(Duration every, CountDownLatch cleanedUp) {
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
          style.dim(
              "The live view starts in 3 s; meanwhile open "
                  + DemoServer.dashboard(server)
                  + " or try: curl "
                  + DemoServer.url(server, "/metrics")));
      out.println(style.dim("Ctrl-C stops it."));
      out.flush();
      Thread.sleep(3000);
      for (int tick = 1; !Thread.currentThread().isInterrupted(); tick++) {
        if (tick % 5 == 0) {
          lastAction = randomSwitch(random);
        } else if (tick % 7 == 0) {
          lastAction = byHand(random);
        }
        out.print(screen(every, lastAction));
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

  private String screen(Duration every, String lastAction) {
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
        .append(
            style.dim(
                "dashboard: "
                    + DemoServer.dashboard(server)
                    + "   metrics: "
                    + DemoServer.url(server, "/metrics")
                    + "   health: /health"))
        .append(nl);
    devices.forEach(
        (name, d) -> {
          screen.append(nl).append(style.cyan(name)).append("  ");
          try {
            DeviceStatus s = DemoSteps.await(d.refresh(), "reading the status");
            screen
                .append(StatusView.table(d.info(), s, StatusCommand.clockOf(d, s), style))
                .append(nl);
          } catch (PowerDeviceException e) {
            screen.append(style.red(TerminalText.safeLines(e.getMessage()))).append(nl);
          }
        });
    screen.append(nl).append(style.bold("last change: ")).append(lastAction).append(nl);
    screen.append(style.bold("events:")).append(nl);
    events.lines(EVENTS_SHOWN).forEach(line -> screen.append("  ").append(line).append(nl));
    return screen.toString();
  }

  private String randomSwitch(Random random) {
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
      OutletStatus s = DemoSteps.await(o.switchTo(target), "switching");
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
  private String byHand(Random random) {
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
}

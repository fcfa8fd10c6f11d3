package io.pdu4j.cli;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.DriverInfo;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.TransportInfo;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import io.pdu4j.spi.Durations;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
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
 * {@code pdu4j demo}: two simulated IsoTek PDUs on loopback, opened through the runtime like real
 * ones; a guided tour (status, confirmed switching, events), then a live table until interrupted.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "A tour on two simulated PDUs: status, confirmed switching, a live table.",
      "Starts two simulated IsoTek PDUs on loopback ports, opens them through the runtime as if"
          + " they were real, reads them, switches outlets (each change confirmed by the device),"
          + " then shows a live table until interrupted (Ctrl-C). --once stops after the tour."
    })
final class DemoCommand implements Callable<Integer> {
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final int EVENTS_SHOWN = 8;
  private static final String INDENT = "      ";

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

  @Spec CommandSpec spec;

  private PrintWriter out;
  private Style style;
  private int failures;
  private int firstFailureCode;
  private final List<String> notes = new ArrayList<>();
  private final Deque<EventLine> events = new ArrayDeque<>(); // guarded by itself

  /** Counted down once everything is closed, so that a Ctrl-C hook can wait for it. */
  private final CountDownLatch cleanedUp = new CountDownLatch(1);

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    style = Pdu4jCommand.style(spec);
    List<IsoTekSimulator> sims = new ArrayList<>();
    try {
      return tour(sims);
    } finally {
      sims.forEach(IsoTekSimulator::close);
      out.flush();
      cleanedUp.countDown();
    }
  }

  private int tour(List<IsoTekSimulator> sims) {
    out.println(
        style.bold("pdu4j demo") + ": two simulated IsoTek PDUs on loopback, driven by pdu4j");
    out.println(
        style.dim(
            "Everything goes over real TCP sockets, exactly as with hardware; only the PDUs are"
                + " simulated."));

    heading(1, "Starting two simulated PDUs");
    Optional<IsoTekSimulator> rack =
        step("rack PDU, 8 outlets", () -> started(sims, IsoTekSimulator.builder().outlets(8)));
    Optional<IsoTekSimulator> lab =
        step("lab PDU, 16 outlets", () -> started(sims, IsoTekSimulator.builder().outlets(16)));
    if (rack.isEmpty() || lab.isEmpty()) {
      return finish();
    }

    heading(2, "Starting the runtime (PowerRuntime.builder().build())");
    try (PowerRuntime runtime = PowerRuntime.builder().build()) {
      note("drivers and transports found on the class path by ServiceLoader:");
      for (DriverInfo d : runtime.drivers()) {
        note("  driver    " + style.bold(d.code()) + "  " + d.description());
      }
      for (TransportInfo t : runtime.transports()) {
        note("  transport " + style.bold(t.scheme()) + "  " + t.description());
      }
      step("runtime up: one shared pool of I/O threads for every device", () -> runtime);
      return withRuntime(runtime, rack.get(), lab.get());
    }
  }

  private IsoTekSimulator started(List<IsoTekSimulator> sims, IsoTekSimulator.Builder builder) {
    IsoTekSimulator sim = builder.build();
    sims.add(sim);
    sim.start();
    note(sim.describe());
    return sim;
  }

  private int withRuntime(PowerRuntime runtime, IsoTekSimulator rackSim, IsoTekSimulator labSim) {
    heading(3, "Opening both PDUs by address, concurrently (PowerRuntime.openAsync)");
    String rackUri = "isotek:tcp://127.0.0.1:" + rackSim.port();
    String labUri = "isotek:tcp://127.0.0.1:" + labSim.port();
    long start = System.nanoTime();
    CompletionStage<PowerDevice> rackOpening = runtime.openAsync(rackUri);
    CompletionStage<PowerDevice> labOpening = runtime.openAsync(labUri);
    Optional<PowerDevice> rack = step(rackUri, () -> opened(rackOpening, rackUri, start));
    Optional<PowerDevice> lab = step(labUri, () -> opened(labOpening, labUri, start));
    if (rack.isEmpty() || lab.isEmpty()) {
      return finish();
    }
    PowerDevice r = rack.get();
    PowerDevice l = lab.get();

    heading(4, "Reading each PDU now (pdu4j status URI)");
    for (PowerDevice d : List.of(r, l)) {
      step(
          "status of " + d.info().address(),
          () -> {
            DeviceStatus s = await(d.refresh(), "reading the status");
            note("");
            StatusView.table(d.info(), s, StatusCommand.clockOf(d, s), style)
                .lines()
                .forEach(this::note);
            return s;
          });
    }

    heading(5, "Switching: each switch completes only once the PDU reports the new state");
    switchOne(r, 3, OutletState.OFF);
    switchOne(r, 3, OutletState.ON);
    switchAll(l, OutletState.OFF);
    switchAll(l, OutletState.ON);
    step(
        "pdu4j off " + r.info().address() + " 99   is refused before anything is sent",
        () -> {
          try {
            r.outlet(99);
          } catch (InvalidArgumentException e) {
            note(style.dim("InvalidArgumentException: " + e.getMessage() + "  (exit code 2)"));
            return e;
          }
          throw new IllegalStateException("outlet 99 was not refused");
        });

    heading(6, "What the PDUs reported meanwhile (PowerDevice.subscribe)");
    eventLines(EVENTS_SHOWN).forEach(line -> out.println(INDENT + line));
    out.flush();

    int code = finish();
    if (once || code != ExitCodes.OK) {
      return code;
    }
    return live(List.of(r, l), List.of(rackSim, labSim));
  }

  private PowerDevice opened(CompletionStage<PowerDevice> opening, String uri, long start) {
    PowerDevice d = await(opening, "opening " + uri);
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    note(
        StatusView.describe(d.info())
            + ", "
            + d.outlets().size()
            + " outlets, ready in "
            + ms
            + " ms");
    d.subscribe(this::onEvent);
    return d;
  }

  private void switchOne(PowerDevice d, int outlet, OutletState state) {
    String cmd =
        "pdu4j " + state.name().toLowerCase(Locale.ROOT) + " " + d.info().address() + " " + outlet;
    step(
        cmd,
        () -> {
          long t0 = System.nanoTime();
          OutletStatus s = await(d.outlet(outlet).switchTo(state), cmd);
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          note(SwitchCommand.line(s, style) + style.dim("   confirmed in " + ms + " ms"));
          return s;
        });
  }

  private void switchAll(PowerDevice d, OutletState state) {
    String cmd =
        "pdu4j " + state.name().toLowerCase(Locale.ROOT) + " " + d.info().address() + " all";
    step(
        cmd,
        () -> {
          long t0 = System.nanoTime();
          DeviceStatus s = await(d.switchAll(state), cmd);
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
          long matching = s.outlets().stream().filter(o -> o.state() == state).count();
          note(
              matching
                  + " of "
                  + s.outlets().size()
                  + " outlets "
                  + style.state(state.name(), state.name())
                  + ", in one command"
                  + style.dim("   confirmed in " + ms + " ms"));
          if (matching != s.outlets().size()) {
            throw new PowerDeviceException(
                "only " + matching + " of " + s.outlets().size() + " outlets reported " + state);
          }
          return s;
        });
  }

  /** The live view: both PDUs read every second; now and then an outlet changes. */
  private int live(List<PowerDevice> devices, List<IsoTekSimulator> sims) {
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
      out.println(style.dim("The live view starts in 3 s. Ctrl-C stops it."));
      out.flush();
      Thread.sleep(3000);
      for (int tick = 1; !Thread.currentThread().isInterrupted(); tick++) {
        if (tick % 5 == 0) {
          lastAction = randomSwitch(devices, random);
        } else if (tick % 7 == 0) {
          lastAction = frontPanel(sims, random);
        }
        out.print(screen(devices, every, lastAction));
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

  private String screen(List<PowerDevice> devices, Duration every, String lastAction) {
    String nl = System.lineSeparator();
    StringBuilder screen = new StringBuilder(style.clearScreen());
    if (!style.ansi()) {
      screen.append(nl).append("-".repeat(72)).append(nl);
    }
    screen
        .append(style.bold("pdu4j demo, live"))
        .append("   ")
        .append(LocalTime.now().format(TIME))
        .append(style.dim("   each PDU read every " + Durations.format(every) + "; Ctrl-C stops"))
        .append(nl);
    for (PowerDevice d : devices) {
      screen.append(nl);
      try {
        DeviceStatus s = await(d.refresh(), "reading the status");
        screen.append(StatusView.table(d.info(), s, StatusCommand.clockOf(d, s), style)).append(nl);
      } catch (PowerDeviceException e) {
        screen.append(style.red(e.getMessage())).append(nl);
      }
    }
    screen.append(nl).append(style.bold("last change: ")).append(lastAction).append(nl);
    screen.append(style.bold("events:")).append(nl);
    eventLines(EVENTS_SHOWN).forEach(line -> screen.append("  ").append(line).append(nl));
    return screen.toString();
  }

  private String randomSwitch(List<PowerDevice> devices, Random random) {
    PowerDevice d = devices.get(random.nextInt(devices.size()));
    List<Outlet> outlets = d.outlets();
    Outlet o = outlets.get(random.nextInt(outlets.size()));
    OutletState target = o.state() == OutletState.ON ? OutletState.OFF : OutletState.ON;
    long t0 = System.nanoTime();
    try {
      OutletStatus s = await(o.switchTo(target), "switching");
      return "pdu4j switched outlet "
          + o.number()
          + " of "
          + d.info().address()
          + " "
          + style.state(s.state().name(), s.state().name())
          + style.dim(
              " (confirmed in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms)");
    } catch (PowerDeviceException e) {
      return style.red(e.getMessage());
    }
  }

  private String frontPanel(List<IsoTekSimulator> sims, Random random) {
    IsoTekSimulator sim = sims.get(random.nextInt(sims.size()));
    int outlet = 1 + random.nextInt(sim.outletCount());
    boolean on = !sim.outletState(outlet);
    sim.setOutletState(outlet, on);
    String state = on ? "ON" : "OFF";
    return "someone at the PDU on port "
        + sim.port()
        + " switched outlet "
        + outlet
        + " "
        + style.state(state, state)
        + style.dim(" by hand; pdu4j learns it from the PDU's status push");
  }

  /** One line of the event log; outlet changes of one moment and kind are merged. */
  private static final class EventLine {
    final String time;
    final String device;
    final OutletState from;
    final OutletState to;
    final TreeSet<Integer> outlets = new TreeSet<>();
    final String text;

    EventLine(String time, String device, OutletState from, OutletState to, String text) {
      this.time = time;
      this.device = device;
      this.from = from;
      this.to = to;
      this.text = text;
    }

    boolean merges(String t, String d, OutletState f, OutletState o) {
      return text == null && time.equals(t) && device.equals(d) && from == f && to == o;
    }
  }

  private void onEvent(DeviceEvent event) {
    String time = LocalTime.now().format(TIME);
    synchronized (events) {
      if (event instanceof DeviceEvent.OutletChanged c) {
        OutletState to = c.current().state();
        EventLine last = events.peekLast();
        if (last == null || !last.merges(time, c.device(), c.previous(), to)) {
          last = new EventLine(time, c.device(), c.previous(), to, null);
          events.addLast(last);
        }
        last.outlets.add(c.current().number());
      } else if (event instanceof DeviceEvent.Connection c) {
        String reason = c.reason().map(r -> " (" + r + ")").orElse("");
        events.addLast(
            new EventLine(
                time,
                c.device(),
                null,
                null,
                "connection " + c.previous() + " -> " + c.current() + reason));
      } else {
        return; // a status every second: the table shows those
      }
      while (events.size() > 50) {
        events.removeFirst();
      }
    }
  }

  private List<String> eventLines(int max) {
    List<String> lines = new ArrayList<>();
    synchronized (events) {
      List<EventLine> all = new ArrayList<>(events);
      for (EventLine e : all.subList(Math.max(0, all.size() - max), all.size())) {
        String what =
            e.text != null
                ? e.text
                : (e.outlets.size() == 1 ? "outlet " : "outlets ")
                    + ranges(e.outlets)
                    + " "
                    + e.from
                    + " -> "
                    + style.state(e.to.name(), e.to.name());
        lines.add(style.dim(e.time) + "  " + e.device + "  " + what);
      }
    }
    if (lines.isEmpty()) {
      lines.add(style.dim("(none yet)"));
    }
    return lines;
  }

  /** {@code 1-3, 5, 9-16}. */
  static String ranges(TreeSet<Integer> numbers) {
    StringBuilder b = new StringBuilder();
    Integer start = null;
    Integer prev = null;
    for (int n : numbers) {
      if (prev != null && n == prev + 1) {
        prev = n;
        continue;
      }
      if (start != null) {
        b.append(b.length() > 0 ? ", " : "")
            .append(start.equals(prev) ? start : start + "-" + prev);
      }
      start = n;
      prev = n;
    }
    if (start != null) {
      b.append(b.length() > 0 ? ", " : "").append(start.equals(prev) ? start : start + "-" + prev);
    }
    return b.toString();
  }

  private <T> T await(CompletionStage<T> stage, String what) {
    return DeviceArgs.await(stage, STEP_TIMEOUT, what, null);
  }

  private void heading(int n, String text) {
    out.println();
    out.println(style.cyan(String.format(Locale.ROOT, "[%d] ", n)) + style.bold(text));
    out.flush();
  }

  /** A line printed under the current step's result. */
  private void note(String text) {
    notes.add(text);
  }

  /** Runs one step and prints ok or FAILED with the reason, then its notes; the tour goes on. */
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
      failure = t instanceof PowerDeviceException ? t.getMessage() : t.toString();
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
      out.flush();
      return ExitCodes.OK;
    }
    out.println(style.red(failures + " step(s) failed") + ", see above.");
    out.flush();
    return firstFailureCode == ExitCodes.OK ? ExitCodes.FAILURE : firstFailureCode;
  }
}

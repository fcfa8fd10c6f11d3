package io.pdu4j.cli;

import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.PowerRuntime;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j cycle URI OUTLET... [--off-time DURATION]}: switches each outlet off, waits, and on
 * again, each step confirmed by the device; prints the state each reported at the end.
 *
 * <p>Interrupted (Ctrl-C, SIGTERM) while an outlet is off, it switches that outlet back on before
 * the process ends, waits for the device to confirm it (bounded), and says so on stderr: {@code
 * interrupted: outlet 3 switched back on}, or loudly that it failed. The process then exits with
 * the signal's code (130 for SIGINT, 143 for SIGTERM). The off, the wait and the on are three steps
 * here rather than the device's one {@link Outlet#cycle} so that the switch-on can be sent at once:
 * a cycle in progress holds the device's command queue for its whole off time.
 */
@Command(
    name = "cycle",
    mixinStandardHelpOptions = true,
    description = {
      "Power-cycle outlets: off, wait, on, each confirmed by the device.",
      "Without --off-time each outlet waits its own reset delay (0 if it has none).",
      "Interrupted (Ctrl-C, SIGTERM) while an outlet is off, it switches it back on first,"
          + " then exits with 130 (SIGINT) or 143 (SIGTERM).",
      "Example: pdu4j cycle isotek:tcp://10.0.0.5:501 1 --off-time 5s",
      "Through a server (--server URL, token in PDU4J_TOKEN), name a device of its"
          + " configuration; the server runs the cycle, to the end even if interrupted here.",
      "Through the MQTT bridges (--mqtt URL), name a device of any serve on that broker; its"
          + " bridge runs the cycle with its own off time (5 s), to the end even if interrupted"
          + " here."
    })
final class CycleCommand implements Callable<Integer> {
  /** The longest {@code --off-time}: a longer "cycle" is an off and a forgotten on. */
  static final Duration MAX_OFF_TIME = Duration.ofHours(1);

  @Mixin DeviceArgs device;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "OUTLET", description = "Outlets.")
  List<String> outlets;

  @Option(
      names = "--off-time",
      paramLabel = "DURATION",
      converter = DeviceArgs.DurationConverter.class,
      description =
          "How long to stay off, more than 0 and at most 1h (e.g. 5s); default: the"
              + " outlet's reset delay.")
  Duration offTime;

  @Option(
      names = "--json",
      description =
          "One JSON object per outlet cycled, as the device confirmed it back on (the shape of"
              + " on and off); an error as one JSON object on stderr.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    if (offTime != null && offTime.compareTo(MAX_OFF_TIME) > 0) {
      throw new InvalidArgumentException(
          "--off-time must be at most "
              + Durations.format(MAX_OFF_TIME)
              + ", got "
              + Durations.format(offTime));
    }
    SwitchCommand.Selection selection = SwitchCommand.Selection.parse(outlets);
    PrintWriter out = spec.commandLine().getOut();
    Style style = Pdu4jCommand.style(spec);
    Optional<Gateway> through = Pdu4jCommand.gateway(spec, device);
    if (through.isPresent()) {
      try (Gateway g = through.get()) {
        cycleThrough(g, selection, out, style);
        return ExitCodes.OK;
      } finally {
        out.flush();
      }
    }
    try (PowerRuntime runtime = device.runtime()) {
      PowerDevice pdu = runtime.open(device.uri);
      String address = pdu.info().address();
      if (!pdu.has(DeviceCapability.CYCLE)) {
        throw new UnsupportedCapabilityException(
            "the device cannot cycle outlets", address, null, null, null);
      }
      List<Outlet> chosen = new ArrayList<>();
      List<OutletStatus> locked = new ArrayList<>();
      if (selection.all()) {
        // like off all: every outlet that can be switched, and the locked ones named at the end
        for (Outlet o : pdu.outlets()) {
          if (o.capabilities().contains(OutletCapability.SWITCHABLE)) {
            chosen.add(o);
          } else {
            locked.add(o.status());
          }
        }
      } else {
        for (int n : selection.numbers()) {
          chosen.add(pdu.outlet(n));
        }
      }
      for (Outlet o : chosen) {
        if (!o.capabilities().contains(OutletCapability.SWITCHABLE)) {
          throw new UnsupportedCapabilityException(
              "outlet " + o.number() + " (" + o.name() + ") cannot be switched",
              address,
              null,
              null,
              null);
        }
      }
      Guard guard =
          new Guard(address, spec.commandLine().getErr(), device.options().commandTimeout());
      Thread hook = new Thread(guard::onShutdown, "pdu4j-cycle-interrupted");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        for (Outlet o : chosen) {
          Duration wait = offTime != null ? offTime : resetDelay(pdu, o, address);
          guard.offNow.set(o); // before the off: it may reach the device even if interrupted
          device.await(o.switchOff(), "switching outlet " + o.number() + " off", address);
          if (guard.interrupted.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            break; // the hook switches it back on; the process is ending
          }
          OutletStatus s =
              device.await(o.switchOn(), "switching outlet " + o.number() + " on", address);
          guard.offNow.compareAndSet(o, null);
          out.println(json ? SwitchCommand.json(address, s) : SwitchCommand.line(s, style));
          out.flush();
        }
      } finally {
        guard.settle(hook);
      }
      requireNoneLocked(locked, address);
      return ExitCodes.OK;
    } finally {
      out.flush();
    }
  }

  /**
   * Through a server's API or the MQTT bridges: the server (the device's bridge) runs each cycle
   * (an interrupted command leaves it to finish there, the outlet back on); every outlet is checked
   * against the device's latest report first.
   */
  private void cycleThrough(
      Gateway server, SwitchCommand.Selection selection, PrintWriter out, Style style) {
    String name = device.uri;
    List<OutletStatus> known = server.status(name).status().outlets();
    List<OutletStatus> chosen = new ArrayList<>();
    List<OutletStatus> locked = new ArrayList<>();
    if (selection.all()) {
      for (OutletStatus o : known) {
        (o.switchable() ? chosen : locked).add(o);
      }
    } else {
      for (int n : selection.numbers()) {
        chosen.add(SwitchCommand.reported(known, n, name));
      }
    }
    for (OutletStatus o : chosen) {
      if (!o.switchable()) {
        throw new UnsupportedCapabilityException(
            name + ": outlet " + o.number() + " (" + o.name() + ") cannot be switched");
      }
    }
    for (OutletStatus o : chosen) {
      OutletStatus s =
          server.switchOutlet(
              name,
              Integer.toString(o.number()),
              "cycle",
              offTime,
              offTime != null ? offTime : MAX_OFF_TIME);
      out.println(json ? SwitchCommand.json(name, s) : SwitchCommand.line(s, style));
      out.flush();
    }
    requireNoneLocked(locked, name);
  }

  /**
   * After {@code cycle all}: fails ({@link ExitCodes#REJECTED}) naming each outlet that was left
   * out because it cannot be switched (an IsoTek outlet locked by type 3). An outlet that cannot be
   * switched and reports no state (an Enistic meter channel) has no switch to miss.
   */
  static void requireNoneLocked(List<OutletStatus> skipped, String address) {
    List<OutletStatus> locked =
        skipped.stream().filter(s -> s.state() != OutletState.UNKNOWN).toList();
    if (locked.isEmpty()) {
      return;
    }
    throw new UnsupportedCapabilityException(
        "cycled every other outlet but could not cycle " + SwitchCommand.locked(locked),
        address,
        null,
        null,
        null);
  }

  /** The outlet's own reset delay, or 0 when the device keeps none or does not say. */
  private Duration resetDelay(PowerDevice pdu, Outlet o, String address) {
    if (!pdu.has(DeviceCapability.OUTLET_CONFIG)) {
      return Duration.ZERO;
    }
    try {
      return device.await(o.config(), "reading outlet " + o.number(), address).resetDelay();
    } catch (DeviceRejectedException | UnsupportedCapabilityException e) {
      return Duration.ZERO;
    }
  }

  /**
   * The outlet that is off and must be switched back on should the process be interrupted, and the
   * shutdown hook that does it.
   */
  static final class Guard {
    final AtomicReference<Outlet> offNow = new AtomicReference<>();
    final CountDownLatch interrupted = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final String address;
    private final PrintWriter err;
    private final Duration switchOnBound;

    Guard(String address, PrintWriter err, Duration commandTimeout) {
      this.address = address;
      this.err = err;
      // the driver fails the switch-on after its command timeout; this is the backstop
      this.switchOnBound = commandTimeout.multipliedBy(3).plusSeconds(1);
    }

    /** Runs in the shutdown hook: switches the outlet that is off back on, and waits for it. */
    void onShutdown() {
      interrupted.countDown();
      try {
        Outlet o = offNow.getAndSet(null);
        if (o == null) {
          return;
        }
        try {
          OutletStatus s =
              DeviceArgs.await(
                  o.switchOn(),
                  switchOnBound,
                  "switching outlet " + o.number() + " back on",
                  address);
          err.println(
              "pdu4j: interrupted: outlet "
                  + o.number()
                  + " switched back on (the device reports it "
                  + s.state()
                  + ")");
        } catch (RuntimeException e) {
          err.println(
              "pdu4j: interrupted: OUTLET "
                  + o.number()
                  + " MAY BE LEFT OFF: switching it back on failed: "
                  + TerminalText.safeLines(e.getMessage()));
        }
        err.flush();
      } finally {
        done.countDown();
      }
    }

    /**
     * After the last step or a failure: without an interruption the hook is removed; with one, the
     * caller waits for the hook to finish before the runtime is closed under it.
     */
    void settle(Thread hook) throws InterruptedException {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
        return;
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or about to
      }
      done.await(switchOnBound.plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}

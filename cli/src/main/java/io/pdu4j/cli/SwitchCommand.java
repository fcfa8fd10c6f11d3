package io.pdu4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.Outlet;
import io.pdu4j.api.OutletCapability;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.OutletStatus;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.StateNotConfirmedException;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.json.DeviceJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j on|off URI OUTLET...}: switches outlets and prints the state each one reported
 * afterwards. Every outlet is checked against the device before the first is switched.
 */
abstract class SwitchCommand implements Callable<Integer> {
  @Mixin DeviceArgs device;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "OUTLET",
      description =
          "Outlet numbers, outlet ids (e.g. an Enistic socket serial), or 'all' to switch every"
              + " outlet in one command.")
  List<String> outlets;

  @Option(
      names = "--json",
      description =
          "One JSON object per outlet switched, as the device confirmed it: device, number, id,"
              + " name, state, voltage, power, switchable; an error as one JSON object on stderr.")
  boolean json;

  @Spec CommandSpec spec;

  /** ON or OFF. */
  abstract OutletState target();

  /**
   * The outlets asked for: every one, or these numbers and ids in the order given, without repeats.
   */
  record Selection(boolean all, List<Integer> numbers, List<String> ids) {
    private static final java.util.regex.Pattern ID =
        java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9/._:-]{0,63}");

    Selection(boolean all, List<Integer> numbers) {
      this(all, numbers, List.of());
    }

    static Selection parse(List<String> args) {
      boolean all = false;
      Set<Integer> numbers = new LinkedHashSet<>();
      Set<String> ids = new LinkedHashSet<>();
      for (String a : args) {
        String t = a.trim();
        if (t.equalsIgnoreCase("all")) {
          all = true;
          continue;
        }
        int n;
        try {
          n = Integer.parseInt(t);
        } catch (NumberFormatException e) {
          if (ID.matcher(t).matches() && !t.matches("[+-]?\\d+")) {
            ids.add(t);
            continue;
          }
          throw new InvalidArgumentException(
              "outlet must be a number, an outlet id or 'all', got '" + a + "'", e);
        }
        if (n < 1) {
          throw new InvalidArgumentException("outlet numbers start at 1, got " + n);
        }
        numbers.add(n);
      }
      if (all && !(numbers.isEmpty() && ids.isEmpty())) {
        throw new InvalidArgumentException("'all' cannot be combined with outlet numbers");
      }
      return new Selection(all, List.copyOf(numbers), List.copyOf(ids));
    }
  }

  @Override
  public Integer call() {
    Selection selection = Selection.parse(outlets);
    Style style = Pdu4jCommand.style(spec);
    PrintWriter out = spec.commandLine().getOut();
    Optional<Gateway> through = Pdu4jCommand.gateway(spec, device);
    if (through.isPresent()) {
      try (Gateway g = through.get()) {
        switchThrough(g, selection, out, style);
        return ExitCodes.OK;
      } finally {
        out.flush();
      }
    }
    return direct(selection, out, spec.commandLine().getErr(), style);
  }

  /**
   * Switches on the device itself (no server, no broker); what {@link ShortLine} runs without
   * picocli, and {@link #call} after it found no gateway.
   */
  int direct(PrintWriter out, PrintWriter err, Style style) {
    return direct(Selection.parse(outlets), out, err, style);
  }

  private int direct(Selection selection, PrintWriter out, PrintWriter err, Style style) {
    try (PowerRuntime runtime = device.runtime(err)) {
      PowerDevice pdu = runtime.open(device.uri);
      int highest = selection.numbers().stream().mapToInt(Integer::intValue).max().orElse(0);
      if (selection.all() || !selection.ids().isEmpty() || highest > pdu.outlets().size()) {
        // devices whose outlets appear as they report (Enistic) may know none right after open
        device.await(pdu.refresh(), "reading the status", pdu.info().address());
      }
      if (selection.all()) {
        switchAll(pdu, out, style);
      } else {
        switchEach(pdu, selection, out, style);
      }
      return ExitCodes.OK;
    } finally {
      out.flush();
    }
  }

  private void switchEach(PowerDevice pdu, Selection selection, PrintWriter out, Style style) {
    String address = pdu.info().address();
    List<Outlet> chosen = new ArrayList<>();
    for (int n : selection.numbers()) {
      chosen.add(pdu.outlet(n)); // throws InvalidArgumentException listing the outlets it has
    }
    for (String id : selection.ids()) {
      chosen.add(
          pdu.outlets().stream()
              .filter(o -> o.id().equalsIgnoreCase(id))
              .findFirst()
              .orElseThrow(
                  () ->
                      new InvalidArgumentException(
                          "no outlet with id '" + id + "'", address, null, null, null)));
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
    for (Outlet o : chosen) {
      OutletStatus confirmed =
          device.await(
              o.switchTo(target()),
              "switching outlet " + o.number() + " " + target().name().toLowerCase(Locale.ROOT),
              address);
      out.println(render(address, confirmed, style));
      out.flush();
    }
  }

  private void switchAll(PowerDevice pdu, PrintWriter out, Style style) {
    String address = pdu.info().address();
    String what = "switching every outlet " + target().name().toLowerCase(Locale.ROOT);
    List<OutletStatus> reported = new ArrayList<>();
    if (pdu.has(DeviceCapability.SWITCH_ALL)) {
      DeviceStatus status = device.await(pdu.switchAll(target()), what, address);
      reported.addAll(status.outlets());
      reported.forEach(s -> out.println(render(address, s, style)));
    } else {
      // no single command for it: one outlet at a time, each confirmed
      for (Outlet o : pdu.outlets()) {
        if (o.capabilities().contains(OutletCapability.SWITCHABLE)) {
          OutletStatus s = device.await(o.switchTo(target()), what, address);
          reported.add(s);
          out.println(render(address, s, style));
          out.flush();
        } else {
          reported.add(o.status()); // checked, not printed: it was not switched
        }
      }
    }
    requireAll(reported, target(), address);
  }

  /**
   * Through a server's API or the MQTT bridges: every outlet is checked against the device's latest
   * report before the first is switched; each answer is the state the device confirmed.
   */
  private void switchThrough(Gateway server, Selection selection, PrintWriter out, Style style) {
    String name = device.uri;
    if (selection.all()) {
      List<OutletStatus> reported = new ArrayList<>();
      try {
        reported.addAll(server.switchAll(name, target()).status().outlets());
        reported.forEach(s -> out.println(render(name, s, style)));
      } catch (UnsupportedCapabilityException noSingleCommand) {
        for (OutletStatus o : server.status(name).status().outlets()) {
          if (o.switchable()) {
            OutletStatus s =
                server.switchOutlet(
                    name, Integer.toString(o.number()), action(), null, Duration.ZERO);
            reported.add(s);
            out.println(render(name, s, style));
            out.flush();
          } else {
            reported.add(o); // checked, not printed: it was not switched
          }
        }
      }
      requireAll(reported, target(), name);
      return;
    }
    List<OutletStatus> known = server.status(name).status().outlets();
    Map<String, OutletStatus> chosen = new LinkedHashMap<>();
    for (int n : selection.numbers()) {
      chosen.put(Integer.toString(n), reported(known, n, name));
    }
    for (String id : selection.ids()) {
      OutletStatus o =
          known.stream()
              .filter(x -> x.id().equalsIgnoreCase(id))
              .findFirst()
              .orElseThrow(
                  () -> new InvalidArgumentException(name + ": no outlet with id '" + id + "'"));
      chosen.put(o.id(), o);
    }
    for (OutletStatus o : chosen.values()) {
      if (!o.switchable()) {
        throw new UnsupportedCapabilityException(
            name + ": outlet " + o.number() + " (" + o.name() + ") cannot be switched");
      }
    }
    for (String ref : chosen.keySet()) {
      out.println(
          render(name, server.switchOutlet(name, ref, action(), null, Duration.ZERO), style));
      out.flush();
    }
  }

  /** The API's action: {@code on} or {@code off}. */
  private String action() {
    return target().name().toLowerCase(Locale.ROOT);
  }

  /**
   * Fails unless every outlet reported is in the target state: a switchable outlet that is not did
   * not confirm the switch ({@link StateNotConfirmedException}); an outlet that cannot be switched
   * (an IsoTek outlet locked by type 3) and is ON or OFF the other way was not switched ({@link
   * UnsupportedCapabilityException}). Both exit with {@link ExitCodes#REJECTED}; the message names
   * every such outlet. An outlet that cannot be switched and reports no state (an Enistic meter
   * channel) has no switch to miss.
   */
  static void requireAll(List<OutletStatus> reported, OutletState target, String address) {
    List<String> unconfirmed =
        reported.stream()
            .filter(s -> s.switchable() && s.state() != target)
            .map(s -> s.number() + " " + s.state())
            .toList();
    List<OutletStatus> notSwitched =
        reported.stream()
            .filter(s -> !s.switchable() && s.state() != OutletState.UNKNOWN)
            .filter(s -> s.state() != target)
            .toList();
    if (unconfirmed.isEmpty() && notSwitched.isEmpty()) {
      return;
    }
    StringBuilder m = new StringBuilder("asked for every outlet " + target + " but ");
    if (!notSwitched.isEmpty()) {
      m.append("could not switch ").append(locked(notSwitched));
    }
    if (!unconfirmed.isEmpty()) {
      m.append(notSwitched.isEmpty() ? "" : "; and ")
          .append("afterwards the device reported ")
          .append(unconfirmed.size() == 1 ? "outlet " : "outlets ")
          .append(String.join(", ", unconfirmed));
      throw new StateNotConfirmedException(m.toString(), address, null, null, null);
    }
    throw new UnsupportedCapabilityException(m.toString(), address, null, null, null);
  }

  /**
   * Outlets that cannot be switched, each with its state, e.g. {@code outlet 2 (Fridge) ON: it
   * cannot be switched (locked)}.
   */
  static String locked(List<OutletStatus> outlets) {
    return (outlets.size() == 1 ? "outlet " : "outlets ")
        + String.join(
            ", ",
            outlets.stream()
                .map(s -> s.number() + " (" + TerminalText.safe(s.name()) + ") " + s.state())
                .toList())
        + (outlets.size() == 1
            ? ": it cannot be switched (locked)"
            : ": they cannot be switched (locked)");
  }

  /** One outlet's confirmed state: the line for people, or with {@code --json} the object. */
  private String render(String deviceName, OutletStatus s, Style style) {
    return json ? json(deviceName, s) : line(s, style);
  }

  /**
   * One outlet's confirmed state as the JSON object of {@code on}, {@code off} and {@code cycle}:
   * {@code device} (the address, or with {@code --server} the server's name of the device), then
   * the outlet's fields as {@code status --json} has them.
   */
  static String json(String deviceName, OutletStatus s) {
    ObjectNode n = DeviceJson.object();
    n.put("device", deviceName);
    return DeviceJson.write(DeviceJson.outlet(n, s));
  }

  /** One outlet's confirmed state, e.g. {@code outlet 3 Printer OFF}. */
  static String line(OutletStatus s, Style style) {
    String state = s.state().name();
    return String.format(
        Locale.ROOT,
        "outlet %2d  %-24s %s",
        s.number(),
        StatusView.name(s),
        style.state(state, state));
  }

  /**
   * Outlet {@code n} of a server's latest report of device {@code name}.
   *
   * @throws InvalidArgumentException naming the outlets the device has, when it has no {@code n}
   */
  static OutletStatus reported(List<OutletStatus> known, int n, String name) {
    return known.stream()
        .filter(o -> o.number() == n)
        .findFirst()
        .orElseThrow(
            () ->
                new InvalidArgumentException(
                    name
                        + " has no outlet "
                        + n
                        + "; its outlets are "
                        + known.stream().map(o -> Integer.toString(o.number())).toList()));
  }
}

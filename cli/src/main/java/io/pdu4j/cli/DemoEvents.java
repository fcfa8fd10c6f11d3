package io.pdu4j.cli;

import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.OutletState;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's event log: outlet changes and connection changes of every device, the latest {@value
 * #KEPT} kept, outlet changes of one moment and kind merged into one line. Listeners run on the
 * devices' I/O threads, the screen is drawn on the demo's thread: every method is thread-safe.
 */
final class DemoEvents {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final int KEPT = 50;

  private final Style style;
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private final Deque<EventLine> events = new ArrayDeque<>(); // guarded by itself

  DemoEvents(Style style) {
    this.style = style;
  }

  /** Shows events of the device at {@code address} under {@code name}. */
  void name(String address, String name) {
    names.put(address, name);
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

  /** A device listener: keeps outlet and connection changes, ignores the rest. */
  void onEvent(DeviceEvent event) {
    String time = LocalTime.now().format(TIME);
    String device = TerminalText.safe(names.getOrDefault(event.device(), event.device()));
    synchronized (events) {
      if (event instanceof DeviceEvent.OutletChanged c) {
        OutletState to = c.current().state();
        EventLine last = events.peekLast();
        if (last == null || !last.merges(time, device, c.previous(), to)) {
          last = new EventLine(time, device, c.previous(), to, null);
          events.addLast(last);
        }
        last.outlets.add(c.current().number());
      } else if (event instanceof DeviceEvent.Connection c) {
        String reason = c.reason().map(r -> " (" + TerminalText.safe(r) + ")").orElse("");
        events.addLast(
            new EventLine(
                time,
                device,
                null,
                null,
                "connection " + c.previous() + " -> " + c.current() + reason));
      } else {
        return; // statuses arrive every second or faster: the tables show those
      }
      while (events.size() > KEPT) {
        events.removeFirst();
      }
    }
  }

  /** The latest {@code max} lines, oldest first; one "(none yet)" line when there are none. */
  List<String> lines(int max) {
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
        lines.add(
            style.dim(e.time) + "  " + String.format(Locale.ROOT, "%-8s", e.device) + "  " + what);
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
}

package io.pdu4j.server.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.runtime.history.PowerHistory;
import io.pdu4j.runtime.history.PowerSeries;
import io.pdu4j.runtime.json.DeviceJson;
import java.time.Instant;

/**
 * The JSON of {@code GET /api/v1/devices/{name}/power}: a {@link PowerHistory} in columns, as
 * charting libraries (uPlot) take them: {@code times} in epoch seconds, then one array per series
 * of the same length, {@code null} for a gap.
 */
final class PowerHistoryJson {
  private PowerHistoryJson() {}

  static ObjectNode of(PowerHistory h) {
    ObjectNode n = DeviceJson.object();
    n.put("device", h.device());
    n.put("stepSeconds", h.step().toSeconds());
    n.put("points", h.times().size());
    ArrayNode times = n.putArray("times");
    for (Instant t : h.times()) {
      times.add(t.getEpochSecond());
    }
    series(n.putArray("watts"), h.watts());
    series(n.putArray("volts"), h.volts());
    ArrayNode outlets = n.putArray("outlets");
    for (PowerHistory.OutletHistory o : h.outlets()) {
      ObjectNode on = outlets.addObject();
      on.put("number", o.number());
      on.put("id", o.id());
      on.put("name", o.name());
      series(on.putArray("watts"), o.watts());
      o.volts().ifPresent(v -> series(on.putArray("volts"), v));
    }
    return n;
  }

  private static void series(ArrayNode into, PowerSeries s) {
    for (int i = 0; i < s.size(); i++) {
      var v = s.at(i);
      if (v.isPresent()) {
        // the recorder keeps floats: written as floats, 12.3 stays 12.3
        into.add((float) v.getAsDouble());
      } else {
        into.addNull();
      }
    }
  }
}

package io.pdu4j.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.pdu4j.api.Recurrence;
import io.pdu4j.api.ScheduleAction;
import io.pdu4j.api.ScheduleRule;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * The API's JSON of a device's schedule rule, the same shape as {@code pdu4j schedule list --json}:
 * {@code {"name", "outlet", "action": on|off|restart, "type": "time", "at": "HH:MM", "every":
 * day|15th|mon,fri}} or {@code {..., "type": "power", "comparison": above|below, "watts"}}. The one
 * place the server reads or writes a rule, so that a change of {@link ScheduleRule} is an edit here
 * only.
 */
final class ScheduleJson {
  private static final Set<String> TIME_FIELDS =
      Set.of("type", "name", "outlet", "action", "at", "every");
  private static final Set<String> POWER_FIELDS =
      Set.of("type", "name", "outlet", "action", "comparison", "watts");

  private ScheduleJson() {}

  /**
   * The rule a request body describes.
   *
   * @throws IllegalArgumentException naming the field that is missing, unknown or wrong
   */
  static ScheduleRule read(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException(
          "the body must be a JSON object such as {\"type\": \"time\", \"at\": \"23:30\","
              + " \"outlet\": 2, \"action\": \"off\"}");
    }
    String type = text(body, "type");
    Set<String> known =
        switch (type) {
          case "time" -> TIME_FIELDS;
          case "power" -> POWER_FIELDS;
          default ->
              throw new IllegalArgumentException("type must be time or power, got '" + type + "'");
        };
    Iterator<String> names = body.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (!known.contains(f)) {
        throw new IllegalArgumentException(
            "unknown field '"
                + f
                + "' for a "
                + type
                + " rule; known: "
                + String.join(", ", known));
      }
    }
    JsonNode nameNode = body.get("name");
    String name = nameNode == null || nameNode.isNull() ? "" : text(body, "name");
    int outlet = integer(body, "outlet", true);
    ScheduleAction action;
    String a = text(body, "action");
    try {
      action = ScheduleAction.valueOf(a.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("action must be on, off or restart, got '" + a + "'");
    }
    try {
      if (type.equals("time")) {
        String at = text(body, "at");
        LocalTime time;
        try {
          time = LocalTime.parse(at);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("at must be HH:MM, got '" + at + "'");
        }
        JsonNode every = body.get("every");
        Recurrence recurrence =
            every == null || every.isNull()
                ? Recurrence.daily()
                : Recurrence.parse(text(body, "every"));
        return new ScheduleRule.TimePlan(name, time, recurrence, outlet, action);
      }
      String c = text(body, "comparison");
      ScheduleRule.Comparison comparison =
          switch (c) {
            case "above" -> ScheduleRule.Comparison.ABOVE;
            case "below" -> ScheduleRule.Comparison.BELOW;
            default ->
                throw new IllegalArgumentException(
                    "comparison must be above or below, got '" + c + "'");
          };
      JsonNode w = body.get("watts");
      if (w == null || !w.isNumber()) {
        throw new IllegalArgumentException("watts must be a number of watts");
      }
      return new ScheduleRule.PowerPlan(name, comparison, w.asDouble(), outlet, action);
    } catch (io.pdu4j.api.InvalidArgumentException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException(field + " must be a string");
    }
    return n.asText();
  }

  private static int integer(JsonNode body, String field, boolean required) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      if (required) {
        throw new IllegalArgumentException(field + " is required");
      }
      return 0;
    }
    if (!n.isIntegralNumber() || !n.canConvertToInt()) {
      throw new IllegalArgumentException(field + " must be a whole number, got " + n);
    }
    return n.asInt();
  }
}

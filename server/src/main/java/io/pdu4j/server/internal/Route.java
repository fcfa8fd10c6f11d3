package io.pdu4j.server.internal;

import io.pdu4j.runtime.config.ApiRole;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One route of the API: its method, its path template ({@code {name}} segments), the role it needs
 * and whether it is a control request (audited).
 *
 * @param method the HTTP method
 * @param template the path, e.g. {@code /api/v1/devices/{name}/outlets/{outlet}/on}
 * @param role the least role that may call it
 * @param control whether it can change something (audited, needs the device's permission)
 */
public record Route(String method, String template, ApiRole role, boolean control) {
  /** Every route of the API, as documented in openapi.json. */
  public static final List<Route> ALL =
      List.of(
          new Route("GET", "/api/v1/openapi.json", ApiRole.VIEWER, false),
          new Route("GET", "/api/v1/devices", ApiRole.VIEWER, false),
          new Route("GET", "/api/v1/devices/{name}", ApiRole.VIEWER, false),
          new Route("GET", "/api/v1/devices/{name}/power", ApiRole.VIEWER, false),
          new Route("POST", "/api/v1/devices/{name}/outlets/{outlet}/on", ApiRole.OPERATOR, true),
          new Route("POST", "/api/v1/devices/{name}/outlets/{outlet}/off", ApiRole.OPERATOR, true),
          new Route(
              "POST", "/api/v1/devices/{name}/outlets/{outlet}/cycle", ApiRole.OPERATOR, true),
          new Route("POST", "/api/v1/devices/{name}/all/on", ApiRole.OPERATOR, true),
          new Route("POST", "/api/v1/devices/{name}/all/off", ApiRole.OPERATOR, true),
          new Route("GET", "/api/v1/groups", ApiRole.VIEWER, false),
          new Route("POST", "/api/v1/groups/{group}/on", ApiRole.OPERATOR, true),
          new Route("POST", "/api/v1/groups/{group}/off", ApiRole.OPERATOR, true),
          new Route("POST", "/api/v1/groups/{group}/cycle", ApiRole.OPERATOR, true),
          new Route("GET", "/api/v1/events", ApiRole.VIEWER, false),
          new Route(
              "GET", "/api/v1/devices/{name}/outlets/{outlet}/settings", ApiRole.VIEWER, false),
          new Route("PUT", "/api/v1/devices/{name}/outlets/{outlet}/settings", ApiRole.ADMIN, true),
          new Route("GET", "/api/v1/devices/{name}/clock", ApiRole.VIEWER, false),
          new Route("PUT", "/api/v1/devices/{name}/clock", ApiRole.ADMIN, true),
          new Route("GET", "/api/v1/devices/{name}/schedule", ApiRole.VIEWER, false),
          new Route("POST", "/api/v1/devices/{name}/schedule", ApiRole.ADMIN, true),
          new Route("DELETE", "/api/v1/devices/{name}/schedule", ApiRole.ADMIN, true),
          new Route("POST", "/api/v1/devices/{name}/restart", ApiRole.ADMIN, true));

  /** The last segment of the template: the action of a control route ({@code on}, …). */
  public String action() {
    return template.substring(template.lastIndexOf('/') + 1);
  }

  /**
   * The action an audit line names: the last segment for a POST ({@code on}, {@code restart}),
   * {@code set-settings} or {@code set-clock} for a PUT, {@code add-schedule} and {@code
   * clear-schedule} for the schedule.
   */
  public String auditAction() {
    String a = action();
    return switch (method) {
      case "PUT" -> "set-" + a;
      case "DELETE" -> "clear-" + a;
      default -> a.equals("schedule") ? "add-schedule" : a;
    };
  }

  /** The template's parameters bound to the decoded segments, when {@code segments} match it. */
  Optional<Map<String, String>> match(List<String> segments) {
    String[] parts = template.substring(1).split("/");
    if (parts.length != segments.size()) {
      return Optional.empty();
    }
    Map<String, String> params = new java.util.HashMap<>();
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i];
      if (p.startsWith("{")) {
        if (segments.get(i).isEmpty()) {
          return Optional.empty();
        }
        params.put(p.substring(1, p.length() - 1), segments.get(i));
      } else if (!p.equals(segments.get(i))) {
        return Optional.empty();
      }
    }
    return Optional.of(params);
  }
}

package io.pdu4j.server;

import java.util.Objects;

/**
 * What a plain route of the server answers ({@link ControlServer.Builder#route}).
 *
 * @param status the HTTP status
 * @param contentType the media type, e.g. {@code text/plain; charset=utf-8}
 * @param body the body, sent as UTF-8
 */
public record TextResponse(int status, String contentType, String body) {
  /** Validates that nothing is null and that the status is an HTTP one. */
  public TextResponse {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
  }
}

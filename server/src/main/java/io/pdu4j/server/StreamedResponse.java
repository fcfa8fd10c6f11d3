package io.pdu4j.server;

import java.io.InputStream;
import java.util.Objects;

/**
 * What a streamed route of the server answers ({@link ControlServer.Builder#streamedRoute}): a body
 * read and sent a chunk at a time, without a {@code Content-Length}, gzip-compressed when the
 * request's {@code Accept-Encoding} allows it.
 *
 * @param status the HTTP status
 * @param contentType the media type, e.g. {@code text/plain; charset=utf-8}
 * @param body the body; the server reads it to its end (not at all for {@code HEAD}) and closes it.
 *     Its reads should not wait for I/O: they run on the server's threads
 */
public record StreamedResponse(int status, String contentType, InputStream body) {
  /** Validates that nothing is null and that the status is an HTTP one. */
  public StreamedResponse {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
  }
}

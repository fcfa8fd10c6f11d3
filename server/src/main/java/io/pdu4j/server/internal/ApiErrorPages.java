package io.pdu4j.server.internal;

import io.pdu4j.runtime.json.DeviceJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers in the API's JSON shape {@code {"error", "message", "device", "sent",
 * "received"}}: a request Jetty refuses before any handler sees it (a request line that is not
 * HTTP, a bad URI, a URI or headers too large) or an error of a request to the API. Other paths
 * keep Jetty's plain answers.
 */
final class ApiErrorPages extends ErrorHandler {
  private static final String JSON_TYPE = "application/json";

  /** Whether an error of this request is answered as the API's JSON. */
  private final Predicate<Request> json;

  ApiErrorPages(Predicate<Request> json) {
    this.json = json;
    setShowStacks(false);
    setShowCauses(false);
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback)
      throws IOException {
    if (!json.test(request)) {
      super.generateResponse(request, response, code, message, cause, callback);
      return;
    }
    byte[] body = body(code, message);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON_TYPE);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  static byte[] body(int status, String reason) {
    ApiError e = ApiError.of(status, kind(status), message(status, reason));
    return (DeviceJson.write(e.json()) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** The error kind of a status Jetty answers by itself, in the API's vocabulary. */
  static String kind(int status) {
    return switch (status) {
      case 400, 413, 414, 431, 505 -> "invalid_argument";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 503 -> "unavailable";
      default -> status >= 500 ? "internal" : "invalid_argument";
    };
  }

  private static String message(int status, String reason) {
    String what =
        switch (status) {
          case 400 -> "the request is not valid HTTP (request line, URI or headers)";
          case 413 -> "the request body is too large";
          case 414 -> "the request URI is too long (at most 8 KiB with the headers)";
          case 431 -> "the request headers are too large (at most 8 KiB with the request line)";
          case 404 -> "no such path; see /api/v1/openapi.json";
          case 405 -> "method not allowed here";
          case 503 -> "the server is stopping or too busy";
          case 505 -> "the request's HTTP version is not supported; send HTTP/1.1";
          default -> "HTTP status " + status;
        };
    String detail = safe(reason);
    return detail == null ? what : what + ": " + detail;
  }

  /**
   * Jetty's reason when short and plain (e.g. {@code Illegal character CNTL=0x0}): its parser's
   * reasons name the fault, not the content, but an overlong or odd one is left out anyway.
   */
  private static String safe(String reason) {
    if (reason == null || reason.isBlank() || reason.length() > 80) {
      return null;
    }
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return null;
      }
    }
    return reason;
  }
}

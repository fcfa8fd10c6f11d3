package io.pdu4j.server.internal;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Reads what is left of a request's body before the last write of its answer, so that the
 * connection stays open for the client's next request after an answer that did not need the body: a
 * refusal (401, 403, 404, 405, 409, 503) or a route that takes none.
 *
 * <p>Without it, Jetty, once the answer is complete, reads only the part of the body that has
 * already arrived; when the rest comes later (a client writes the head and the body apart, and a
 * refusal can be answered before the body is there) Jetty closes the connection after the answer,
 * which it sent without {@code Connection: close}. A client that keeps connections open then sends
 * its next request on one the server is closing and gets no answer; Java's HttpClient tries such a
 * request again only when it is a GET or HEAD, not a PUT or POST.
 *
 * <p>The body read is bounded by the {@link org.eclipse.jetty.server.handler.SizeLimitHandler}
 * around this handler; if reading it fails (too large, the client went) the answer says {@code
 * Connection: close}, as the connection is closed after it. A request that expects {@code 100
 * Continue} is left unread: its client has not sent the body and need not, and Jetty answers it
 * with {@code Connection: close} itself.
 */
final class UnreadBodies extends Handler.Wrapper {

  UnreadBodies(Handler handler) {
    super(handler);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (request.getLength() == 0
        || request.getHeaders().contains(HttpHeader.EXPECT, HttpHeaderValue.CONTINUE.asString())) {
      return super.handle(request, response, callback);
    }
    return super.handle(request, new Reading(request, response), callback);
  }

  /** The response whose last write waits for the end of the request's body. */
  private static final class Reading extends Response.Wrapper {
    Reading(Request request, Response response) {
      super(request, response);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      if (!last) {
        super.write(false, content, callback);
        return;
      }
      Content.Source.consumeAll(
          getRequest(),
          Callback.from(
              () -> super.write(true, content, callback),
              failure -> {
                if (!isCommitted()) {
                  getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
                }
                super.write(true, content, callback);
              }));
    }
  }
}

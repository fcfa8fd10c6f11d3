package io.pdu4j.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The web dashboard's files, served on the API listener: the page at {@code /}, its script and
 * style under {@code /ui/}, and uPlot's from its WebJar under {@code /ui/uplot/VERSION/}. They hold
 * no data (everything comes from the token-protected API), so they are public. Read once from the
 * class path when the server starts; a few tens of KB in all.
 *
 * <p>Our own files are sent with {@code Cache-Control: no-cache} (a new version shows at once);
 * uPlot's, whose path carries its version, may be cached for a year. Every answer forbids content
 * sniffing and framing, and the page's Content-Security-Policy allows scripts, styles and
 * connections to this server only.
 */
final class DashboardFiles {
  /** uPlot's version, as pinned in the parent POM (the WebJar's directory). */
  static final String UPLOT_VERSION = "1.6.30";

  private static final String UPLOT_JAR_DIR =
      "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";
  private static final String OWN_DIR = "/io/pdu4j/server/ui/";
  private static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'";

  private record File(byte[] body, String type, String cache) {}

  private final Map<String, File> files = new LinkedHashMap<>();

  DashboardFiles() {
    File page = own("index.html", "text/html; charset=utf-8");
    files.put("/", page);
    files.put("/index.html", page);
    files.put("/ui/dashboard.js", own("dashboard.js", "text/javascript; charset=utf-8"));
    files.put("/ui/dashboard.css", own("dashboard.css", "text/css; charset=utf-8"));
    String cached = "public, max-age=31536000, immutable";
    String uplot = "/ui/uplot/" + UPLOT_VERSION + "/";
    files.put(
        uplot + "uPlot.iife.min.js",
        new File(
            read(UPLOT_JAR_DIR + "uPlot.iife.min.js"), "text/javascript; charset=utf-8", cached));
    files.put(
        uplot + "uPlot.min.css",
        new File(read(UPLOT_JAR_DIR + "uPlot.min.css"), "text/css; charset=utf-8", cached));
  }

  private static File own(String name, String type) {
    return new File(read(OWN_DIR + name), type, "no-cache");
  }

  private static byte[] read(String resource) {
    try (InputStream in = DashboardFiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "the dashboard's " + resource + " is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the dashboard's " + resource, e);
    }
  }

  /** Whether {@code path} is one of the dashboard's. */
  boolean serves(String path) {
    return files.containsKey(path);
  }

  /** Answers a request for one of the dashboard's paths: GET and HEAD, else 405. */
  void handle(Request request, Response response, Callback callback, String path) {
    File f = files.get(path);
    String method = request.getMethod();
    var headers = response.getHeaders();
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("Referrer-Policy", "no-referrer");
    if (!method.equals("GET") && !method.equals("HEAD")) {
      byte[] body = "method not allowed\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      response.setStatus(405);
      headers.put(HttpHeader.ALLOW, "GET, HEAD");
      headers.put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      headers.put(HttpHeader.CONTENT_LENGTH, body.length);
      response.write(true, ByteBuffer.wrap(body), callback);
      return;
    }
    response.setStatus(200);
    headers.put(HttpHeader.CONTENT_TYPE, f.type());
    headers.put(HttpHeader.CACHE_CONTROL, f.cache());
    headers.put(HttpHeader.CONTENT_LENGTH, f.body().length);
    if (f.type().startsWith("text/html")) {
      headers.put("Content-Security-Policy", CSP);
      headers.put("X-Frame-Options", "DENY");
    }
    boolean head = method.equals("HEAD");
    response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(f.body()), callback);
  }
}

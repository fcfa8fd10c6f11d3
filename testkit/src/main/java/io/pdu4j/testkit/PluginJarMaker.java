package io.pdu4j.testkit;

import io.pdu4j.spi.PowerDriver;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles Java sources against pdu4j-api and packs them into a jar that is on no class path, so
 * that only a plugin class loader can load its classes: for testing how plugins are loaded.
 */
public final class PluginJarMaker {
  private PluginJarMaker() {}

  /**
   * A jar of the classes compiled from {@code sources} (class name to source), with the given
   * service files (service name to content) and {@code Implementation-Version} when not null.
   */
  public static Path jar(
      Path work,
      String jarName,
      Map<String, String> sources,
      Map<String, String> services,
      String version)
      throws IOException {
    Path src = Files.createTempDirectory(work, "src");
    Path classes = Files.createTempDirectory(work, "classes");
    List<String> args = new java.util.ArrayList<>();
    args.addAll(List.of("-d", classes.toString(), "-classpath", apiLocation(), "--release", "17"));
    for (Map.Entry<String, String> e : sources.entrySet()) {
      Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int rc = javac.run(null, null, null, args.toArray(String[]::new));
    if (rc != 0) {
      throw new IllegalStateException("javac failed: " + rc);
    }
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (version != null) {
      manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
    }
    Path jar = work.resolve(jarName);
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream zip = new JarOutputStream(out, manifest);
        Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        zip.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        zip.write(Files.readAllBytes(f));
        zip.closeEntry();
      }
      for (Map.Entry<String, String> e : services.entrySet()) {
        zip.putNextEntry(new JarEntry("META-INF/services/" + e.getKey()));
        zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return jar;
  }

  private static String apiLocation() {
    try {
      return Path.of(PowerDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new UncheckedIOException(new IOException(e));
    }
  }

  /** A driver's source: code {@code code}, opening nothing; its constructor throws when asked. */
  public static String driverSource(String className, String code, boolean throwInConstructor) {
    int dot = className.lastIndexOf('.');
    return "package "
        + className.substring(0, dot)
        + ";\n"
        + "import io.pdu4j.api.PowerDevice;\n"
        + "import io.pdu4j.spi.*;\n"
        + "import io.pdu4j.spi.transport.*;\n"
        + "import java.util.concurrent.*;\n"
        + "public final class "
        + className.substring(dot + 1)
        + " implements PowerDriver {\n"
        + "  public "
        + className.substring(dot + 1)
        + "() {"
        + (throwInConstructor ? " if (true) throw new IllegalStateException(\"no licence\");" : "")
        + " }\n"
        + "  public String code() { return \""
        + code
        + "\"; }\n"
        + "  public String vendor() { return \"Plug Co\"; }\n"
        + "  public String description() { return \"a test plugin\"; }\n"
        + "  public LinkRequirements requirements(DeviceAddress a) { return LinkRequirements.stream(7); }\n"
        + "  public CompletionStage<PowerDevice> open(DriverContext c) {\n"
        + "    return CompletableFuture.failedFuture(new IllegalStateException(\"no device\"));\n"
        + "  }\n"
        + "}\n";
  }

  /** Where a broken plugin's provider throws. */
  public enum Throws {
    /** From its static initializer, when the class is first made. */
    STATIC_INIT,
    /** From its constructor. */
    CONSTRUCTOR,
    /** From {@code code()} (a driver) or {@code scheme()} (a transport). */
    CODE,
    /** From {@code open} (a driver) or {@code create} (a transport), when a device is opened. */
    OPEN
  }

  /**
   * A driver's source that throws {@code throwable} (a Java expression, e.g. {@code new
   * AssertionError("boom")}) at {@code where}, and otherwise works like {@link #driverSource}.
   */
  public static String brokenDriverSource(
      String className, String code, Throws where, String throwable) {
    int dot = className.lastIndexOf('.');
    String simple = className.substring(dot + 1);
    String raise = " if (always()) throw " + throwable + "; ";
    return "package "
        + className.substring(0, dot)
        + ";\n"
        + "import io.pdu4j.api.PowerDevice;\n"
        + "import io.pdu4j.spi.*;\n"
        + "import io.pdu4j.spi.transport.*;\n"
        + "import java.util.concurrent.*;\n"
        + "public final class "
        + simple
        + " implements PowerDriver {\n"
        + "  static boolean always() { return true; }\n"
        + "  static {"
        + (where == Throws.STATIC_INIT ? raise : "")
        + "}\n"
        + "  public "
        + simple
        + "() {"
        + (where == Throws.CONSTRUCTOR ? raise : "")
        + "}\n"
        + "  public String code() {"
        + (where == Throws.CODE ? raise : "")
        + " return \""
        + code
        + "\"; }\n"
        + "  public String vendor() { return \"Plug Co\"; }\n"
        + "  public String description() { return \"a broken test plugin\"; }\n"
        + "  public LinkRequirements requirements(DeviceAddress a) {"
        + " return LinkRequirements.stream(7); }\n"
        + "  public CompletionStage<PowerDevice> open(DriverContext c) {"
        + (where == Throws.OPEN ? raise : "")
        + "\n    return CompletableFuture.failedFuture(new IllegalStateException(\"no device\"));\n"
        + "  }\n"
        + "}\n";
  }

  /**
   * A transport's source that throws {@code throwable} (a Java expression) at {@code where}; its
   * {@code create} otherwise fails with an {@code UnsupportedOperationException}.
   */
  public static String brokenTransportSource(
      String className, String scheme, Throws where, String throwable) {
    int dot = className.lastIndexOf('.');
    String simple = className.substring(dot + 1);
    String raise = " if (always()) throw " + throwable + "; ";
    return "package "
        + className.substring(0, dot)
        + ";\n"
        + "import io.pdu4j.spi.*;\n"
        + "import io.pdu4j.spi.transport.*;\n"
        + "public final class "
        + simple
        + " implements TransportProvider {\n"
        + "  static boolean always() { return true; }\n"
        + "  static {"
        + (where == Throws.STATIC_INIT ? raise : "")
        + "}\n"
        + "  public "
        + simple
        + "() {"
        + (where == Throws.CONSTRUCTOR ? raise : "")
        + "}\n"
        + "  public String scheme() {"
        + (where == Throws.CODE ? raise : "")
        + " return \""
        + scheme
        + "\"; }\n"
        + "  public String description() { return \"a broken test transport\"; }\n"
        + "  public Link create(DeviceAddress a, TransportContext c) {"
        + (where == Throws.OPEN ? raise : "")
        + "\n    throw new UnsupportedOperationException(\"no link\");\n"
        + "  }\n"
        + "}\n";
  }
}

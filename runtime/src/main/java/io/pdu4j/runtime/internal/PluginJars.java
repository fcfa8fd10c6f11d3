package io.pdu4j.runtime.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plugin jars: every {@code *.jar} of one directory, each in its own {@link URLClassLoader} whose
 * parent is the runtime's class loader, with the drivers and transports its {@code
 * META-INF/services} files name.
 *
 * <p>The service files are read from the jar alone (not from the parent, whose providers the
 * runtime's own {@link java.util.ServiceLoader} already found), and each provider is loaded and
 * made on its own, so that one bad class costs its jar one provider, not the runtime its start. A
 * jar that is not a zip, a class that is missing, is not a provider or throws while being made is a
 * {@link Problem}, logged and skipped. {@link #close()} closes the class loaders.
 *
 * <p>"Throws" means any {@link Throwable}: an exception, an {@link ExceptionInInitializerError}, an
 * {@link AssertionError}, a {@link StackOverflowError}, even an {@link OutOfMemoryError} or another
 * {@link VirtualMachineError}. The runtime cannot tell one a plugin threw on purpose, or a deep
 * recursion that has unwound by the time it is caught, from a JVM in trouble, and a broken plugin
 * must not take the built-in drivers down with it; a JVM that really ran out of memory is best
 * ended by the JVM itself ({@code -XX:+ExitOnOutOfMemoryError}, which acts before any catch), see
 * docs/plugins.md.
 */
public final class PluginJars implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginJars.class);

  /**
   * The jar a provider came from.
   *
   * @param path the jar
   * @param version its manifest's {@code Implementation-Version}, or {@code unknown}
   */
  public record Jar(Path path, String version) {
    /** Validates that nothing is null. */
    public Jar {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(version, "version");
    }
  }

  /**
   * A plugin jar, or one provider of it, that was skipped.
   *
   * @param path the jar (or the directory, when that could not be read)
   * @param message what went wrong
   */
  public record Problem(Path path, String message) {
    /** Validates that nothing is null. */
    public Problem {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * A provider made from a plugin jar.
   *
   * @param provider the instance
   * @param jar where it came from
   * @param <T> the service type
   */
  public record Loaded<T>(T provider, Jar jar) {}

  private record Opened(Jar jar, URLClassLoader loader) {}

  private final List<Opened> jars;
  private final List<Problem> problems = Collections.synchronizedList(new ArrayList<>());

  private PluginJars(List<Opened> jars) {
    this.jars = jars;
  }

  /** No plugins. */
  public static PluginJars none() {
    return new PluginJars(List.of());
  }

  /**
   * Opens every {@code *.jar} in {@code directory} (sorted by name, not recursive). Never throws: a
   * directory that cannot be read is a problem.
   */
  public static PluginJars open(Path directory, ClassLoader parent) {
    List<Path> paths = new ArrayList<>();
    List<Problem> early = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      early.add(
          new Problem(directory, "the plugin directory does not exist or is not a directory"));
    } else {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(directory, "*.jar")) {
        s.forEach(p -> paths.add(p.toAbsolutePath().normalize()));
      } catch (IOException | RuntimeException e) {
        early.add(new Problem(directory, "cannot list the plugin directory: " + e));
      }
    }
    Collections.sort(paths);
    List<Opened> opened = new ArrayList<>();
    for (Path path : paths) {
      String version;
      try (JarFile jar = new JarFile(path.toFile())) {
        Manifest manifest = jar.getManifest();
        String v =
            manifest == null
                ? null
                : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
        version = v == null || v.isBlank() ? "unknown" : v.strip();
      } catch (IOException | RuntimeException e) {
        early.add(new Problem(path, "not a readable jar: " + e));
        continue;
      }
      URL url;
      try {
        url = path.toUri().toURL();
      } catch (MalformedURLException e) {
        early.add(new Problem(path, "cannot make a URL of it: " + e));
        continue;
      }
      URLClassLoader loader =
          new URLClassLoader("pdu4j-plugin:" + path.getFileName(), new URL[] {url}, parent);
      opened.add(new Opened(new Jar(path, version), loader));
    }
    PluginJars result = new PluginJars(List.copyOf(opened));
    early.forEach(result::problem);
    return result;
  }

  /** Records and logs a problem. */
  public void problem(Problem problem) {
    LOG.warn("plugin {} skipped: {}", problem.path(), problem.message());
    problems.add(problem);
  }

  /** The problems so far, in the order they were found. */
  public List<Problem> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  /** The jars opened (readable zips), sorted by path. */
  public List<Jar> jars() {
    return jars.stream().map(Opened::jar).toList();
  }

  /**
   * Makes the providers of {@code service} that the jars' own service files name; what fails is a
   * problem.
   *
   * @param kind {@code driver} or {@code transport}, for messages
   */
  public <T> List<Loaded<T>> providers(Class<T> service, String kind) {
    List<Loaded<T>> result = new ArrayList<>();
    String resource = "META-INF/services/" + service.getName();
    for (Opened o : jars) {
      for (String name : serviceNames(o, resource)) {
        try {
          Class<?> type = Class.forName(name, false, o.loader());
          if (!service.isAssignableFrom(type)) {
            problem(
                new Problem(
                    o.jar().path(),
                    kind + " " + name + " does not implement " + service.getName()));
            continue;
          }
          Object instance = type.getConstructor().newInstance();
          result.add(new Loaded<>(service.cast(instance), o.jar()));
        } catch (InvocationTargetException e) {
          problem(
              new Problem(
                  o.jar().path(),
                  kind + " " + name + " failed to start: " + describe(e.getCause())));
        } catch (Throwable e) { // whatever a plugin throws, see the class comment
          problem(
              new Problem(o.jar().path(), "cannot load " + kind + " " + name + ": " + describe(e)));
        }
      }
    }
    return result;
  }

  /**
   * What a plugin threw, for a message: the throwable, and its cause when it wraps one (an {@link
   * ExceptionInInitializerError} says little by itself).
   */
  public static String describe(Throwable t) {
    Throwable cause = t.getCause();
    return cause == null || cause == t ? String.valueOf(t) : t + ", caused by " + cause;
  }

  private Set<String> serviceNames(Opened o, String resource) {
    Set<String> names = new LinkedHashSet<>();
    try {
      Enumeration<URL> urls = o.loader().findResources(resource);
      while (urls.hasMoreElements()) {
        URL url = urls.nextElement();
        try (BufferedReader r =
            new BufferedReader(new InputStreamReader(url.openStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            int hash = line.indexOf('#');
            String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (!name.isEmpty()) {
              names.add(name);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      problem(new Problem(o.jar().path(), "cannot read " + resource + ": " + e));
    }
    return names;
  }

  /** Closes the class loaders (classes already loaded keep working). Idempotent. */
  @Override
  public void close() {
    for (Opened o : jars) {
      try {
        o.loader().close();
      } catch (IOException e) {
        LOG.debug("closing the class loader of {} failed: {}", o.jar().path(), e.toString());
      }
    }
  }
}

package io.pdu4j.runtime.internal;

import io.pdu4j.api.PowerDeviceException;
import java.net.URL;
import java.security.CodeSource;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drivers (or transports) the runtime knows, by code: those embedded through the builder or a
 * Guice multibinding, then those {@link ServiceLoader} finds. Two with one code are refused, and
 * the error names both and where each came from, so that an operator can tell which jar to remove.
 *
 * @param <T> {@link io.pdu4j.spi.PowerDriver} or {@link io.pdu4j.spi.transport.TransportProvider}
 */
public final class ProviderRegistry<T> {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderRegistry.class);
  // the same shape DeviceAddress accepts, so that every registered code can be addressed
  private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9+.-]{0,31}");

  /**
   * One registered provider.
   *
   * @param code its code (driver code or transport scheme)
   * @param provider the instance
   * @param type its class
   * @param location where its class came from, when known
   * @param embedded whether it was added in code rather than found by {@link ServiceLoader}
   * @param plugin the plugin jar it came from, when it came from one
   * @param <T> the provider type
   */
  public record Entry<T>(
      String code,
      T provider,
      Class<?> type,
      Optional<String> location,
      boolean embedded,
      Optional<PluginJars.Jar> plugin) {
    /** The class and where it came from, for messages. */
    public String origin() {
      String where = location.orElse("an unknown location");
      if (plugin.isPresent()) {
        return type.getName() + " from plugin " + plugin.get().path();
      }
      return embedded
          ? type.getName() + " (embedded, class from " + where + ")"
          : type.getName() + " from " + where;
    }
  }

  private final String kind;
  private final Map<String, Entry<T>> byCode;

  private ProviderRegistry(String kind, Map<String, Entry<T>> byCode) {
    this.kind = kind;
    this.byCode = Collections.unmodifiableMap(byCode);
  }

  /**
   * Registers the embedded providers, then (when {@code loadServices}) those {@link ServiceLoader}
   * finds.
   *
   * @param kind {@code driver} or {@code transport}, for messages
   * @param codeWord {@code code} or {@code scheme}, for messages
   * @throws PowerDeviceException on a clash, a bad code or a provider that cannot be loaded
   */
  public static <T> ProviderRegistry<T> load(
      String kind,
      String codeWord,
      Class<T> service,
      Function<T, String> codeOf,
      Collection<? extends T> embedded,
      ClassLoader loader,
      boolean loadServices) {
    return load(kind, codeWord, service, codeOf, embedded, loader, loadServices, PluginJars.none());
  }

  /**
   * Registers the embedded providers, then (when {@code loadServices}) those {@link ServiceLoader}
   * finds, then those of the plugin jars. A plugin provider that clashes or has a bad code is not a
   * failure: it is reported to {@code plugins} as a problem and skipped.
   *
   * @throws PowerDeviceException on a clash, a bad code or a provider that cannot be loaded, among
   *     the embedded and class path providers
   */
  public static <T> ProviderRegistry<T> load(
      String kind,
      String codeWord,
      Class<T> service,
      Function<T, String> codeOf,
      Collection<? extends T> embedded,
      ClassLoader loader,
      boolean loadServices,
      PluginJars plugins) {
    Map<String, Entry<T>> byCode = new TreeMap<>();
    for (T provider : embedded) {
      add(byCode, kind, codeWord, codeOf, provider, provider.getClass(), true, null);
    }
    if (loadServices) {
      try {
        for (ServiceLoader.Provider<T> p :
            (Iterable<ServiceLoader.Provider<T>>)
                ServiceLoader.load(service, loader).stream()::iterator) {
          Class<? extends T> type = p.type();
          T provider;
          try {
            provider = p.get();
          } catch (ServiceConfigurationError | RuntimeException e) {
            throw new PowerDeviceException(
                "cannot instantiate "
                    + kind
                    + " "
                    + type.getName()
                    + " from "
                    + location(type).orElse("an unknown location")
                    + ": "
                    + e.getMessage(),
                e);
          }
          add(byCode, kind, codeWord, codeOf, provider, type, false, null);
        }
      } catch (ServiceConfigurationError e) {
        throw new PowerDeviceException(
            "cannot load the "
                + kind
                + "s listed in META-INF/services/"
                + service.getName()
                + ": "
                + e.getMessage(),
            e);
      }
    }
    for (PluginJars.Loaded<T> p : plugins.providers(service, kind)) {
      try {
        Entry<T> e =
            add(
                byCode,
                kind,
                codeWord,
                codeOf,
                p.provider(),
                p.provider().getClass(),
                false,
                p.jar());
        LOG.info(
            "plugin {} '{}' version {} from {}", kind, e.code(), p.jar().version(), p.jar().path());
      } catch (PowerDeviceException e) {
        plugins.problem(new PluginJars.Problem(p.jar().path(), e.getMessage()));
      }
    }
    if (LOG.isDebugEnabled()) {
      byCode.values().forEach(e -> LOG.debug("{} '{}': {}", kind, e.code(), e.origin()));
    }
    return new ProviderRegistry<>(kind, byCode);
  }

  private static <T> Entry<T> add(
      Map<String, Entry<T>> byCode,
      String kind,
      String codeWord,
      Function<T, String> codeOf,
      T provider,
      Class<?> type,
      boolean embedded,
      PluginJars.Jar plugin) {
    Optional<String> location = location(type);
    Entry<T> entry;
    String code;
    try {
      code = codeOf.apply(provider);
    } catch (Throwable e) { // a plugin's code() may throw anything; see PluginJars
      throw new PowerDeviceException(
          kind
              + " "
              + type.getName()
              + " failed to tell its "
              + codeWord
              + ": "
              + PluginJars.describe(e),
          e);
    }
    entry = new Entry<>(code, provider, type, location, embedded, Optional.ofNullable(plugin));
    if (code == null || !CODE.matcher(code).matches()) {
      throw new PowerDeviceException(
          kind
              + " "
              + entry.origin()
              + " has an invalid "
              + codeWord
              + " '"
              + code
              + "' (lower-case letters, digits, '+', '-' and '.', starting with a letter)");
    }
    Entry<T> previous = byCode.putIfAbsent(code, entry);
    if (previous != null) {
      throw new PowerDeviceException(
          "two "
              + kind
              + "s have the "
              + codeWord
              + " '"
              + code
              + "': "
              + previous.origin()
              + ", and "
              + entry.origin()
              + "; remove one of them from the class path (or the builder)");
    }
    return entry;
  }

  private static Optional<String> location(Class<?> type) {
    try {
      CodeSource source = type.getProtectionDomain().getCodeSource();
      URL url = source == null ? null : source.getLocation();
      return Optional.ofNullable(url).map(URL::toString);
    } catch (SecurityException e) {
      return Optional.empty();
    }
  }

  /** The provider with this code. */
  public Optional<T> find(String code) {
    return Optional.ofNullable(byCode.get(code)).map(Entry::provider);
  }

  /** Every entry, sorted by code. */
  public List<Entry<T>> entries() {
    return List.copyOf(byCode.values());
  }

  /** The known codes, sorted. */
  public Set<String> codes() {
    return byCode.keySet();
  }

  /** "known drivers: a, b" or "no drivers are installed", for messages. */
  public String describeKnown() {
    if (byCode.isEmpty()) {
      return "no " + kind + "s are installed (none embedded, none found by ServiceLoader)";
    }
    return "known " + kind + "s: " + String.join(", ", byCode.keySet());
  }
}

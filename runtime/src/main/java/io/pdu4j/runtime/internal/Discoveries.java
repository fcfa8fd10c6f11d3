package io.pdu4j.runtime.internal;

import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.DeviceDiscoverer;
import io.pdu4j.spi.DiscoveryContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Runs the discoverers the runtime found (on the class path and in plugin jars) over one window,
 * and gathers what each found or why it could not look.
 */
public final class Discoveries {
  /**
   * How long after its window a discoverer may take to report before it is given up as timed out: a
   * backstop against one that never completes, well above the time a socket takes to close.
   */
  static final Duration BACKSTOP = Duration.ofSeconds(5);

  /**
   * What a discovery found.
   *
   * @param devices in driver code order, at most the request's maximum
   * @param failures by driver code, in code order
   * @param ignored datagrams no driver could use
   * @param dropped devices beyond the maximum
   */
  public record Outcome(
      List<DeviceDiscoverer.Found> devices,
      Map<String, PowerDeviceException> failures,
      int ignored,
      int dropped) {}

  private Discoveries() {}

  /**
   * Starts every chosen discoverer at once; the stage completes when all have reported (or been
   * given up), never exceptionally for one discoverer's failure. A bad request (an unknown driver,
   * a listener on the port another sends its request to) fails the stage before anything starts.
   */
  static CompletionStage<Outcome> run(
      ProviderRegistry<DeviceDiscoverer> registry,
      Function<String, DiscoveryContext> contexts,
      Set<String> drivers,
      String broadcast,
      Map<String, Integer> ports,
      Duration window,
      int maxDevices) {
    Map<String, DeviceDiscoverer> chosen = new LinkedHashMap<>();
    Map<String, Integer> portOf = new LinkedHashMap<>();
    Map<String, Boolean> sends = new LinkedHashMap<>();
    Map<String, PowerDeviceException> failures = new LinkedHashMap<>();
    try {
      for (String d : drivers) {
        if (registry.find(d).isEmpty()) {
          throw new InvalidArgumentException(
              "no driver named '" + d + "' can discover devices; " + registry.describeKnown());
        }
      }
      for (String d : ports.keySet()) {
        if (registry.find(d).isEmpty()) {
          throw new InvalidArgumentException(
              "a port is given for driver '"
                  + d
                  + "', which cannot discover devices; "
                  + registry.describeKnown());
        }
      }
      for (ProviderRegistry.Entry<DeviceDiscoverer> e : registry.entries()) {
        if (!drivers.isEmpty() && !drivers.contains(e.code())) {
          continue;
        }
        try {
          int own = ports.containsKey(e.code()) ? ports.get(e.code()) : e.provider().defaultPort();
          boolean sendsRequest = e.provider().sendsRequest();
          chosen.put(e.code(), e.provider());
          portOf.put(e.code(), own);
          sends.put(e.code(), sendsRequest);
        } catch (Throwable t) { // a plugin may throw anything; see PluginJars
          failures.put(e.code(), asDeviceException(t, e.code(), broadcast));
        }
      }
      checkNoListenerTakesTheAnswers(portOf, sends);
    } catch (InvalidArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    Duration backstop = window.plus(BACKSTOP);
    Map<String, CompletableFuture<DeviceDiscoverer.Result>> running = new LinkedHashMap<>();
    for (Map.Entry<String, DeviceDiscoverer> e : chosen.entrySet()) {
      String code = e.getKey();
      CompletableFuture<DeviceDiscoverer.Result> f;
      try {
        f =
            e.getValue()
                .discover(
                    new DeviceDiscoverer.Request(broadcast, portOf.get(code), window),
                    contexts.apply(code))
                .toCompletableFuture()
                .copy();
      } catch (Throwable t) { // a plugin may throw anything; see PluginJars
        f = CompletableFuture.failedFuture(t);
      }
      running.put(code, f.orTimeout(backstop.toMillis(), TimeUnit.MILLISECONDS));
    }
    return CompletableFuture.allOf(running.values().toArray(CompletableFuture[]::new))
        .handle(
            (v, ignoredFailure) -> {
              List<DeviceDiscoverer.Found> devices = new ArrayList<>();
              int ignored = 0;
              int dropped = 0;
              for (Map.Entry<String, CompletableFuture<DeviceDiscoverer.Result>> e :
                  running.entrySet()) {
                String code = e.getKey();
                DeviceDiscoverer.Result r;
                try {
                  r = e.getValue().join();
                } catch (Throwable t) {
                  Throwable cause = PowerDeviceException.unwrap(t);
                  failures.put(
                      code,
                      cause instanceof TimeoutException
                          ? new DeviceTimeoutException(
                              "no result within "
                                  + Durations.format(backstop)
                                  + " while discovering "
                                  + code
                                  + " devices",
                              broadcast,
                              null,
                              null,
                              null)
                          : asDeviceException(cause, code, broadcast));
                  continue;
                }
                if (r == null) {
                  failures.put(
                      code,
                      new PowerDeviceException(
                          "the " + code + " discoverer completed with no result",
                          broadcast,
                          null,
                          null,
                          null));
                  continue;
                }
                ignored += r.ignored();
                for (DeviceDiscoverer.Found found : r.devices()) {
                  if (devices.size() < maxDevices) {
                    devices.add(found);
                  } else {
                    dropped++;
                  }
                }
              }
              Map<String, PowerDeviceException> inOrder = new LinkedHashMap<>();
              registry.codes().stream()
                  .filter(failures::containsKey)
                  .forEach(c -> inOrder.put(c, failures.get(c)));
              return new Outcome(devices, inOrder, ignored, dropped);
            });
  }

  /**
   * A listener must not bind the port a request goes to: it would take the answers (see {@link
   * DeviceDiscoverer#sendsRequest()}).
   */
  private static void checkNoListenerTakesTheAnswers(
      Map<String, Integer> portOf, Map<String, Boolean> sends) {
    for (Map.Entry<String, Integer> listener : portOf.entrySet()) {
      if (sends.get(listener.getKey())) {
        continue;
      }
      for (Map.Entry<String, Integer> sender : portOf.entrySet()) {
        if (sends.get(sender.getKey()) && listener.getValue().equals(sender.getValue())) {
          throw new InvalidArgumentException(
              listener.getKey()
                  + " would listen on port "
                  + listener.getValue()
                  + ", where "
                  + sender.getKey()
                  + " sends its request, and take the answers; give them different ports");
        }
      }
    }
  }

  /** The failure as the project's exception, with the discoverer's own one kept as it is. */
  private static PowerDeviceException asDeviceException(
      Throwable t, String code, String broadcast) {
    if (t instanceof PowerDeviceException e) {
      return e;
    }
    return new PowerDeviceException(
        "discovering " + code + " devices failed: " + PluginJars.describe(t),
        broadcast,
        null,
        null,
        t);
  }
}

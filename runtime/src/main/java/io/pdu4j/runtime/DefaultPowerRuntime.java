package io.pdu4j.runtime;

import com.google.inject.Inject;
import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.config.DeviceConfig;
import io.pdu4j.runtime.history.PowerHistory;
import io.pdu4j.runtime.internal.RuntimeCore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link PowerRuntime} Guice builds: a thin face over {@link RuntimeCore}, kept in this package
 * so that the internal package never depends on the public one (no package cycle).
 */
final class DefaultPowerRuntime implements PowerRuntime {
  private final RuntimeCore core;

  @Inject
  DefaultPowerRuntime(RuntimeCore core) {
    this.core = core;
  }

  @Override
  public PowerDevice open(String uri) {
    return core.open(uri);
  }

  @Override
  public CompletionStage<PowerDevice> openAsync(String uri) {
    return core.openAsync(uri);
  }

  @Override
  public PowerDevice open(DeviceConfig device) {
    return core.open(device.address(), device.name());
  }

  @Override
  public CompletionStage<PowerDevice> openAsync(DeviceConfig device) {
    return core.openAsync(device.address(), device.name());
  }

  @Override
  public SupervisedDevice supervise(DeviceConfig device) {
    return new DefaultSupervisedDevice(core.supervise(device.name(), device.address()), core);
  }

  @Override
  public List<SupervisedDevice> supervised() {
    return core.supervisors().stream()
        .map(s -> (SupervisedDevice) new DefaultSupervisedDevice(s, core))
        .toList();
  }

  @Override
  public List<PowerDevice> devices() {
    return core.devices();
  }

  @Override
  public PowerHistory powerHistory(String device) {
    return core.powerHistory(device);
  }

  @Override
  public List<DriverInfo> drivers() {
    return core.drivers().stream()
        .map(
            e ->
                new DriverInfo(
                    e.code(),
                    ask(e.provider()::vendor),
                    ask(e.provider()::description),
                    e.type().getName(),
                    e.location(),
                    e.embedded(),
                    e.plugin().map(j -> new PluginSource(j.path(), j.version()))))
        .toList();
  }

  @Override
  public List<TransportInfo> transports() {
    return core.transports().stream()
        .map(
            e ->
                new TransportInfo(
                    e.code(),
                    ask(e.provider()::description),
                    e.type().getName(),
                    e.location(),
                    e.embedded(),
                    e.plugin().map(j -> new PluginSource(j.path(), j.version()))))
        .toList();
  }

  @Override
  public CompletionStage<DiscoveryResult> discover(DiscoveryRequest request) {
    if (request == null) {
      return CompletableFuture.failedFuture(
          new io.pdu4j.api.InvalidArgumentException("a discovery request is required"));
    }
    return core.discover(
            request.drivers(),
            request.broadcast(),
            request.ports(),
            request.window(),
            request.maxDevices())
        .thenApply(o -> new DiscoveryResult(o.devices(), o.failures(), o.ignored(), o.dropped()));
  }

  @Override
  public List<DiscovererInfo> discoverers() {
    List<DiscovererInfo> list = new ArrayList<>();
    for (var e : core.discoverers()) {
      int port;
      boolean sends;
      try {
        port = e.provider().defaultPort();
        sends = e.provider().sendsRequest();
      } catch (Throwable t) { // whatever a plugin throws; see PluginJars
        continue; // discover() reports it as that driver's failure
      }
      list.add(
          new DiscovererInfo(
              e.code(),
              port,
              sends,
              e.type().getName(),
              e.plugin().map(j -> new PluginSource(j.path(), j.version()))));
    }
    return List.copyOf(list);
  }

  /** What a provider says of itself; a plugin that throws here does not stop a listing. */
  private static String ask(java.util.function.Supplier<String> what) {
    try {
      return String.valueOf(what.get());
    } catch (Throwable t) { // whatever a plugin throws; see PluginJars
      return "(failed: " + t + ")";
    }
  }

  @Override
  public List<PluginProblem> pluginProblems() {
    return core.pluginProblems().stream()
        .map(p -> new PluginProblem(p.path(), p.message()))
        .toList();
  }

  @Override
  public DeviceOptions defaults() {
    return core.defaults();
  }

  @Override
  public boolean isClosed() {
    return core.isClosed();
  }

  @Override
  public void close() {
    core.close();
  }

  @Override
  public String toString() {
    return core.toString();
  }
}

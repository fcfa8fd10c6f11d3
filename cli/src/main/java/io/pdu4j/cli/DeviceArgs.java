package io.pdu4j.cli;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.Durations;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.runtime.PluginProblem;
import io.pdu4j.runtime.PowerRuntime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** The arguments every device command shares: the address and {@code --timeout}. */
final class DeviceArgs {
  @Parameters(
      index = "0",
      paramLabel = "URI",
      description =
          "The device's address, e.g. isotek:tcp://10.0.0.5:501 (with --server, where the"
              + " command takes it: a device name from the server's configuration).")
  String uri;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "How long connecting and each command may take (e.g. 5s, 500ms, PT5S; default 5s);"
              + " opening the device may take twice that.")
  Duration timeout;

  @Option(
      names = "--plugins",
      paramLabel = "DIR",
      description =
          "A directory of plugin jars: drivers and transports besides the built-in ones"
              + " (see docs/plugins.md).")
  Path plugins;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The device options this invocation runs with. */
  DeviceOptions options() {
    DeviceOptions d = DeviceOptions.defaults();
    if (timeout == null) {
      return d;
    }
    // the defaults are 5 s per step and 10 s to be ready (connect + first status): keep that shape
    return new DeviceOptions(
        timeout,
        timeout,
        timeout.multipliedBy(2),
        d.queueCapacity(),
        d.maxFrameLength(),
        d.pollInterval(),
        d.staleAfter());
  }

  /**
   * A runtime for one device; the caller closes it. Wired without Guice: a command that opens one
   * device and exits would spend more time creating the injector than talking to the device.
   */
  PowerRuntime runtime() {
    return runtime(command != null ? command.commandLine().getErr() : null);
  }

  /** A runtime for one device, plugin jars it skipped told on {@code err} (none: not told). */
  PowerRuntime runtime(PrintWriter err) {
    PowerRuntime.Builder builder = PowerRuntime.builder().defaults(options()).ioThreads(1);
    if (plugins != null) {
      builder.pluginDirectory(plugins);
    }
    PowerRuntime runtime = builder.buildWithoutInjector();
    if (err != null) {
      reportPlugins(runtime, err);
    }
    return runtime;
  }

  /** Tells the user which plugin jars were skipped, and why. */
  static void reportPlugins(PowerRuntime runtime, PrintWriter err) {
    for (PluginProblem p : runtime.pluginProblems()) {
      err.println(
          "pdu4j: plugin "
              + TerminalText.safe(String.valueOf(p.jar()))
              + " skipped: "
              + TerminalText.safeLines(p.message()));
    }
    err.flush();
  }

  /**
   * Waits for a device operation. The driver fails it with its own timeout first; this is a
   * backstop against a stage that never completes.
   */
  <T> T await(CompletionStage<T> stage, String what, String device) {
    return await(stage, options().commandTimeout().multipliedBy(3).plusSeconds(1), what, device);
  }

  static <T> T await(CompletionStage<T> stage, Duration backstop, String what, String device) {
    try {
      return stage.toCompletableFuture().get(backstop.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable t = ExitCodes.unwrap(e);
      if (t instanceof RuntimeException r) {
        throw r;
      }
      throw new PowerDeviceException(what + " failed: " + t, device, null, null, t);
    } catch (TimeoutException e) {
      stage.toCompletableFuture().cancel(false);
      throw new DeviceTimeoutException(
          "no result within " + Durations.format(backstop) + " while " + what,
          device,
          null,
          null,
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PowerDeviceException("interrupted while " + what, device, null, null, e);
    }
  }

  /** Reads durations as the rest of pdu4j does ({@link Durations#parse}). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d;
      try {
        d = Durations.parse(value, "duration");
      } catch (PowerDeviceException e) {
        // picocli names the option already: drop Durations' "duration: " prefix
        throw new TypeConversionException(e.getMessage().replaceFirst("^duration: ", ""));
      }
      if (d.isZero()) {
        throw new TypeConversionException("must be more than 0, got " + value);
      }
      return d;
    }
  }
}

package io.pdu4j.cli;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pdu4j sim DEVICE}: runs a device simulator in the foreground. */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = "Run a simulated device in the foreground until interrupted (Ctrl-C).",
    subcommands = {SimCommand.IsoTek.class})
final class SimCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Without a device: the usage, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** {@code pdu4j sim isotek --tcp-port N}. */
  @Command(
      name = "isotek",
      mixinStandardHelpOptions = true,
      description = {
        "Simulate an IsoTek SMART Power PDU on a TCP port.",
        "Example: pdu4j sim isotek --tcp-port 5010   then   pdu4j status isotek:tcp://127.0.0.1:5010"
      })
  static final class IsoTek implements Callable<Integer> {
    @Option(
        names = "--tcp-port",
        required = true,
        paramLabel = "N",
        description = "The TCP port to listen on (0 for any free port; a real unit uses 501).")
    int tcpPort;

    @Option(
        names = "--outlets",
        paramLabel = "8|16",
        defaultValue = "16",
        description = "How many outlets: 8 or 16 (default ${DEFAULT-VALUE}).")
    int outlets;

    @Option(
        names = "--push-interval",
        paramLabel = "DURATION",
        converter = DeviceArgs.DurationConverter.class,
        description = "How often the unit pushes its status unasked (default 1s, as a real unit).")
    Duration pushInterval;

    @Option(
        names = "--bind",
        paramLabel = "ADDRESS",
        defaultValue = "127.0.0.1",
        description = "The local address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String bind;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      IsoTekSimulator sim;
      try {
        IsoTekSimulator.Builder builder =
            IsoTekSimulator.builder().tcpPort(tcpPort).outlets(outlets).bindAddress(bind);
        if (pushInterval != null) {
          builder.pushInterval(pushInterval);
        }
        sim = builder.build();
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException(e.getMessage(), e);
      }
      try {
        sim.start();
      } catch (UncheckedIOException e) {
        throw new PowerDeviceException(e.getMessage(), e);
      }
      CountDownLatch stopped = new CountDownLatch(1);
      // Ctrl-C and SIGTERM run shutdown hooks only: close the sockets there, cleanly
      Thread hook =
          new Thread(
              () -> {
                sim.close();
                stopped.countDown();
              },
              "pdu4j-sim-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        String host = bind.equals("0.0.0.0") ? "127.0.0.1" : bind;
        out.println(
            sim.describe()
                + "; try: pdu4j status isotek:tcp://"
                + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + ":"
                + sim.port()
                + "  (Ctrl-C to stop)");
        out.flush();
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is already shutting down: the hook does the closing
        }
        sim.close();
      }
      return ExitCodes.OK;
    }
  }
}

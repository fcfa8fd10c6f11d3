package io.pdu4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pdu4j.api.ConnectionState;
import io.pdu4j.api.DeviceCapability;
import io.pdu4j.api.DeviceEvent;
import io.pdu4j.api.DeviceTimeoutException;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.api.UnsupportedCapabilityException;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.runtime.json.DeviceJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code pdu4j restart URI [--no-wait] [--wait DURATION]}: restarts the device itself. Succeeds
 * when the device accepted the command and, unless {@code --no-wait}, has come back and reported
 * its status again.
 */
@Command(
    name = "restart",
    mixinStandardHelpOptions = true,
    description = {
      "Restart the device itself (not an outlet) and wait until it is back.",
      "Example: pdu4j restart isotek:tcp://10.0.0.5:501"
    })
final class RestartCommand implements Callable<Integer> {
  /** A pause in the unit's reports at least this long, after the restart, means it rebooted. */
  private static final Duration SILENCE = Duration.ofMillis(1500);

  @Mixin DeviceArgs device;

  @Option(
      names = "--no-wait",
      description = "Return once the device accepted the restart; do not wait for it to be back.")
  boolean noWait;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      converter = DeviceArgs.DurationConverter.class,
      description = "How long to wait for the device to be back (default 60s).")
  Duration wait = Duration.ofSeconds(60);

  @Option(
      names = "--json",
      description =
          "Print one JSON object at the end: device, accepted (true), back (true; null with"
              + " --no-wait) and backAfterMillis; an error as one JSON object on stderr.")
  boolean json;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (PowerRuntime runtime = device.runtime()) {
      PowerDevice pdu = runtime.open(device.uri);
      String address = pdu.info().address();
      if (!pdu.has(DeviceCapability.RESTART)) {
        throw new UnsupportedCapabilityException(
            "the device cannot be restarted", address, null, null, null);
      }
      // Back means: over a network the unit drops the link while it restarts, so it is back when
      // the link is up again and it has reported; over a serial line the link stays, the unit
      // just goes quiet, so it is back at the first status after a silence.
      CountDownLatch back = new CountDownLatch(1);
      AtomicBoolean wentAway = new AtomicBoolean();
      AtomicBoolean accepted = new AtomicBoolean();
      AtomicLong lastStatus = new AtomicLong(System.nanoTime());
      pdu.subscribe(
          e -> {
            if (e instanceof DeviceEvent.Connection c) {
              if (c.current() != ConnectionState.CONNECTED) {
                wentAway.set(true);
              } else if (wentAway.get()) {
                back.countDown();
              }
            } else if (e instanceof DeviceEvent.StatusReported) {
              long now = System.nanoTime();
              long quiet = now - lastStatus.getAndSet(now);
              if (accepted.get() && quiet >= SILENCE.toNanos()) {
                back.countDown();
              }
            }
          });
      long started = System.nanoTime();
      DeviceArgs.await(
          pdu.restart(),
          device.options().commandTimeout().plusSeconds(1),
          "restarting the device",
          address);
      accepted.set(true);
      if (!json) {
        out.println("restart accepted by " + TerminalText.safe(address));
        out.flush();
      }
      if (noWait) {
        if (json) {
          out.println(json(address, null));
        }
        return ExitCodes.OK;
      }
      if (back.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        out.println(
            json
                ? json(address, millis)
                : "back after " + millis + " ms: " + TerminalText.safe(address));
        return ExitCodes.OK;
      }
      throw new DeviceTimeoutException(
          "the device accepted the restart but was not back within " + wait.toSeconds() + " s",
          address,
          "restart",
          null,
          null);
    } finally {
      out.flush();
    }
  }

  /**
   * The JSON of a restart: {@code device}, {@code accepted} (always true: a refusal is an error),
   * {@code back} and {@code backAfterMillis} (both null when not waited for).
   */
  static String json(String address, Long backAfterMillis) {
    ObjectNode n = DeviceJson.object();
    n.put("device", address);
    n.put("accepted", true);
    if (backAfterMillis == null) {
      n.putNull("back");
    } else {
      n.put("back", true);
    }
    n.put("backAfterMillis", backAfterMillis);
    return DeviceJson.write(n);
  }
}

package io.pdu4j.driver.extron;

import static io.pdu4j.testkit.Stages.failure;
import static io.pdu4j.testkit.Stages.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pdu4j.api.DeviceOptions;
import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.driver.extron.internal.RecordingListener;
import io.pdu4j.sim.extron.ExtronSimulator;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.Link;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.transport.TransportContext;
import io.pdu4j.spi.transport.TransportProvider;
import io.pdu4j.transport.net.TcpTransportProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code password=file:} that names something other than a small regular file fails that one
 * device's open with a clear error, and never stalls the event loop it shares with other devices:
 * two tunnels on one executor, one with a bad secret file, the other must still log in.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecretFilesTest {
  private static final TcpTransportProvider TCP = new TcpTransportProvider();
  private static final String PASSWORD = "f1fo-Pass";
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;

  /** One thread for every device of the test, as an event loop shared by several devices. */
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

  private ExtronSimulator sim;
  private final List<Link> links = new ArrayList<>();
  private final List<Path> fifos = new ArrayList<>();

  @AfterEach
  void stop() {
    for (Link l : links) {
      l.close().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null);
    }
    for (Path fifo : fifos) {
      releaseReaderOf(fifo);
    }
    if (sim != null) {
      sim.close();
    }
    loop.shutdownNow();
  }

  @AfterAll
  static void closeTransport() {
    TCP.close();
  }

  private Link tunnel(boolean web, Path secretFile) {
    String query = "?password=file:" + secretFile;
    String uri =
        web
            ? "isotek:extron+http://127.0.0.1:" + sim.httpPort() + "/3" + query
            : "isotek:extron://127.0.0.1:" + sim.port() + "/3" + query;
    TransportProvider provider = web ? new ExtronHttpTunnelProvider() : new ExtronTunnelProvider();
    Link link =
        provider.create(
            DeviceAddress.parse(uri),
            new Context(
                loop,
                DeviceOptions.defaults(),
                LinkRequirements.stream(501).withReplyTerminator('>')));
    links.add(link);
    return link;
  }

  /**
   * Opens a tunnel whose secret is {@code bad}, then one with a good secret on the same loop: the
   * second must log in, the first fail with a message naming the file and saying what is wrong.
   */
  private void badSecretLeavesTheLoopFree(boolean web, Path bad, String problem) throws Exception {
    sim = ExtronSimulator.builder().adminPassword(PASSWORD).httpPort(0).build().start();
    Path good = Files.writeString(dir.resolve("good"), PASSWORD + "\n");

    CompletionStage<Void> badOpen = tunnel(web, bad).open(new RecordingListener());
    Link other = tunnel(web, good);
    CompletionStage<Void> otherOpen = other.open(new RecordingListener());

    await()
        .atMost(PATIENCE)
        .alias("the other device's open on the same loop")
        .until(() -> otherOpen.toCompletableFuture().isDone());
    get(otherOpen);
    assertThat(other.isOpen()).isTrue();
    await().atMost(PATIENCE).until(() -> badOpen.toCompletableFuture().isDone());
    assertThat(failure(badOpen))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("secret file " + bad)
        .hasMessageContaining(problem)
        .satisfies(e -> assertThat(((PowerDeviceException) e).toString()).doesNotContain(PASSWORD));
  }

  @Test
  void aFifoFailsItsOwnOpenAndStallsNoOtherDevice() throws Exception {
    for (boolean web : new boolean[] {false, true}) {
      Path fifo = fifo(dir.resolve("fifo-" + web));
      badSecretLeavesTheLoopFree(web, fifo, "is not a regular file");
      sim.close();
    }
  }

  @Test
  void aDeviceFileFailsItsOwnOpen() throws Exception {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero), "no /dev/zero on this system");
    badSecretLeavesTheLoopFree(false, zero, "is not a regular file");
  }

  @Test
  void aDirectoryFailsItsOwnOpen() throws Exception {
    badSecretLeavesTheLoopFree(false, dir, "is a directory");
  }

  @Test
  void aFileOverFourKibFailsItsOwnOpen() throws Exception {
    Path big = Files.writeString(dir.resolve("big"), "p".repeat(5 * 1024));
    badSecretLeavesTheLoopFree(true, big, "is larger than 4096 bytes");
  }

  @Test
  void anEmptyOrMissingFileFailsItsOwnOpen() throws Exception {
    badSecretLeavesTheLoopFree(false, Files.writeString(dir.resolve("empty"), ""), "is empty");
    sim.close();
    badSecretLeavesTheLoopFree(false, dir.resolve("missing"), "does not exist");
  }

  /** A FIFO made with {@code mkfifo}; skipped where there is none, except under {@code CI=true}. */
  private Path fifo(Path path) throws Exception {
    try {
      Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
        fifos.add(path);
        return path;
      }
    } catch (IOException e) {
      // no mkfifo: below
    }
    if ("true".equals(System.getenv("CI"))) {
      fail("mkfifo is needed to test FIFOs");
    }
    assumeTrue(false, "mkfifo is not available: no FIFO to test with");
    return path;
  }

  /**
   * Should anything have opened the FIFO to read (and be stuck there), opens it to write and closes
   * it, which ends that read; on a daemon thread, since with no reader the open would wait forever.
   * Without creating it: the temporary directory may be deleted meanwhile, and a file created in it
   * then failed its deletion (DirectoryNotEmptyException).
   */
  private static void releaseReaderOf(Path fifo) {
    Thread t =
        new Thread(
            () -> {
              try (OutputStream out = Files.newOutputStream(fifo, StandardOpenOption.WRITE)) {
                out.flush();
              } catch (IOException e) {
                // gone already
              }
            },
            "test-fifo-release");
    t.setDaemon(true);
    t.start();
  }

  /** A transport context as the runtime gives one, with the tcp transport. */
  private record Context(
      ScheduledExecutorService executor, DeviceOptions options, LinkRequirements requirements)
      implements TransportContext {
    @Override
    public Clock clock() {
      return Clock.systemUTC();
    }

    @Override
    public Optional<TransportProvider> transport(String scheme) {
      return scheme.equals("tcp") ? Optional.of(TCP) : Optional.empty();
    }

    @Override
    public <T> Optional<T> resource(Class<T> type) {
      return Optional.empty();
    }
  }
}

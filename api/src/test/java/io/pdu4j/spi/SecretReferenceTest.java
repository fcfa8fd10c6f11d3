package io.pdu4j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pdu4j.api.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets by reference: what is read, what is refused and how it is said. Every refusal must come
 * at once (a FIFO or a device must never be opened for reading), hence the timeouts on a separate
 * thread: a read stuck in the kernel cannot be interrupted.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SecretReferenceTest {
  private static final String SECRET = "s3cr3t-Value";
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static SecretReference file(Path path) {
    return SecretReference.parse("password", "file:" + path);
  }

  /** The failure of {@code ref}, read both ways: at once and off the calling thread. */
  private static InvalidArgumentException refused(SecretReference ref) throws Exception {
    InvalidArgumentException now =
        (InvalidArgumentException)
            catchThrown(ref::resolve, InvalidArgumentException.class, ref.toString());
    CompletableFuture<String> later = ref.resolveAsync(PATIENCE);
    try {
      later.get(PATIENCE.toSeconds() + 5, TimeUnit.SECONDS);
      fail("resolveAsync of " + ref + " succeeded");
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(InvalidArgumentException.class);
      assertThat(e.getCause()).hasMessage(now.getMessage());
    }
    return now;
  }

  private static Throwable catchThrown(Runnable r, Class<? extends Throwable> type, String what) {
    try {
      r.run();
    } catch (Throwable t) {
      assertThat(t).as(what).isInstanceOf(type);
      return t;
    }
    throw new AssertionError(what + " was read");
  }

  @Test
  void aFileLosesOneTrailingLineEnd() throws Exception {
    for (String end : new String[] {"", "\n", "\r\n", "\r"}) {
      Path f = Files.writeString(dir.resolve("pw"), SECRET + end);
      assertThat(file(f).resolve())
          .as("ending %s", end.replace("\r", "CR").replace("\n", "LF"))
          .isEqualTo(SECRET);
      assertThat(file(f).resolveAsync(PATIENCE).get(15, TimeUnit.SECONDS)).isEqualTo(SECRET);
    }
  }

  @Test
  void aFileOfExactlyTheLimitIsRead() throws Exception {
    Path f = Files.writeString(dir.resolve("pw"), "k".repeat(SecretReference.MAX_FILE_BYTES));
    assertThat(file(f).resolve()).hasSize(SecretReference.MAX_FILE_BYTES);
  }

  @Test
  void readingAsynchronouslyHappensOnASecretThread() throws Exception {
    AtomicReference<String> reader = new AtomicReference<>();
    SecretReference ref =
        SecretReference.parse(
            "password",
            "env:PW",
            name -> {
              reader.set(Thread.currentThread().getName());
              return SECRET;
            });
    assertThat(ref.resolveAsync(PATIENCE).get(15, TimeUnit.SECONDS)).isEqualTo(SECRET);
    assertThat(reader.get()).startsWith("pdu4j-secret-");
  }

  @Test
  void aFifoIsRefusedWithoutBeingOpened() throws Exception {
    Path fifo = fifo(dir.resolve("fifo"));
    assertThat(refused(file(fifo)))
        .hasMessage(
            "secret file " + fifo + " is not a regular file (a FIFO, a device or a socket)");
  }

  @Test
  void aDeviceIsRefused() throws Exception {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero), "no /dev/zero on this system");
    assertThat(refused(file(zero))).hasMessageContaining("/dev/zero is not a regular file");
  }

  @Test
  void aDirectoryIsRefused() throws Exception {
    assertThat(refused(file(dir))).hasMessage("secret file " + dir + " is a directory");
  }

  @Test
  void aFileOverTheLimitIsRefusedWithoutItsContent() throws Exception {
    String content = SECRET.repeat(5 * 1024 / SECRET.length() + 1);
    Path big = Files.writeString(dir.resolve("big"), content);
    assertThat(Files.size(big)).isGreaterThan(5 * 1024);
    assertThat(refused(file(big)))
        .hasMessage("secret file " + big + " is larger than 4096 bytes")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(SECRET));
  }

  @Test
  void anEmptyFileIsRefused() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "");
    assertThat(refused(file(empty))).hasMessage("secret file " + empty + " is empty");
    Path newline = Files.writeString(dir.resolve("newline"), "\n");
    assertThat(refused(file(newline))).hasMessage("secret file " + newline + " is empty");
  }

  @Test
  void aMissingFileIsRefused() throws Exception {
    Path missing = dir.resolve("missing");
    assertThat(refused(file(missing))).hasMessage("secret file " + missing + " does not exist");
  }

  @Test
  void aFileOfTwoLinesIsRefusedWithoutItsContent() throws Exception {
    Path two = Files.writeString(dir.resolve("two"), SECRET + "\n" + SECRET + "\n");
    assertThat(refused(file(two)))
        .hasMessageContaining("more than one line")
        .satisfies(e -> assertThat(e.toString()).doesNotContain(SECRET));
  }

  @Test
  void anUnsetOrEmptyVariableIsRefused() throws Exception {
    Map<String, String> env = Map.of("EMPTY", "", "SET", SECRET);
    assertThat(SecretReference.parse("password", "env:SET", env::get).resolve()).isEqualTo(SECRET);
    assertThat(refused(SecretReference.parse("password", "env:UNSET_VAR", env::get)))
        .hasMessage("environment variable UNSET_VAR is not set");
    assertThat(refused(SecretReference.parse("password", "env:EMPTY", env::get)))
        .hasMessage("environment variable EMPTY is not set");
  }

  @Test
  void aLiteralIsNotAReference() {
    assertThat(SecretReference.isReference("env:X")).isTrue();
    assertThat(SecretReference.isReference("file:/x")).isTrue();
    for (String literal : new String[] {"env:", "file:", "hunter2", "", "ENV:X"}) {
      assertThat(SecretReference.isReference(literal)).as(literal).isFalse();
    }
    assertThatThrownBy(() -> SecretReference.parse("password", "hunter22"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("env:NAME or file:PATH")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter22"));
    assertThat(SecretReference.parse("password", "env:PW").toString()).isEqualTo("env:PW");
  }

  /**
   * A FIFO at {@code path}, made with {@code mkfifo}; skipped where there is none, except under
   * {@code CI=true}.
   */
  static Path fifo(Path path) throws Exception {
    try {
      Process p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
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
}

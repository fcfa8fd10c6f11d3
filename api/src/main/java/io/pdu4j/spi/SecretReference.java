package io.pdu4j.spi;

import io.pdu4j.api.Durations;
import io.pdu4j.api.InvalidArgumentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * A secret named by reference in an address or a configuration ({@code env:NAME} or {@code
 * file:PATH}): the one place that decides what a reference is and reads what it names. Messages
 * name the reference (the variable, the file's path), never the secret.
 *
 * <p>A file must be a regular file (not a FIFO, a device, a socket or a directory) of at most
 * {@link #MAX_FILE_BYTES} bytes of UTF-8 text; one trailing line end ({@code \n}, {@code \r\n} or
 * {@code \r}) is removed. The secret may not be empty and may not hold a line end (it would end a
 * Telnet login line early). Links that resolve a secret at every open call {@link
 * #resolveAsync(Duration)}, which reads on a small shared pool of daemon threads ({@code
 * pdu4j-secret-N}), never on the device's event loop: a slow or stuck file system stalls only that
 * device's open.
 */
public final class SecretReference {
  /** The largest secret file read: a password or token, not a document. */
  public static final int MAX_FILE_BYTES = 4096;

  private static final String ENV = "env:";
  private static final String FILE = "file:";
  private static final int READ_THREADS = 4;
  private static final int READ_QUEUE = 1024;
  private static final ThreadPoolExecutor READERS = readers();

  private final String reference;
  private final UnaryOperator<String> environment;

  private SecretReference(String reference, UnaryOperator<String> environment) {
    this.reference = reference;
    this.environment = environment;
  }

  /** Whether {@code value} has the form of a reference: {@code env:NAME} or {@code file:PATH}. */
  public static boolean isReference(String value) {
    return value != null
        && ((value.startsWith(ENV) && value.length() > ENV.length())
            || (value.startsWith(FILE) && value.length() > FILE.length()));
  }

  /**
   * Checks the form of a reference, reading nothing. A literal secret is refused: it would sit in
   * the address, in shell history and in configuration files.
   *
   * @param option the option's name, for the message
   * @throws InvalidArgumentException when {@code reference} is not a reference
   */
  public static SecretReference parse(String option, String reference) {
    return parse(option, reference, System::getenv);
  }

  /** As {@link #parse(String, String)}, reading environment variables from {@code environment}. */
  public static SecretReference parse(
      String option, String reference, UnaryOperator<String> environment) {
    Objects.requireNonNull(environment, "environment");
    if (!isReference(reference)) {
      throw new InvalidArgumentException(
          option + " must be a reference, env:NAME or file:PATH (a literal value is not accepted)");
    }
    return new SecretReference(reference, environment);
  }

  /**
   * Reads the secret now, on the calling thread (which must not be an event loop: use {@link
   * #resolveAsync(Duration)} there).
   *
   * @throws InvalidArgumentException when the variable is unset or empty, or the file is missing,
   *     unreadable, not a regular file, larger than {@link #MAX_FILE_BYTES}, empty or not one line
   *     of UTF-8 text; the message names the variable or the path
   */
  public String resolve() {
    String value;
    if (reference.startsWith(ENV)) {
      String name = reference.substring(ENV.length());
      value = environment.apply(name);
      if (value == null || value.isEmpty()) {
        throw new InvalidArgumentException("environment variable " + name + " is not set");
      }
      if (hasLineEnd(value)) {
        throw new InvalidArgumentException(
            "environment variable " + name + " holds a line end; a secret is one line");
      }
      return value;
    }
    return readFile(Path.of(reference.substring(FILE.length())));
  }

  /**
   * Reads the secret on a {@code pdu4j-secret-N} thread, never the caller's. The stage completes on
   * that thread (or the JDK's delay thread on timeout): hop to the device's executor before acting
   * on it. It fails as {@link #resolve()} does, or with {@link InvalidArgumentException} when the
   * read takes longer than {@code timeout} or too many reads are waiting.
   */
  public CompletableFuture<String> resolveAsync(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    CompletableFuture<String> result = new CompletableFuture<>();
    try {
      READERS.execute(
          () -> {
            try {
              result.complete(resolve());
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new InvalidArgumentException(
              "cannot read " + reference + " now: " + READ_QUEUE + " secret reads are waiting"));
      return result;
    }
    return result
        .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .exceptionallyCompose(
            t ->
                CompletableFuture.failedFuture(
                    t instanceof TimeoutException
                        ? new InvalidArgumentException(
                            "reading "
                                + reference
                                + " took longer than "
                                + Durations.format(timeout))
                        : t));
  }

  private static String readFile(Path path) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new InvalidArgumentException("secret file " + path + " does not exist");
    } catch (IOException e) {
      throw cannotRead(path, e);
    }
    if (attributes.isDirectory()) {
      throw new InvalidArgumentException("secret file " + path + " is a directory");
    }
    if (!attributes.isRegularFile()) {
      // a FIFO would block the read until a writer comes, a device (/dev/zero) never ends
      throw new InvalidArgumentException(
          "secret file " + path + " is not a regular file (a FIFO, a device or a socket)");
    }
    if (attributes.size() > MAX_FILE_BYTES) {
      throw tooLarge(path);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1); // bounded even if the file grew meanwhile
    } catch (IOException e) {
      throw cannotRead(path, e);
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw tooLarge(path);
    }
    String value;
    try {
      value =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new InvalidArgumentException("secret file " + path + " is not UTF-8 text");
    }
    value = withoutOneLineEnd(value);
    if (value.isEmpty()) {
      throw new InvalidArgumentException("secret file " + path + " is empty");
    }
    if (hasLineEnd(value)) {
      throw new InvalidArgumentException(
          "secret file " + path + " holds more than one line; a secret is one line");
    }
    return value;
  }

  private static String withoutOneLineEnd(String s) {
    if (s.endsWith("\r\n")) {
      return s.substring(0, s.length() - 2);
    }
    if (s.endsWith("\n") || s.endsWith("\r")) {
      return s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static boolean hasLineEnd(String s) {
    return s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
  }

  private static InvalidArgumentException tooLarge(Path path) {
    return new InvalidArgumentException(
        "secret file " + path + " is larger than " + MAX_FILE_BYTES + " bytes");
  }

  private static InvalidArgumentException cannotRead(Path path, IOException e) {
    String why = e instanceof AccessDeniedException ? "permission denied" : e.getClass().getName();
    // the exception's own message is left out: it is about the file, but need not be only that
    return new InvalidArgumentException("cannot read secret file " + path + ": " + why);
  }

  private static ThreadPoolExecutor readers() {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, "pdu4j-secret-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            READ_THREADS,
            READ_THREADS,
            1,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(READ_QUEUE),
            factory);
    pool.allowCoreThreadTimeOut(true); // no thread stays once the reads are done
    return pool;
  }

  /** The reference itself ({@code env:NAME} or {@code file:PATH}), never the secret. */
  @Override
  public String toString() {
    return reference;
  }
}

package io.pdu4j.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The entry point of the runnable {@code pdu4j.jar}: configures logging, runs the command, exits
 * with its code (0 success, 1 failure, 2 usage error, 3 the device rejected the command, 4 timeout
 * or unreachable; see {@link ExitCodes}).
 */
public final class Main {
  private Main() {}

  /**
   * Runs {@code pdu4j} with these arguments and exits the JVM with the command's exit code.
   *
   * @param args the command line, e.g. {@code status isotek:tcp://10.0.0.5:501 --json}
   */
  public static void main(String[] args) {
    configureLogging(List.of(args).contains("-v") || List.of(args).contains("--verbose"));
    configureIo(args);
    Charset charset = Charset.defaultCharset();
    PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(System.out, charset), true);
    PrintWriter err = new PrintWriter(new java.io.OutputStreamWriter(System.err, charset), true);
    int code = run(args, out, err, Style.forTerminal(), System.getenv());
    out.flush();
    err.flush();
    System.exit(code);
  }

  /**
   * Runs one command in this JVM: a plain {@code status}, {@code on} or {@code off} through {@link
   * ShortLine}, without picocli; every other command line through picocli ({@link Cli}). This class
   * refers to no picocli class, so that the first needs none loaded.
   *
   * @return the exit code
   */
  static int run(
      String[] args, PrintWriter out, PrintWriter err, Style style, Map<String, String> env) {
    OptionalInt plain = ShortLine.run(args, out, err, style, env);
    return plain.isPresent() ? plain.getAsInt() : Cli.run(args, out, err, style, env);
  }

  /**
   * Sets slf4j-simple up before the first logger exists: warnings and errors only, on stderr, so
   * that stdout carries nothing but the command's output. {@code -v} shows pdu4j's debug messages.
   * Properties already set (with {@code -D}) are left alone.
   */
  static void configureLogging(boolean verbose) {
    setDefault("org.slf4j.simpleLogger.logFile", "System.err");
    setDefault("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    if (verbose) {
      setDefault("org.slf4j.simpleLogger.log.io.pdu4j", "debug");
    }
    setDefault("org.slf4j.simpleLogger.showThreadName", verbose ? "true" : "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
    setDefault("org.slf4j.simpleLogger.levelInBrackets", "true");
  }

  /**
   * Netty's native epoll transport and its Flight Recorder events for the long-running commands
   * only ({@code serve}, {@code demo}): for a command that opens a device or two and exits,
   * unpacking and loading the native library, and starting JFR's event metadata, cost more than
   * they save; NIO does the same work there. {@code -Dio.netty.transport.noNative=false} and {@code
   * -Dio.netty.jfr.enabled=true} keep them for every command.
   */
  static void configureIo(String[] args) {
    if (!longRunning(args)) {
      setDefault("io.netty.transport.noNative", "true");
      setDefault("io.netty.jfr.enabled", "false");
    }
  }

  /** Whether the command line names a command that keeps running ({@code serve}, {@code demo}). */
  static boolean longRunning(String[] args) {
    List<String> a = List.of(args);
    return a.contains("serve") || a.contains("demo");
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}

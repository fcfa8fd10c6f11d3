package io.pdu4j.bench.soak;

import io.pdu4j.api.PowerDeviceException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Every command a soak issues, from the call to its completion: how many were issued, succeeded,
 * failed (by exception kind), were refused by a throw instead of a failed stage, are still open,
 * and how many stages were completed more than once.
 *
 * <p>Each stage gets its own completion counter: a stage's {@code whenComplete} action runs once
 * per completion it sees, so a stage that signalled twice is counted as a double, not hidden.
 * Thread-safe.
 */
final class StageLedger {

  /** A command whose stage has not completed yet. */
  record Open(String device, String command, long issuedAtNanos) {}

  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Open> open = new ConcurrentHashMap<>();
  private final LongAdder issued = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder doubles = new LongAdder();
  private final Map<String, LongAdder> failed = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failedInDetail = new ConcurrentHashMap<>();
  private final Map<String, String> firstMessages = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> thrown = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> byCommand = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> slowestNanos = new ConcurrentHashMap<>();

  /**
   * Issues one command and follows its stage.
   *
   * @param device the device's name, for the report of commands left open
   * @param command what the command is (switch, cycle, refresh, config), counted by it
   * @param call issues the command and returns its stage
   */
  void track(String device, String command, Supplier<? extends CompletionStage<?>> call) {
    long id = ids.incrementAndGet();
    long issuedAt = System.nanoTime();
    issued.increment();
    byCommand.computeIfAbsent(command, c -> new LongAdder()).increment();
    open.put(id, new Open(device, command, issuedAt));
    CompletionStage<?> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      open.remove(id);
      thrown.computeIfAbsent(kind(e), k -> new LongAdder()).increment();
      return;
    }
    AtomicInteger completions = new AtomicInteger();
    stage.whenComplete(
        (value, failure) -> {
          if (completions.incrementAndGet() > 1) {
            doubles.increment();
            return;
          }
          open.remove(id);
          slowestNanos
              .computeIfAbsent(deviceKind(device) + " " + command, c -> new AtomicLong())
              .accumulateAndGet(System.nanoTime() - issuedAt, Math::max);
          if (failure == null) {
            succeeded.increment();
          } else {
            Throwable cause = PowerDeviceException.unwrap(failure);
            String kind = cause.getClass().getSimpleName();
            String detail = deviceKind(device) + " " + command + " " + kind;
            failed.computeIfAbsent(kind, k -> new LongAdder()).increment();
            failedInDetail.computeIfAbsent(detail, k -> new LongAdder()).increment();
            firstMessages.putIfAbsent(detail, device + ": " + cause.getMessage());
          }
        });
  }

  private static String kind(Throwable t) {
    return PowerDeviceException.unwrap(t).getClass().getSimpleName();
  }

  /** The device's kind: its name up to the first {@code -} ({@code tunnel-0007}: tunnel). */
  private static String deviceKind(String device) {
    int dash = device.indexOf('-');
    return dash > 0 ? device.substring(0, dash) : device;
  }

  long issued() {
    return issued.sum();
  }

  long succeeded() {
    return succeeded.sum();
  }

  long doubleCompletions() {
    return doubles.sum();
  }

  int openCount() {
    return open.size();
  }

  /** The longest time a stage took to complete, in milliseconds, by device kind and command. */
  Map<String, Long> slowestMillis() {
    Map<String, Long> out = new TreeMap<>();
    slowestNanos.forEach((k, v) -> out.put(k, v.get() / 1_000_000));
    return out;
  }

  Map<String, Long> failed() {
    return sums(failed);
  }

  /**
   * Failures by device kind, command and exception kind ({@code enistic switch
   * DeviceTimeoutException}).
   */
  Map<String, Long> failedInDetail() {
    return sums(failedInDetail);
  }

  /** The first message seen for each key of {@link #failedInDetail()}, with the device's name. */
  Map<String, String> firstMessages() {
    return new TreeMap<>(firstMessages);
  }

  Map<String, Long> thrown() {
    return sums(thrown);
  }

  Map<String, Long> byCommand() {
    return sums(byCommand);
  }

  /** The oldest commands still open, at most {@code limit}. */
  List<Open> oldestOpen(int limit) {
    return open.values().stream()
        .sorted(Comparator.comparingLong(Open::issuedAtNanos))
        .limit(limit)
        .toList();
  }

  private static Map<String, Long> sums(Map<String, LongAdder> adders) {
    Map<String, Long> out = new TreeMap<>();
    adders.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}

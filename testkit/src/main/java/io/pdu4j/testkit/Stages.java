package io.pdu4j.testkit;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for a device's {@link CompletionStage} in a test: a backstop well above the drivers' own
 * command timeouts, so a stage that never completes fails the test instead of hanging it.
 */
public final class Stages {
  private static final long BACKSTOP_SECONDS = 10;

  private Stages() {}

  /** The stage's result; its failure (unwrapped) or a stage that never completes fails the test. */
  public static <T> T get(CompletionStage<T> stage) throws Exception {
    try {
      return stage.toCompletableFuture().get(BACKSTOP_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /**
   * The exception the stage failed with; a stage that succeeds or never completes fails the test.
   */
  public static Throwable failure(CompletionStage<?> stage) {
    Object result;
    try {
      result = stage.toCompletableFuture().get(BACKSTOP_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("the stage did not complete in " + BACKSTOP_SECONDS + " s", e);
    }
    throw new AssertionError("expected the stage to fail, it completed with " + result);
  }
}

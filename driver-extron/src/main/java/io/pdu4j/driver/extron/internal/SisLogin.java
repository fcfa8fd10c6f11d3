package io.pdu4j.driver.extron.internal;

import io.pdu4j.api.DeviceRejectedException;
import io.pdu4j.api.LoginDeniedException;
import io.pdu4j.api.PowerDeviceException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads the IPCP's greeting on a new Telnet session and logs in: the copyright banner, the date,
 * the {@code Password:} prompt (answered once with the password), then {@code Login Administrator}
 * or {@code Login User}; an {@code Enn} instead (E26: no free connection) or a second prompt fails
 * the login.
 *
 * <p>No timers, I/O or threads: the link feeds the text as it comes and does what each {@link Step}
 * says (send the answer, wait for quiet, complete or fail its open). At most {@code max} characters
 * without a login line are kept. The password is never in a step's {@code toString()} nor in a
 * failure.
 *
 * <p>Not thread-safe: {@code ExtronTunnelLink} uses one per session on its executor.
 */
final class SisLogin {

  /** What the link does after a {@link #feed}. */
  sealed interface Step {}

  /** Nothing to do yet: wait for more text. */
  record Wait() implements Step {}

  /** Send these bytes: the password and CR, answering the prompt. */
  record Answer(byte[] bytes) implements Step {
    @Override
    public String toString() {
      return "Answer[(password)]";
    }
  }

  /**
   * Banner and date are in and no password is configured: the IPCP stops here when it has none, so
   * the session is logged in once nothing more comes for a moment ({@link #quietMeansLoggedIn()}).
   */
  record AwaitQuiet() implements Step {}

  /** Logged in, at this level ({@code Administrator}, {@code User}), or null after quiet. */
  record LoggedIn(String level) implements Step {}

  /** The login failed; the session is to be closed. */
  record Failed(PowerDeviceException failure) implements Step {}

  private static final Step WAIT = new Wait();

  private final String password;
  private final String describe;
  private final int max;
  private final StringBuilder text = new StringBuilder();
  private int prompts;
  private int lines;
  private Optional<SisCodec.Banner> banner = Optional.empty();

  /**
   * @param password the password, or null when none is configured
   * @param describe the link, for the failures' messages
   * @param max the most characters kept without a login line
   */
  SisLogin(String password, String describe, int max) {
    this.password = password;
    this.describe = describe;
    this.max = max;
  }

  /** What the banner said, once it came. */
  Optional<SisCodec.Banner> banner() {
    return banner;
  }

  /** The start of the text not yet read as lines (at most 200 characters), for errors. */
  String pending() {
    return text.length() > 200 ? text.substring(0, 200) : text.toString();
  }

  /** Whether quiet now completes the login: no prompt has come. */
  boolean quietMeansLoggedIn() {
    return prompts == 0;
  }

  /** Takes the next text received. */
  Step feed(byte[] chunk) {
    text.append(new String(chunk, StandardCharsets.ISO_8859_1));
    if (text.length() > max) {
      return new Failed(
          new DeviceRejectedException(
              "no login: too much text without a login line", describe, null, null, null));
    }
    boolean awaitQuiet = false;
    int eol;
    while ((eol = text.indexOf("\n")) >= 0) {
      String line = text.substring(0, eol).replace("\r", "");
      text.delete(0, eol + 1);
      if (line.isBlank()) {
        continue;
      }
      lines++;
      Optional<SisCodec.Banner> b = SisCodec.parseBanner(line);
      if (b.isPresent()) {
        banner = b;
        continue;
      }
      Optional<String> level = SisCodec.parseLogin(line);
      if (level.isPresent()) {
        return new LoggedIn(level.get());
      }
      Optional<SisCodec.SisError> error = SisCodec.parseError(line);
      if (error.isPresent()) {
        // E26: all of the IPCP's connections are taken (a busy failure: try again later)
        return new Failed(
            SisCodec.exception(error.get(), describe, null, "the IPCP refused the session: "));
      }
      if (lines >= 2 && password == null) {
        awaitQuiet = true; // banner and date: an IPCP without a password stops here
      }
    }
    if (SisCodec.endsWithPasswordPrompt(text.toString())) {
      text.setLength(0);
      prompts++;
      if (password == null) {
        return new Failed(
            new LoginDeniedException(
                "login denied: the IPCP asks for a password; add password=env:NAME or"
                    + " password=file:PATH to the address",
                describe,
                null,
                "Password:",
                null));
      }
      if (prompts > 1) {
        return new Failed(
            new LoginDeniedException(
                "login denied: the IPCP asked for the password again (wrong password?)",
                describe,
                "(password)",
                "Password:",
                null));
      }
      return new Answer((password + "\r").getBytes(StandardCharsets.ISO_8859_1));
    }
    return awaitQuiet ? new AwaitQuiet() : WAIT;
  }
}

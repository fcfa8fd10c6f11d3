package io.pdu4j.server.internal;

import io.pdu4j.api.InvalidArgumentException;
import io.pdu4j.runtime.config.TokenConfig;
import io.pdu4j.spi.SecretReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The API's tokens, read once at start from their references, kept only as SHA-256 hashes and
 * compared in constant time: every token's hash is compared with the presented one's, whatever
 * matched before, so the time taken says nothing about which token (or how much of one) matched.
 */
final class Tokens {
  private record Known(TokenConfig config, byte[] hash) {}

  private final List<Known> known;

  private Tokens(List<Known> known) {
    this.known = known;
  }

  /**
   * Reads every token.
   *
   * @throws InvalidArgumentException naming the token and its reference (never its content) when
   *     one cannot be read
   */
  static Tokens resolve(Collection<TokenConfig> tokens) {
    List<Known> known = new ArrayList<>();
    for (TokenConfig t : tokens) {
      String secret;
      try {
        secret = SecretReference.parse("token", t.reference()).resolve();
      } catch (RuntimeException e) {
        throw new InvalidArgumentException(
            "api.auth.tokens." + t.name() + ": cannot read the token: " + e.getMessage(), e);
      }
      if (secret.strip().length() < 16) {
        throw new InvalidArgumentException(
            "api.auth.tokens."
                + t.name()
                + ": the token is shorter than 16 characters; use a long random one (e.g."
                + " openssl rand -hex 32)");
      }
      known.add(new Known(t, sha256(secret.strip())));
    }
    return new Tokens(List.copyOf(known));
  }

  /** The token a request's {@code Authorization} header carries, when it is a known one. */
  Optional<TokenConfig> authenticate(String authorization) {
    if (authorization == null) {
      return Optional.empty();
    }
    String h = authorization.strip();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    byte[] presented = sha256(h.substring(7).strip());
    TokenConfig match = null;
    for (Known k : known) {
      if (MessageDigest.isEqual(k.hash(), presented) && match == null) {
        match = k.config();
      }
    }
    return Optional.ofNullable(match);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

package io.pdu4j.driver.enistic.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.api.ProtocolException;
import io.pdu4j.driver.enistic.internal.EnisticCodec.Reading;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The codec's byte parser against the regular-expression parser it replaced (kept here as the
 * reference): for every line, the same reading, the same "other event", or the same error message.
 */
class EnisticCodecBytesTest {
  private static final String[] SEEDS = {
    "004A3BB5B04:Reading:0021ED0000041319:94031.992:1:1",
    "004a3bb5b04:reading:0021ed0000041319:0:16:0",
    "FFFFFFFFFFFF:Reading:0021ED0000041319:12:3:99",
    "A:Reading:0021ED0000041319:0.5:1:0",
    " 004A3BB5B04:READING:0021ED0000041319:999999999.999999999:2:7\t",
    "004A3BB5B04:Joined:0021ED0000041319",
    "004A3BB5B04:Status:ok:1:2:3:4",
    ":Status:x",
    "x:",
    "",
  };

  // what may turn a well-formed line into a subtly bad one, ISO-8859-1 oddities included
  private static final String ODD =
      "0123456789abcdefABCDEFgG:.. -_\t\r\n\u000b\u000c\u001c\u001f\u00a0\u0085\u00b5\u00ff\u00e9";

  @Test
  void parsesEveryLineAsTheRegularExpressionsDid() {
    Random random = new Random(12);
    int readings = 0;
    int events = 0;
    int errors = 0;
    for (int n = 0; n < 50_000; n++) {
      String line = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
      Object expected = reference(line);
      Object actual = ofBytes(line);
      assertThat(actual).as("line '%s'", line).isEqualTo(expected);
      if (expected instanceof Reading) {
        readings++;
      } else if (expected instanceof String) {
        errors++;
      } else {
        events++;
      }
    }
    // the mutations reach every outcome, so that the comparison means something
    assertThat(readings).isGreaterThan(500);
    assertThat(events).isGreaterThan(500);
    assertThat(errors).isGreaterThan(500);
  }

  @Test
  void powersAreTheDoublesParseDoubleGives() {
    Random random = new Random(5);
    for (int n = 0; n < 100_000; n++) {
      String whole = Long.toString(random.nextInt(1_000_000_000));
      String fraction =
          Long.toString(1_000_000_000L + random.nextInt(1_000_000_000))
              .substring(1)
              .substring(0, 1 + random.nextInt(9));
      String power = random.nextBoolean() ? whole : whole + "." + fraction;
      double parsed = Double.parseDouble(power);
      if (parsed > EnisticCodec.MAX_POWER) {
        continue;
      }
      Reading r = EnisticCodec.parse("A:Reading:0021ED0000041319:" + power + ":1:1").orElseThrow();
      assertThat(r.power()).as(power).isEqualTo(parsed);
    }
  }

  @Test
  void splitsDatagramsAsTheStringSplitterDoes() {
    Random random = new Random(7);
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      int parts = random.nextInt(80);
      for (int i = 0; i < parts; i++) {
        b.append("ab".repeat(random.nextInt(3)));
        b.append(new String[] {"\r", "\n", "\r\n", "\n\r", "x"}[random.nextInt(5)]);
      }
      String text = b.toString();
      List<String> expected = EnisticCodec.lines(text);
      List<String> actual = new ArrayList<>();
      byte[] payload = text.getBytes(StandardCharsets.ISO_8859_1);
      boolean rest =
          EnisticCodec.lines(
              payload,
              (data, from, to) ->
                  actual.add(new String(data, from, to - from, StandardCharsets.ISO_8859_1)));
      assertThat(rest).isEqualTo(expected.size() > EnisticCodec.MAX_LINES);
      assertThat(actual)
          .isEqualTo(expected.subList(0, Math.min(expected.size(), EnisticCodec.MAX_LINES)));
    }
  }

  private static String mutate(String seed, Random random) {
    StringBuilder b = new StringBuilder(seed);
    int edits = random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = b.length() == 0 ? 0 : random.nextInt(b.length());
      char c = ODD.charAt(random.nextInt(ODD.length()));
      switch (random.nextInt(4)) {
        case 0 -> b.insert(at, c);
        case 1 -> {
          if (b.length() > 0) {
            b.setCharAt(at, c);
          }
        }
        case 2 -> {
          if (b.length() > 0) {
            b.deleteCharAt(at);
          }
        }
        default -> b.insert(at, String.valueOf(c).repeat(random.nextInt(260)));
      }
    }
    return b.toString();
  }

  /** A reading, the string "event", or the error message. */
  private static Object ofBytes(String line) {
    byte[] bytes = ("\r" + line + "\n").getBytes(StandardCharsets.ISO_8859_1);
    try {
      Optional<Reading> r = EnisticCodec.parse(bytes, 1, bytes.length - 1);
      return r.isPresent() ? r.get() : List.of("event");
    } catch (ProtocolException e) {
      return e.getMessage();
    }
  }

  private static Object reference(String line) {
    try {
      Optional<Reading> r = Reference.parse(line);
      return r.isPresent() ? r.get() : List.of("event");
    } catch (ProtocolException e) {
      return e.getMessage();
    }
  }

  /** The parser of EnisticCodec before it read bytes. */
  private static final class Reference {
    private static final Pattern CONTROLLER = Pattern.compile("[0-9A-Fa-f]{1,12}");
    private static final Pattern METER = Pattern.compile("[0-9A-Fa-f]{16}");
    private static final Pattern POWER = Pattern.compile("\\d{1,9}(\\.\\d{1,9})?");
    private static final Pattern SMALL = Pattern.compile("\\d{1,2}");
    private static final Pattern EVENT = Pattern.compile("[A-Za-z][A-Za-z0-9_ -]{0,31}");

    static Optional<Reading> parse(String line) {
      if (line.length() > EnisticCodec.MAX_LINE) {
        throw malformed(line, "longer than " + EnisticCodec.MAX_LINE + " characters");
      }
      String text = line.strip();
      String[] f = text.split(":", -1);
      if (f.length < 2) {
        throw malformed(line, "not Serial:Event:...");
      }
      if (!f[1].equalsIgnoreCase("Reading")) {
        if (EVENT.matcher(f[1]).matches() && !f[0].isEmpty()) {
          return Optional.empty();
        }
        throw malformed(line, "no event word in the second field");
      }
      if (f.length != 6) {
        throw malformed(line, "a reading has 6 fields, this has " + f.length);
      }
      if (!CONTROLLER.matcher(f[0]).matches()) {
        throw malformed(line, "the controller serial is not 1..12 hex digits");
      }
      if (!METER.matcher(f[2]).matches()) {
        throw malformed(line, "the meter serial is not 16 hex digits");
      }
      if (!POWER.matcher(f[3]).matches()) {
        throw malformed(line, "the power is not a decimal number of watts");
      }
      double power = Double.parseDouble(f[3]);
      if (power > EnisticCodec.MAX_POWER) {
        throw malformed(line, "the power is over " + (long) EnisticCodec.MAX_POWER + " W");
      }
      if (!SMALL.matcher(f[4]).matches()) {
        throw malformed(line, "the channel is not a number");
      }
      int channel = Integer.parseInt(f[4]);
      if (channel < 1 || channel > 16) {
        throw malformed(line, "the channel is not 1..16");
      }
      if (!SMALL.matcher(f[5]).matches()) {
        throw malformed(line, "the state is not a number 0..99");
      }
      return Optional.of(new Reading(f[0], f[2], power, channel, Integer.parseInt(f[5])));
    }

    private static ProtocolException malformed(String line, String why) {
      String shown = line.length() > 80 ? line.substring(0, 80) + "..." : line;
      return new ProtocolException(
          "malformed Enistic event (" + why + "): " + shown.replaceAll("[^\\x20-\\x7e]", "?"));
    }
  }
}

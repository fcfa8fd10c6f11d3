package io.pdu4j.driver.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The index-based {@link IsoTekParser} against the substring-based {@link ReferenceIsoTekParser}:
 * the same frame for every line of the fuzz seed corpus and for random lines built from the pieces
 * of status, clock, setting, schedule and address lines.
 */
class IsoTekParserEquivalenceTest {
  private static final String[] PIECES = {
    "CH",
    "RTC",
    "=",
    "|",
    "||",
    ".",
    "0",
    "1",
    "2",
    "9",
    "16",
    "17",
    "99",
    "230",
    "229.6",
    "0.25",
    "123456",
    "1234567",
    "999999.999999",
    "1.0000001",
    " ",
    "\t",
    "/",
    ":",
    "x",
    "OK",
    ">",
    "A=",
    "C",
    "P",
    "2026",
    "11",
    "21",
    "10",
    "00",
    "60",
    "31",
    "02",
    "-1",
    "1e3",
    "+5",
    "\u0663",
    "NaN"
  };

  @Test
  void agreesWithTheReferenceOnTheSeedCorpus() throws IOException, URISyntaxException {
    Path dir =
        Path.of(
            IsoTekParserEquivalenceTest.class
                .getResource("IsoTekStreamFuzzTestInputs/stream")
                .toURI());
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            try {
              String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
              lines.addAll(List.of(text.split("\r\n|\r|\n")));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    assertThat(lines).anyMatch(l -> l.startsWith("CH")).anyMatch(l -> l.startsWith("RTC"));
    for (String line : lines) {
      assertSame(line);
    }
  }

  @Test
  void agreesWithTheReferenceOnRandomLines() {
    Random random = new Random(12);
    for (int run = 0; run < 200_000; run++) {
      StringBuilder line = new StringBuilder();
      switch (random.nextInt(4)) {
        case 0 -> line.append("CH").append(random.nextInt(20)).append('=');
        case 1 -> line.append(random.nextBoolean() ? "RTC=2026/" : "RTC=");
        case 2 ->
            line.append("CH").append(random.nextInt(17)).append('=').append(random.nextInt(2));
        default -> {}
      }
      int pieces = random.nextInt(14);
      for (int i = 0; i < pieces; i++) {
        line.append(PIECES[random.nextInt(PIECES.length)]);
      }
      assertSame(line.toString());
    }
  }

  @Test
  void agreesWithTheReferenceOnClockLinesOneAfterTheOtherAcrossDaysMonthsAndYears() {
    // one reader's lines, as a unit pushes them: the same day second after second, then the next
    // day, month and year, dates that do not exist after one that did, and back
    String[] lines = {
      "RTC=2026/12|31|23|59|58|",
      "RTC=2026/12|31|23|59|59|",
      "RTC=2027/01|01|00|00|00|",
      "RTC=2027/01|01|00|00|01|",
      "RTC=2027/02|28|12|00|00|",
      "RTC=2027/02|29|12|00|00|",
      "RTC=2027/02|28|24|00|00|",
      "RTC=2027/02|28|12|00|01|",
      "RTC=2027/03|28|12|00|01|",
      "RTC=2028/02|28|12|00|01|",
      "RTC=2028/02|29|12|00|01|",
      "RTC=2028/12|29|12|00|01|",
      "RTC=2028/12|29|12|61|01|",
      "RTC=2028/12|29|12|00|02|",
      "RTC=2028/12|29|12|00|02|",
    };
    for (String line : lines) {
      assertSame(line);
    }
  }

  @Test
  void agreesWithTheReferenceOnWellFormedReadings() {
    Random random = new Random(13);
    for (int run = 0; run < 200_000; run++) {
      String line =
          "CH"
              + random.nextInt(17)
              + "="
              + random.nextInt(2)
              + "|"
              + reading(random)
              + "|"
              + reading(random)
              + (random.nextBoolean() ? "|" : "");
      assertSame(line);
    }
  }

  @Test
  void agreesWithTheReferenceOnLinesOfNearlyTheRightShape() {
    String[] fields = {
      "", "0", "1", "2", "05", "12", "31", "060", "123", "2026", "1.5", "7.", ".7", "1..2", "x", " "
    };
    String[] heads = {"CH1=", "CH16=", "CH012=", "CH=", "RTC=2026/", "RTC=2026|", "RTC=02026/"};
    Random random = new Random(14);
    for (int run = 0; run < 200_000; run++) {
      StringBuilder line = new StringBuilder(heads[random.nextInt(heads.length)]);
      int count = 1 + random.nextInt(7);
      for (int i = 0; i < count; i++) {
        line.append(fields[random.nextInt(fields.length)]);
        if (i < count - 1 || random.nextBoolean()) {
          line.append('|');
        }
      }
      assertSame(line.toString());
    }
  }

  private static String reading(Random random) {
    String whole = Integer.toString(random.nextInt(1_000_000));
    if (random.nextBoolean()) {
      return whole;
    }
    int digits = 1 + random.nextInt(6);
    String fraction = Integer.toString(random.nextInt(1_000_000));
    fraction = ("000000" + fraction).substring(fraction.length() + 6 - digits);
    return whole + "." + fraction;
  }

  private static final IsoTekParser.ChannelLine LINE = new IsoTekParser.ChannelLine();

  private static void assertSame(String line) {
    IsoTekFrame expected = ReferenceIsoTekParser.parse(line);
    assertThat(IsoTekParser.parse(line)).as("%s", line).isEqualTo(expected);
    if (line.isEmpty() || !line.chars().allMatch(c -> c <= 0xFF)) {
      return; // the framer hands over bytes: lines of ISO-8859-1 chars, never empty
    }
    // as the framer hands the line over: in place, amid other bytes
    byte[] text = line.getBytes(StandardCharsets.ISO_8859_1);
    byte[] bytes = new byte[text.length + 6];
    java.util.Arrays.fill(bytes, (byte) '7');
    System.arraycopy(text, 0, bytes, 3, text.length);
    assertThat(IsoTekParser.parse(bytes, 3, text.length, LINE))
        .as("%s as bytes", line)
        .isEqualTo(expected);
    // read: no frame for a well-formed channel line (read in place when no blank surrounds it),
    // its values in LINE instead
    IsoTekFrame read = IsoTekParser.read(bytes, 3, text.length, LINE);
    if (expected instanceof IsoTekFrame.Channel && line.strip().equals(line)) {
      assertThat(read).as("%s read", line).isNull();
    }
    if (read == null) {
      assertThat(new IsoTekFrame.Channel(LINE.number, LINE.on, LINE.volts, LINE.watts))
          .as("%s read", line)
          .isEqualTo(expected);
    } else {
      assertThat(read).as("%s read", line).isEqualTo(expected);
    }
  }
}

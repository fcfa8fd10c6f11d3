package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SisReplyReaderTest {
  private static final byte[] NO_PREFIX = new byte[0];

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String text(SisReplyReader.Read read) {
    return new String(read.reply().orElseThrow().data(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void aCommandsLineEndsAtCrLfWhereverItIsCut() {
    SisReplyReader r = new SisReplyReader(OptionalInt.empty(), true, NO_PREFIX, 8192);
    r.expectLine();
    assertThat(r.feed(b("Cpn01 Ccp115200,")).reply()).isEmpty();
    assertThat(r.feed(b("N,8,1\r")).reply()).isEmpty();
    SisReplyReader.Read read = r.feed(b("\nQ"));
    assertThat(text(read)).isEqualTo("Cpn01 Ccp115200,N,8,1");
    assertThat(read.consumed()).isEqualTo(23);
    assertThat(r.mode()).isEqualTo(SisReplyReader.Mode.NONE);
    assertThat(r.buffered()).isEqualTo(1); // kept until the next request clears it
    assertThat(r.feed(b("more\r\n")).reply()).isEmpty(); // awaiting nothing: ignored
    assertThat(r.buffered()).isEqualTo(1);
  }

  @Test
  void anEnnLineIsTheIpcpsError() {
    SisReplyReader r = new SisReplyReader(OptionalInt.empty(), true, NO_PREFIX, 8192);
    r.expectLine();
    SisReplyReader.Read read = r.feed(b("E13\r\n"));
    assertThat(read.reply().orElseThrow().error().code()).isEqualTo(13);
    assertThat(text(read)).isEqualTo("E13"); // a command's answer keeps its line
  }

  @Test
  void aDataReplyLosesThePrefixAndEchoAndEndsAtTheDelimiterWithItsCrLf() {
    SisReplyReader r = new SisReplyReader(OptionalInt.of('>'), true, b("COM1:"), 8192);
    r.expectData(b("?\r"));
    assertThat(r.feed(b("COM")).reply()).isEmpty();
    assertThat(r.feed(b("1:?")).reply()).isEmpty();
    assertThat(r.feed(b("\rOutlet 1 ON\r\n>")).reply()).isEmpty(); // the CR LF may still follow
    SisReplyReader.Read read = r.feed(b("\r\n"));
    assertThat(text(read)).isEqualTo("Outlet 1 ON\r\n>");
    assertThat(r.buffered()).isZero();
  }

  @Test
  void anEnnInPlaceOfTheDataIsTheIpcpsError() {
    SisReplyReader r = new SisReplyReader(OptionalInt.of('>'), true, NO_PREFIX, 8192);
    r.expectData(b("?\r"));
    SisReplyReader.Read read = r.feed(b("E17\r\n"));
    assertThat(read.reply().orElseThrow().error().code()).isEqualTo(17);
    assertThat(read.consumed()).isEqualTo(5);
  }

  @Test
  void aLoneCrLfIsAnEmptyReply() {
    SisReplyReader r = new SisReplyReader(OptionalInt.of('>'), true, NO_PREFIX, 8192);
    r.expectData(b("x"));
    SisReplyReader.Read read = r.feed(b("\r\n"));
    assertThat(read.reply().orElseThrow().data()).isEmpty();
    assertThat(read.reply().get().error()).isNull();
  }

  @Test
  void withoutADelimiterQuietEndsTheReply() {
    SisReplyReader r = new SisReplyReader(OptionalInt.empty(), true, NO_PREFIX, 8192);
    r.expectData(b("?"));
    assertThat(r.feed(b("?ab")).reply()).isEmpty();
    assertThat(r.endsIfQuiet()).isFalse();
    assertThat(r.feed(b("c\r\n")).reply()).isEmpty();
    assertThat(r.endsIfQuiet()).isTrue();
    assertThat(r.quiet().orElseThrow().data()).isEqualTo(b("abc"));
    assertThat(r.quiet()).isEmpty(); // awaiting nothing any more
  }

  @Test
  void overTheBoundWithoutAnEndIsDroppedAndEndsTheWaitWithItsStart() {
    SisReplyReader r = new SisReplyReader(OptionalInt.of('>'), false, NO_PREFIX, 8);
    r.expectData(b(""));
    assertThat(r.feed(b("12345678")).overlong()).isFalse();
    SisReplyReader.Read read = r.feed(b("9"));
    assertThat(read.overlong()).isTrue();
    assertThat(read.reply()).isEmpty();
    assertThat(read.dropped().overlong()).isTrue();
    assertThat(read.dropped().data()).isEqualTo(b("123456789"));
    assertThat(r.buffered()).isZero();
    assertThat(r.mode()).isEqualTo(SisReplyReader.Mode.NONE); // the request has its answer
    assertThat(r.skipping()).isTrue();
    // the rest of the dropped reply, through its LF, is not the next request's reply
    r.expectData(b(""));
    assertThat(r.feed(b("abc>")).reply()).isEmpty();
    assertThat(
            r.feed(b("d\nok>")).reply().map(x -> new String(x.data(), StandardCharsets.ISO_8859_1)))
        .contains("ok>");
    assertThat(r.skipping()).isFalse();
  }

  @Test
  void theStartOfAnOverLongReplyIsBounded() {
    SisReplyReader r = new SisReplyReader(OptionalInt.empty(), true, NO_PREFIX, 100);
    r.expectLine();
    SisReplyReader.Read read = r.feed(b("z".repeat(500) + "\n"));
    assertThat(read.dropped().data()).hasSize(SisReplyReader.DROPPED_START);
    assertThat(r.skipping()).isFalse(); // its line end came with it
    r.expectLine();
    assertThat(text(r.feed(b("1\r\n")))).isEqualTo("1");
  }
}

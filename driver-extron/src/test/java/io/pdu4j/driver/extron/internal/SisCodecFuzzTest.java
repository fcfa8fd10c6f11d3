package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.pdu4j.api.InvalidArgumentException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Fuzzes {@link SisCodec} and the web form's request encoding ({@code ExtronHttpLink.cmd}).
 *
 * <p>Properties: the line parsers (banner, login, {@code Enn}, password prompt) never throw and
 * only accept what they describe; a send-data-string is refused with {@link
 * InvalidArgumentException} or is its header followed by the data, which decodes back exactly
 * (inline, %-encoded) and cannot end the command early; the web form's {@code cmd} value decodes
 * back to the request; the lead of a reply is never longer than the reply.
 */
class SisCodecFuzzTest {

  @FuzzTest
  void codec(FuzzedDataProvider data) {
    int port = data.consumeInt(-1, 18);
    OptionalInt t1 =
        data.consumeBoolean() ? OptionalInt.of(data.consumeInt(-1, 40000)) : OptionalInt.empty();
    OptionalInt t2 =
        data.consumeBoolean() ? OptionalInt.of(data.consumeInt(-1, 40000)) : OptionalInt.empty();
    OptionalInt delimiter =
        data.consumeBoolean() ? OptionalInt.of(data.consumeInt(0, 255)) : OptionalInt.empty();
    boolean inline = data.consumeBoolean();
    byte[] prefix = data.consumeBytes(data.consumeInt(0, 8));
    byte[] payload = data.consumeBytes(data.consumeInt(0, 260));
    String line = data.consumeRemainingAsString();

    lines(line);
    sendData(port, t1, t2, delimiter, payload, inline);

    int lead = SisCodec.leadLength(line.getBytes(StandardCharsets.ISO_8859_1), prefix, payload);
    assertThat(lead).isBetween(0, line.getBytes(StandardCharsets.ISO_8859_1).length);
  }

  private static void lines(String line) {
    Optional<SisCodec.SisError> error = SisCodec.parseError(line);
    if (error.isPresent()) {
      assertThat(line.trim()).matches("E[0-9][0-9]");
      assertThat(error.get().code()).isBetween(0, 99);
      assertThat(error.get().describe()).startsWith(line.trim() + " (").endsWith(")");
    }
    SisCodec.parseBanner(line)
        .ifPresent(
            b -> {
              assertThat(b.year()).matches("[0-9]{4}");
              assertThat(line)
                  .contains("Extron Electronics", b.model(), b.firmware(), b.partNumber());
            });
    SisCodec.parseLogin(line).ifPresent(level -> assertThat(level).isIn("Administrator", "User"));
    if (SisCodec.endsWithPasswordPrompt(line)) {
      assertThat(line).contains("Password:");
    }
  }

  private static void sendData(
      int port,
      OptionalInt t1,
      OptionalInt t2,
      OptionalInt delimiter,
      byte[] payload,
      boolean inline) {
    byte[] request;
    try {
      request = SisCodec.sendData(port, t1, t2, delimiter, payload, inline);
    } catch (InvalidArgumentException e) {
      boolean portOk = port >= 1 && port <= 16;
      boolean sizeOk = payload.length > 0 && payload.length < SisCodec.MAX_DATA;
      assertThat(portOk && sizeOk && timesOk(t1, t2)).as(e.getMessage()).isFalse();
      return;
    }
    assertThat(timesOk(t1, t2)).isTrue();
    byte[] header = SisCodec.sendDataHeader(port, t1, t2, delimiter);
    assertThat(header[0]).isEqualTo(SisCodec.ESC);
    assertThat(new String(header, 1, 2, StandardCharsets.ISO_8859_1))
        .isEqualTo("%02d".formatted(port));
    assertThat(new String(header, StandardCharsets.ISO_8859_1)).endsWith("RS\r");
    if (inline) {
      int dataStart = header.length - 1;
      assertThat(Arrays.copyOf(request, dataStart)).isEqualTo(Arrays.copyOf(header, dataStart));
      assertThat(request[request.length - 1]).isEqualTo((byte) '\r');
      byte[] encoded = Arrays.copyOfRange(request, dataStart, request.length - 1);
      for (byte b : encoded) {
        assertThat(b)
            .as("a CR or LF inside would end the command")
            .isNotIn((byte) '\r', (byte) '\n');
      }
      assertThat(percentDecode(encoded)).isEqualTo(payload);
    } else {
      assertThat(Arrays.copyOf(request, header.length)).isEqualTo(header);
      assertThat(Arrays.copyOfRange(request, header.length, request.length)).isEqualTo(payload);
    }

    String cmd = ExtronHttpLink.cmd(request);
    assertThat(cmd).matches("W?[0-9A-Za-z%|]*");
    assertThat(webDecode(cmd)).isEqualTo(request);
  }

  private static boolean timesOk(OptionalInt t1, OptionalInt t2) {
    if (t1.isPresent() != t2.isPresent()) {
      return false;
    }
    if (t1.isEmpty()) {
      return true;
    }
    int a = t1.getAsInt();
    int b = t2.getAsInt();
    return a >= 0
        && a <= SisCodec.MAX_TENS
        && b >= 0
        && b <= SisCodec.MAX_TENS
        && (a == 0) == (b == 0);
  }

  private static byte[] percentDecode(byte[] encoded) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < encoded.length; i++) {
      if (encoded[i] == '%') {
        out.write(Integer.parseInt(new String(encoded, i + 1, 2, StandardCharsets.ISO_8859_1), 16));
        i += 2;
      } else {
        out.write(encoded[i]);
      }
    }
    return out.toByteArray();
  }

  /** The request back from the web form's {@code cmd}: W is Esc first, | the first CR. */
  private static byte[] webDecode(String cmd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < cmd.length(); i++) {
      char c = cmd.charAt(i);
      if (c == 'W' && i == 0) {
        out.write(SisCodec.ESC);
      } else if (c == '|') {
        out.write('\r');
      } else if (c == '%') {
        out.write(Integer.parseInt(cmd.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }
}

package io.pdu4j.sim.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyRendererTest {

  private final ReplyRenderer lf = new ReplyRenderer("\n", true, "ERR");

  @Test
  void rendersOkErrorAndBodies() {
    assertThat(lf.render(Reply.ok())).isEqualTo("OK\n>\n");
    assertThat(lf.render(Reply.error())).isEqualTo("ERR\n>\n");
    assertThat(lf.render(Reply.ok(List.of("a", "b")))).isEqualTo("a\nb\nOK\n>\n");
  }

  @Test
  void thePromptMayHaveNoEnding() {
    ReplyRenderer crlf = new ReplyRenderer("\r\n", false, "E");
    assertThat(crlf.render(Reply.ok(List.of("a")))).isEqualTo("a\r\nOK\r\n>");
    assertThat(crlf.render(Reply.error())).isEqualTo("E\r\n>");
  }

  @Test
  void aPushIsLinesOnly() {
    assertThat(lf.renderPush(List.of("CH0=1|230|0|", "RTC=2024/05|17|09|03|07|")))
        .isEqualTo("CH0=1|230|0|\nRTC=2024/05|17|09|03|07|\n");
  }

  @Test
  void aPushMayEndLikeTheAnswerToAQuery() {
    ReplyRenderer withOk = new ReplyRenderer("\r\n", false, "ERR", true);
    assertThat(withOk.renderPush(List.of("CH0=1|230|0|", "RTC=2024/05|17|09|03|07|")))
        .isEqualTo("CH0=1|230|0|\r\nRTC=2024/05|17|09|03|07|\r\nOK\r\n>");
    // inserted in a reply, it comes whole, OK and prompt included
    assertThat(withOk.render(Reply.ok(List.of("a", "b")), List.of("P1")))
        .isEqualTo("a\r\nP1\r\nOK\r\n>b\r\nOK\r\n>");
  }

  @Test
  void anInsertedPushGoesHalfwayThroughTheBodyOrBeforeOk() {
    List<String> push = List.of("P1", "P2");
    assertThat(lf.render(Reply.ok(), push)).isEqualTo("P1\nP2\nOK\n>\n");
    assertThat(lf.render(Reply.error(), push)).isEqualTo("P1\nP2\nERR\n>\n");
    assertThat(lf.render(Reply.ok(List.of("a")), push)).isEqualTo("a\nP1\nP2\nOK\n>\n");
    assertThat(lf.render(Reply.ok(List.of("a", "b", "c", "d")), push))
        .isEqualTo("a\nb\nP1\nP2\nc\nd\nOK\n>\n");
  }
}

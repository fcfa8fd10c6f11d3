package io.pdu4j.driver.isotek.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pdu4j.driver.isotek.internal.IsoTekStatusAssembler.Block;
import io.pdu4j.driver.isotek.internal.IsoTekStatusAssembler.Dropped;
import io.pdu4j.driver.isotek.internal.IsoTekStatusAssembler.Result;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IsoTekStatusAssemblerTest {
  private final IsoTekStatusAssembler assembler = new IsoTekStatusAssembler();
  private long seq;

  /** Feeds lines; returns every block they ended. */
  private List<Result> feed(String... lines) {
    List<Result> out = new ArrayList<>();
    for (String line : lines) {
      assembler.accept(IsoTekParser.parse(line), ++seq).ifPresent(out::add);
    }
    return out;
  }

  static List<String> channels(int outlets) {
    List<String> lines = new ArrayList<>();
    lines.add("CH0=1|230|" + (outlets * 10) + "|");
    for (int i = 1; i <= outlets; i++) {
      lines.add("CH" + i + "=" + (i % 2) + "|230|" + i + ".5|");
    }
    return lines;
  }

  private static String[] block(int outlets, String... after) {
    List<String> lines = channels(outlets);
    lines.addAll(List.of(after));
    return lines.toArray(String[]::new);
  }

  @Test
  void assemblesAPushOfSixteenOutletsEndedByTheClock() {
    List<Result> results = feed(block(16, "RTC=2026/11|21|10|00|00|"));
    assertThat(results).hasSize(1);
    Block b = (Block) results.get(0);
    assertThat(b.startSeq()).isEqualTo(1);
    assertThat(b.input()).isEqualTo(new IsoTekFrame.Channel(0, true, 230, 160));
    assertThat(b.outlets()).hasSize(16);
    assertThat(b.outlets().get(0)).isEqualTo(new IsoTekFrame.Channel(1, true, 230, 1.5));
    assertThat(b.outlets().get(15)).isEqualTo(new IsoTekFrame.Channel(16, false, 230, 16.5));
    assertThat(b.clock()).contains(LocalDateTime.of(2026, 11, 21, 10, 0));
  }

  @Test
  void aBlockHandedBackLendsItsArraysToTheNextAndOnlyTheLastBlockIsTakenBack() {
    // the reference: the same lines through an assembler that is never handed a block back
    IsoTekStatusAssembler fresh = new IsoTekStatusAssembler();
    List<Block> expected = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      lines.add("CH0=1|23" + round + "|" + (round * 10) + "|");
      for (int i = 1; i <= 16 - round; i++) { // fewer outlets each round: no reading stays behind
        lines.add(
            "CH" + i + "=" + ((i + round) % 2) + "|2" + (30 + round) + "|" + (i + round) + "|");
      }
      lines.add("RTC=2026/11|21|10|00|0" + round + "|");
    }
    long n = 0;
    for (String line : lines) {
      Optional<Result> r = fresh.accept(IsoTekParser.parse(line), ++n);
      r.ifPresent(result -> expected.add((Block) result));
    }
    Block first = null;
    List<Block> blocks = new ArrayList<>();
    for (String line : lines) {
      Optional<Result> r = assembler.accept(IsoTekParser.parse(line), ++seq);
      if (r.isPresent()) {
        Block b = (Block) r.get();
        assertThat(b).isEqualTo(expected.get(blocks.size())); // before its arrays go back
        assertThat(b.toString()).isEqualTo(expected.get(blocks.size()).toString());
        blocks.add(b);
        if (first == null) {
          first = b;
        }
        assembler.recycle(b);
        assembler.recycle(first); // no longer the last one: ignored, so no arrays shared twice
      }
    }
    assertThat(blocks).hasSize(4);
    // a block never handed back keeps its readings
    IsoTekStatusAssembler kept = new IsoTekStatusAssembler();
    List<Block> keptBlocks = new ArrayList<>();
    long k = 0;
    for (String line : lines) {
      kept.accept(IsoTekParser.parse(line), ++k).ifPresent(r -> keptBlocks.add((Block) r));
    }
    assertThat(keptBlocks).isEqualTo(expected);
    assertThat(keptBlocks.get(3).volts(13)).isEqualTo(233);
    assertThat(keptBlocks.get(3).outletCount()).isEqualTo(13);
    // a block handed back only once the next one has begun: its arrays are not taken, so the
    // block keeps its readings and the next one has its own
    IsoTekStatusAssembler late = new IsoTekStatusAssembler();
    List<Block> lateBlocks = new ArrayList<>();
    long m = 0;
    for (String line : lines) {
      if (!lateBlocks.isEmpty() && line.startsWith("CH1=") && lateBlocks.size() < 4) {
        late.recycle(lateBlocks.get(lateBlocks.size() - 1));
      }
      late.accept(IsoTekParser.parse(line), ++m).ifPresent(r -> lateBlocks.add((Block) r));
    }
    assertThat(lateBlocks).isEqualTo(expected);
  }

  @Test
  void assemblesAReplyOfEightOutletsAndIgnoresItsOkAndPrompt() {
    List<Result> results = feed(block(8, "RTC=2026/11|21|10|00|00|", "OK", ">"));
    assertThat(results).hasSize(1);
    assertThat(((Block) results.get(0)).outlets()).hasSize(8);
  }

  @Test
  void acceptsABlockEndedByOkWithoutClock() {
    List<Result> results = feed(block(8, "OK", ">"));
    assertThat(results).singleElement().isInstanceOf(Block.class);
    assertThat(((Block) results.get(0)).clock()).isEmpty();
  }

  @Test
  void okOrClockWithNoBlockInProgress() {
    assertThat(feed("OK", ">")).isEmpty();
    assertThat(feed("RTC=2026/11|21|10|00|00|")).singleElement().isInstanceOf(Dropped.class);
  }

  @Test
  void dropsABlockWithAMalformedLineAndReadsTheNextOne() {
    List<String> lines = channels(8);
    lines.set(3, "CH3=x|y|");
    lines.add("RTC=2026/11|21|10|00|00|");
    List<Result> results = feed(lines.toArray(String[]::new));
    assertThat(results).singleElement().isInstanceOf(Dropped.class);
    assertThat(((Dropped) results.get(0)).reason()).contains("CH3=x|y|");

    assertThat(feed(block(8, "RTC=2026/11|21|10|00|01|")))
        .singleElement()
        .isInstanceOf(Block.class);
  }

  @Test
  void dropsABlockWithAMalformedClock() {
    assertThat(feed(block(8, "RTC=2026/13|21|10|00|00|", "OK")))
        .singleElement()
        .isInstanceOf(Dropped.class);
  }

  @Test
  void dropsABlockWithAMissingChannel() {
    List<String> lines = channels(8);
    lines.remove(5); // CH5, e.g. lost to an over-long line
    lines.add("RTC=2026/11|21|10|00|00|");
    List<Result> results = feed(lines.toArray(String[]::new));
    assertThat(results).singleElement().isInstanceOf(Dropped.class);
    assertThat(((Dropped) results.get(0)).reason()).contains("CH5 missing");
  }

  @Test
  void dropsABlockWithoutInputOrOutlets() {
    List<String> lines = channels(8);
    lines.remove(0);
    lines.add("RTC=2026/11|21|10|00|00|");
    assertThat(feed(lines.toArray(String[]::new))).singleElement().isInstanceOf(Dropped.class);
    assertThat(feed("CH0=1|230|0|", "RTC=2026/11|21|10|00|00|"))
        .singleElement()
        .isInstanceOf(Dropped.class);
  }

  @Test
  void aNewInputLineBreaksOffAnUnfinishedBlock() {
    List<String> first = channels(8).subList(0, 4);
    List<String> lines = new ArrayList<>(first);
    lines.addAll(List.of(block(8, "RTC=2026/11|21|10|00|00|")));
    List<Result> results = feed(lines.toArray(String[]::new));
    assertThat(results).hasSize(2);
    assertThat(results.get(0)).isInstanceOf(Dropped.class);
    assertThat(results.get(0).startSeq()).isEqualTo(1);
    assertThat(results.get(1)).isInstanceOf(Block.class);
    assertThat(results.get(1).startSeq()).isEqualTo(5);
  }

  @Test
  void aRepeatedChannelBreaksOffAnUnfinishedBlock() {
    List<Result> results = feed("CH0=1|230|0|", "CH1=1|230|0|", "CH1=1|230|0|");
    assertThat(results).singleElement().isInstanceOf(Dropped.class);
  }

  @Test
  void garbageBetweenLinesDoesNotBreakABlock() {
    List<String> lines = channels(8);
    lines.add(4, "ERR");
    lines.add(6, "\u0000\u0001");
    lines.add("RTC=2026/11|21|10|00|00|");
    assertThat(feed(lines.toArray(String[]::new))).singleElement().isInstanceOf(Block.class);
  }

  @Test
  void assemblesBlocksOfAnyOutletCountOneAfterTheOther() {
    // a unit swapped at the same address: whether that is acceptable is the session's decision
    feed(block(8, "RTC=2026/11|21|10|00|00|"));
    List<Result> results = feed(block(16, "RTC=2026/11|21|10|00|01|"));
    assertThat(results).singleElement().isInstanceOf(Block.class);
    assertThat(((Block) results.get(0)).outlets()).hasSize(16);
    assertThat(feed(block(8, "RTC=2026/11|21|10|00|02|")))
        .singleElement()
        .satisfies(r -> assertThat(((Block) r).outlets()).hasSize(8));
  }

  @Test
  void resetForgetsAPartialBlock() {
    feed(channels(8).subList(0, 5).toArray(String[]::new));
    assembler.reset();
    assertThat(feed("CH6=1|230|0|", "CH7=1|230|0|", "CH8=1|230|0|", "RTC=2026/11|21|10|00|00|"))
        .singleElement()
        .isInstanceOf(Dropped.class);
    assertThat(feed(block(8, "RTC=2026/11|21|10|00|00|")))
        .singleElement()
        .isInstanceOf(Block.class);
  }

  @Test
  void blocksCarryTheSequenceNumberOfTheirFirstLine() {
    feed("OK", ">", "ERR");
    Optional<Result> none = Optional.empty();
    assertThat(none).isEmpty();
    List<Result> results = feed(block(8, "RTC=2026/11|21|10|00|00|"));
    assertThat(results.get(0).startSeq()).isEqualTo(4);
  }

  @Test
  void channelLinesGivenByTheirValuesMakeTheSameBlockAsTheirFrames() {
    List<String> lines = new ArrayList<>(channels(16));
    lines.add("RTC=2026/11|21|10|00|00|");
    Block framed = (Block) feed(lines.toArray(String[]::new)).get(0);
    // the line reader's way: a channel line's values, no frame
    IsoTekStatusAssembler byValues = new IsoTekStatusAssembler();
    long n = 0;
    Result ended = null;
    for (String line : lines) {
      IsoTekFrame frame = IsoTekParser.parse(line);
      ended =
          frame instanceof IsoTekFrame.Channel c
              ? byValues.channel(c.number(), c.on(), c.volts(), c.watts(), ++n)
              : byValues.take(frame, ++n);
    }
    assertThat(ended).isEqualTo(framed);
    Block b = (Block) ended;
    assertThat(b.outletCount()).isEqualTo(16);
    assertThat(b.on(0)).isTrue();
    assertThat(b.on(1)).isTrue();
    assertThat(b.on(2)).isFalse();
    assertThat(b.volts(0)).isEqualTo(230);
    assertThat(b.watts(0)).isEqualTo(160);
    assertThat(b.watts(16)).isEqualTo(16.5);
    assertThat(b.channel(16)).isEqualTo(new IsoTekFrame.Channel(16, false, 230, 16.5));
  }

  @Test
  void aBlockKeepsItsReadingsWhenTheAssemblerReadsTheNextOne() {
    Block first = (Block) feed(block(2, "RTC=2026/11|21|10|00|00|")).get(0);
    feed("CH0=0|1|2|", "CH1=0|3|4|", "CH2=1|5|6|", "RTC=2026/11|21|10|00|01|");
    assertThat(first.input()).isEqualTo(new IsoTekFrame.Channel(0, true, 230, 20));
    assertThat(first.outlets())
        .containsExactly(
            new IsoTekFrame.Channel(1, true, 230, 1.5),
            new IsoTekFrame.Channel(2, false, 230, 2.5));
  }

  @Test
  void aBlockOfFramesTakesItsOutletsInOrderFromOne() {
    IsoTekFrame.Channel in = new IsoTekFrame.Channel(0, true, 230, 0);
    IsoTekFrame.Channel one = new IsoTekFrame.Channel(1, true, 230, 0);
    IsoTekFrame.Channel two = new IsoTekFrame.Channel(2, true, 230, 0);
    assertThat(new Block(1, in, List.of(one, two), Optional.empty()).outlets())
        .containsExactly(one, two);
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new Block(1, in, List.of(two, one), Optional.empty()));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new Block(1, one, List.of(two), Optional.empty()));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> new Block(1, in, List.of(), Optional.empty()));
  }
}

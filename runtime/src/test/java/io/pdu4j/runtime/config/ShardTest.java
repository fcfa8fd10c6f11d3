package io.pdu4j.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pdu4j.api.InvalidArgumentException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardTest {
  @Test
  void everyNameHasExactlyOneOwner() {
    for (String name : new String[] {"rack-a", "rack-b", "office", "x", "lab.3"}) {
      long owners = IntStream.range(0, 3).filter(i -> new Shard(i, 3).owns(name)).count();
      assertThat(owners).as(name).isEqualTo(1);
      assertThat(Shard.ALL.owns(name)).isTrue();
    }
  }

  @Test
  void theHashIsFixed() {
    // FNV-1a 32: "" is the offset basis, "a" is 0xe40c292c; this must never change between versions
    assertThat(Shard.of("", 1000)).isEqualTo((int) (0x811c9dc5L % 1000));
    assertThat(Shard.of("a", 7)).isEqualTo((int) (0xe40c292cL % 7));
  }

  @Test
  void devicesSpreadOverTheShards() {
    int[] counts = new int[3];
    for (int i = 0; i < 300; i++) {
      counts[Shard.of("rack-" + i, 3)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(70, 130);
    }
  }

  @Test
  void parsesAndRefuses() {
    assertThat(Shard.parse(" 2/3 ")).isEqualTo(new Shard(2, 3));
    assertThatThrownBy(() -> Shard.parse("3/3"))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("0..2");
    assertThatThrownBy(() -> Shard.parse("a/3")).hasMessageContaining("INDEX/COUNT");
    assertThatThrownBy(() -> Shard.parse("1")).hasMessageContaining("INDEX/COUNT");
    assertThatThrownBy(() -> Shard.parse("0/0")).hasMessageContaining("count");
  }
}

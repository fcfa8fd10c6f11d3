package io.pdu4j.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Serve's heap figures as {@link FleetBench#heap} reads them from {@code jcmd GC.heap_info}. */
class HeapInfoTest {
  @Test
  void g1HasOneHeap() {
    String info =
        """
        11498:
         garbage-first heap   total 1417216K, used 125368K [0x0000000687400000, 0x0000000800000000)
          region size 4096K, 8 young (32768K), 3 survivors (12288K)
         Metaspace       used 27182K, committed 27584K, reserved 1114112K
          class space    used 3095K, committed 3264K, reserved 1048576K
        """;
    assertThat(FleetBench.heap(info)).containsExactly(1417216L * 1024, 125368L * 1024);
  }

  @Test
  void theSerialCollectorsGenerationsAreAddedUp() {
    // not only the young generation, the first line that names a total
    String info =
        """
        4242:
         def new generation   total 116160K, used 8264K [0x0000000687400000, 0x000000068f200000, 0x0000000704d50000)
          eden space 103296K,   8% used [0x0000000687400000, 0x0000000687c12110, 0x000000068d8e0000)
          from space 12864K,   0% used [0x000000068d8e0000, 0x000000068d8e0000, 0x000000068e570000)
          to   space 12864K,   0% used [0x000000068e570000, 0x000000068e570000, 0x000000068f200000)
         tenured generation   total 258048K, used 90000K [0x0000000704d50000, 0x0000000714950000, 0x0000000800000000)
           the space 258048K,  34% used [0x0000000704d50000, 0x0000000704d50000, 0x0000000704d50200, 0x0000000714950000)
         Metaspace       used 108K, committed 192K, reserved 1114112K
        """;
    assertThat(FleetBench.heap(info))
        .containsExactly((116160L + 258048L) * 1024, (8264L + 90000L) * 1024);
  }

  @Test
  void noHeapNoFigures() {
    assertThat(FleetBench.heap("4242:\nCould not attach\n")).isNull();
  }
}

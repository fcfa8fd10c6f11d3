package io.pdu4j.bench.fleet;

import io.pdu4j.bench.fleet.FleetResults.HotSpot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hot spots of a JFR recording: the methods on top of the most execution samples, and the first
 * pdu4j method under each sample (what of ours leads to the time), with their shares.
 */
final class HotSpots {
  private static final int TOP = 12;

  private HotSpots() {}

  static void read(Path recording, FleetResults into) throws IOException {
    Map<String, Integer> top = new HashMap<>();
    Map<String, Integer> ours = new HashMap<>();
    int samples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
        continue;
      }
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      if (frames.isEmpty()) {
        continue;
      }
      samples++;
      top.merge(name(frames.get(0)), 1, Integer::sum);
      for (RecordedFrame f : frames) {
        if (f.getMethod().getType().getName().startsWith("io.pdu4j.")) {
          ours.merge("pdu4j: " + name(f), 1, Integer::sum);
          break;
        }
      }
    }
    into.hotSpotSamples = samples;
    add(top, samples, into);
    add(ours, samples, into);
  }

  private static void add(Map<String, Integer> counts, int samples, FleetResults into) {
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(TOP)
        .forEach(
            en -> into.hotSpots.add(new HotSpot(en.getKey(), en.getValue() / (double) samples)));
  }

  private static String name(RecordedFrame f) {
    String type = f.getMethod().getType().getName();
    return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
  }
}

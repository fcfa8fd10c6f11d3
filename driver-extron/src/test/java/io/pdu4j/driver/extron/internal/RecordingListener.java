package io.pdu4j.driver.extron.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pdu4j.api.PowerDeviceException;
import io.pdu4j.spi.LinkListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What a tunnel tells its inner driver: ups, downs and the data, as text; and stage helpers. */
public final class RecordingListener implements LinkListener {
  volatile int ups;
  final List<PowerDeviceException> downs = new CopyOnWriteArrayList<>();
  private final StringBuffer data = new StringBuffer();

  @Override
  public void onUp() {
    ups++;
  }

  @Override
  public void onData(ByteBuffer b) {
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    data.append(new String(bytes, StandardCharsets.ISO_8859_1));
  }

  @Override
  public void onDown(PowerDeviceException cause) {
    downs.add(cause);
  }

  /** Every down reported so far. */
  public List<PowerDeviceException> downs() {
    return List.copyOf(downs);
  }

  /** Everything delivered so far. */
  public String data() {
    return data.toString();
  }

  /**
   * Waits for exactly this to have been delivered since the last call, then forgets it. Data
   * follows the completion of the send that asked for it, so it is awaited.
   */
  public void expect(String text) {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(data.toString()).isEqualTo(text));
    data.setLength(0);
  }
}

package io.pdu4j.runtime;

import io.pdu4j.api.PowerDevice;
import io.pdu4j.spi.DeviceAddress;
import io.pdu4j.spi.DriverContext;
import io.pdu4j.spi.LinkRequirements;
import io.pdu4j.spi.PowerDriver;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A driver whose devices are {@link FakeDevice}s; its open behaviour can be replaced. */
class FakeDriver implements PowerDriver {
  final String code;
  final List<DriverContext> contexts = new CopyOnWriteArrayList<>();
  final List<FakeDevice> devices = new CopyOnWriteArrayList<>();
  volatile Function<DriverContext, CompletionStage<PowerDevice>> opener;

  FakeDriver(String code) {
    this.code = code;
    this.opener =
        ctx ->
            ctx.link()
                .open(
                    new io.pdu4j.spi.LinkListener() {
                      @Override
                      public void onUp() {}

                      @Override
                      public void onDown(io.pdu4j.api.PowerDeviceException cause) {}
                    })
                .thenApply(
                    v -> {
                      FakeDevice d = new FakeDevice(ctx);
                      devices.add(d);
                      return d;
                    });
  }

  @Override
  public String code() {
    return code;
  }

  @Override
  public String vendor() {
    return "Acme";
  }

  @Override
  public String description() {
    return "test devices";
  }

  @Override
  public Set<String> optionNames() {
    return Set.of("colour");
  }

  @Override
  public LinkRequirements requirements(DeviceAddress address) {
    return LinkRequirements.stream(7);
  }

  @Override
  public CompletionStage<PowerDevice> open(DriverContext context) {
    contexts.add(context);
    return opener.apply(context);
  }

  /** Another class with a code of choice, for clash tests. */
  static final class Other extends FakeDriver {
    Other(String code) {
      super(code);
    }
  }
}

package com.example.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pdu4j.api.DeviceStatus;
import io.pdu4j.api.OutletState;
import io.pdu4j.api.PowerDevice;
import io.pdu4j.runtime.PowerRuntime;
import io.pdu4j.sim.isotek.IsoTekSimulator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SimulatedRackTest {
  @Test
  void opensASimulatedIsoTekAndReadsItsStatus() throws Exception {
    try (IsoTekSimulator sim = IsoTekSimulator.builder().tcpPort(0).outlets(8).build().start();
        PowerRuntime runtime = PowerRuntime.builder().build()) {
      PowerDevice rack = runtime.open("isotek:tcp://127.0.0.1:" + sim.port() + "?timeout=5s");
      rack.outlet(3).switchOff().toCompletableFuture().get(10, TimeUnit.SECONDS);
      DeviceStatus status = rack.refresh().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(8, status.outlets().size());
      assertEquals(OutletState.OFF, status.outlets().get(2).state());
      System.out.println("consumer: read " + status.outlets().size() + " outlets");
    }
  }
}

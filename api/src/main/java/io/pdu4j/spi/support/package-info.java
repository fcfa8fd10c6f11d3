/**
 * Building blocks a driver may use to write its session, none of them required: a bounded {@link
 * io.pdu4j.spi.support.LineFramer}, a request/reply {@link io.pdu4j.spi.support.CommandQueue} run
 * by {@link io.pdu4j.spi.support.Exchange}s that answer with an {@link
 * io.pdu4j.spi.support.Outcome}, a capped {@link io.pdu4j.spi.support.Backoff}, a {@link
 * io.pdu4j.spi.support.BurstLog} that logs bad input once per burst, {@link
 * io.pdu4j.spi.support.Freshness} for readings that go stale, {@link
 * io.pdu4j.spi.support.WatchTimers} for the delays of watch timers every device of a fleet keeps
 * and {@link io.pdu4j.spi.support.Watch} for such a deadline, cheap at a fleet's scale, {@link
 * io.pdu4j.spi.support.AwaitedReplies} for the commands on a thread that await their reply, and
 * {@link io.pdu4j.spi.support.VarHandles} for the handles of fields kept instead of atomic objects.
 *
 * <p>Read by driver authors; pdu4j's own device and transports use them too. They depend on the
 * user API only, never on the driver contract ({@link io.pdu4j.spi}), so each is usable and
 * testable on its own; {@link io.pdu4j.spi.DriverContext#commandQueue} wires a queue to a device.
 */
package io.pdu4j.spi.support;

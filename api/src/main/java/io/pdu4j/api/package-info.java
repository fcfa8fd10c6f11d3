/**
 * The pdu4j user API: power devices, their outlets, readings, schedules, events and errors, and the
 * user's configuration of a device ({@link io.pdu4j.api.DeviceOptions}, durations written as {@link
 * io.pdu4j.api.Durations} reads them).
 *
 * <p>Every I/O call returns a {@link java.util.concurrent.CompletionStage} that completes exactly
 * once, either with its result or with one {@link io.pdu4j.api.PowerDeviceException}. Values are
 * immutable records; absent readings are {@link java.util.Optional} or {@link
 * java.util.OptionalDouble}, never {@code null} or {@code NaN}. This package knows nothing of the
 * SPI ({@code io.pdu4j.spi}) that drivers and transports are written against.
 */
package io.pdu4j.api;

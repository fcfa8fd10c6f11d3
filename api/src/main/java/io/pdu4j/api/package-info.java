/**
 * The pdu4j user API: power devices, their outlets, readings, schedules, events and errors.
 *
 * <p>Every I/O call returns a {@link java.util.concurrent.CompletionStage} that completes exactly
 * once, either with its result or with one {@link io.pdu4j.api.PowerDeviceException}. Values are
 * immutable records; absent readings are {@link java.util.Optional} or {@link
 * java.util.OptionalDouble}, never {@code null} or {@code NaN}.
 */
package io.pdu4j.api;

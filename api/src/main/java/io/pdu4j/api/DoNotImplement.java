package io.pdu4j.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a type that pdu4j alone implements: call it, never implement or extend it.
 *
 * <p>Such a type may gain methods in any minor release, which would break a class outside pdu4j
 * that implements it. Drivers do not implement these types either: they implement the driver SPI,
 * and the framework builds the user-facing objects from it. An ArchUnit rule in the project's tests
 * ({@code ArchitectureTest}) enforces this for pdu4j's own modules.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface DoNotImplement {}

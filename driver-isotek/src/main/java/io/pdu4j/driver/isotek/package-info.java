/**
 * The pdu4j driver for IsoTek SMART Power units: {@link io.pdu4j.driver.isotek.IsoTekDriver}, found
 * through {@link java.util.ServiceLoader}. Everything else is in {@code internal} and may change.
 */
package io.pdu4j.driver.isotek;

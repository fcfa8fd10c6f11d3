/**
 * The pdu4j driver for Enistic Smart Energy Controllers: {@link
 * io.pdu4j.driver.enistic.EnisticDriver}, found through {@link java.util.ServiceLoader}. Everything
 * else is in {@code internal} and may change.
 */
package io.pdu4j.driver.enistic;

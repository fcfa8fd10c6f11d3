/**
 * The {@code devices.yaml} configuration: {@link Pdu4jConfig#load} reads and validates it into
 * records ({@link DeviceConfig}, {@link PrometheusConfig}); every error is a {@link
 * ConfigException} naming the file, the line and the key.
 */
package io.pdu4j.runtime.config;

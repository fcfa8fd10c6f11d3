/**
 * The driver conformance kit: {@link io.pdu4j.testkit.PowerDriverContractTest}, which a driver's
 * own test extends to check the contract every pdu4j driver keeps (docs/testkit.md).
 */
package io.pdu4j.testkit;

/** Implementation of the serial transport. Not an API: anything here may change without notice. */
package io.pdu4j.transport.serial.internal;

/** Implementation of the Netty transports. Not an API: anything here may change without notice. */
package io.pdu4j.transport.net.internal;

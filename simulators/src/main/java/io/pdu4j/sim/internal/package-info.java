/** What the simulators share: the endpoints they talk through (a TCP socket, a serial device). */
package io.pdu4j.sim.internal;

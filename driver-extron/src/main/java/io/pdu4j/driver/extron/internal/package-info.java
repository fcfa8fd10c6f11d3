/** The SIS codec, the login and the tunnel link; not a public API. */
package io.pdu4j.driver.extron.internal;

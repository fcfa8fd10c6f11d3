/**
 * The {@code pdu4j} command: {@code status}, {@code on}, {@code off}, {@code sim} and {@code demo},
 * built with picocli on the {@link io.pdu4j.runtime.PowerRuntime}. {@link io.pdu4j.cli.Main} is the
 * entry point of the runnable jar.
 */
package io.pdu4j.cli;

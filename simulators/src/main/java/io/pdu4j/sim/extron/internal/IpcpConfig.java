package io.pdu4j.sim.extron.internal;

import java.time.Duration;

/**
 * What the simulator was configured with; see {@code ExtronSimulator.Builder} for each setting.
 *
 * @param telnetPort the Telnet port to bind, 0 for an ephemeral one
 * @param httpPort the web form's port, 0 for an ephemeral one, negative for no web form
 * @param adminPassword the administrator's password, null for no login
 * @param userPassword the user's password, null for none
 * @param model the model in the banner
 * @param firmware the firmware version in the banner and the {@code Q} answer
 * @param idleTimeout how long a silent session (Telnet or web) stays open
 * @param crlfAppended whether CR LF follows each send-data-string reply
 * @param emptyReplyOnTimeout whether a send-data-string without answer gets an (empty) reply
 * @param echoData whether a send-data-string reply starts with the data sent
 * @param replyPrefix the text before every send-data-string reply
 * @param maxConnections the most Telnet sessions at once, 0 for no limit
 * @param webUser the user name of the web form's HTTP Basic authentication
 * @param sendDataError the error answering every send-data-string, null for none
 * @param relayError the error answering every relay command, null for none
 */
public record IpcpConfig(
    int telnetPort,
    int httpPort,
    String adminPassword,
    String userPassword,
    String model,
    String firmware,
    Duration idleTimeout,
    boolean crlfAppended,
    boolean emptyReplyOnTimeout,
    boolean echoData,
    String replyPrefix,
    int maxConnections,
    String webUser,
    String sendDataError,
    String relayError) {

  /** Whether a password is asked for at login (and by the web form). */
  public boolean loginRequired() {
    return adminPassword != null;
  }

  // the passwords are secrets: never in a string
  @Override
  public String toString() {
    return "IpcpConfig[telnetPort="
        + telnetPort
        + ", httpPort="
        + httpPort
        + ", login="
        + (adminPassword == null ? "none" : userPassword == null ? "admin" : "admin and user")
        + ", model="
        + model
        + ", firmware="
        + firmware
        + "]";
  }
}

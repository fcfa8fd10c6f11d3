package io.pdu4j.mqtt.internal;

import java.util.Optional;

/**
 * The bridge's topic names under one prefix (docs/mqtt.md lists them), and the reading of command
 * topics back into their parts.
 */
public record Topics(String prefix, String node) {

  /** {@code PREFIX/DEVICE/availability}: {@code online} or {@code offline}, retained. */
  public String availability(String device) {
    return prefix + "/" + device + "/availability";
  }

  /** {@code PREFIX/DEVICE/status}: the {@code status --json} object, retained. */
  public String status(String device) {
    return prefix + "/" + device + "/status";
  }

  /** {@code PREFIX/DEVICE/outlet/N/FIELD}: state, power, voltage, energy, set, result. */
  public String outlet(String device, int outlet, String field) {
    return prefix + "/" + device + "/outlet/" + outlet + "/" + field;
  }

  /** {@code PREFIX/group/GROUP/FIELD}: set, result. */
  public String group(String group, String field) {
    return prefix + "/group/" + group + "/" + field;
  }

  /** {@code PREFIX/node/NODE/status}: {@code online}, or {@code offline} (also the last will). */
  public String nodeStatus() {
    return nodeStatus(node);
  }

  /** {@code PREFIX/node/NODE/status} of any node. */
  public String nodeStatus(String anyNode) {
    return prefix + "/node/" + anyNode + "/status";
  }

  /** {@code PREFIX/node/NODE/devices}: the devices and outlets this node publishes, retained. */
  public String nodeDevices() {
    return nodeDevices(node);
  }

  /** {@code PREFIX/node/NODE/devices} of any node. */
  public String nodeDevices(String anyNode) {
    return prefix + "/node/" + anyNode + "/devices";
  }

  /** The filter of every node's status. */
  public String nodeStatuses() {
    return prefix + "/node/+/status";
  }

  /** The filter of every node's device list. */
  public String nodeDeviceLists() {
    return prefix + "/node/+/devices";
  }

  /** The filter of every device's availability. */
  public String availabilities() {
    return prefix + "/+/availability";
  }

  /**
   * The node a topic under {@link #nodeStatuses()} ({@code field} {@code status}) or {@link
   * #nodeDeviceLists()} ({@code devices}) is about.
   */
  public Optional<String> nodeOf(String topic, String field) {
    String head = prefix + "/node/";
    String tail = "/" + field;
    if (!topic.startsWith(head) || !topic.endsWith(tail)) {
      return Optional.empty();
    }
    String n = topic.substring(head.length(), topic.length() - tail.length());
    return n.isEmpty() || n.contains("/") ? Optional.empty() : Optional.of(n);
  }

  /** The device a topic under {@link #availabilities()} is about. */
  public Optional<String> availabilityOf(String topic) {
    String head = prefix + "/";
    String tail = "/availability";
    if (!topic.startsWith(head) || !topic.endsWith(tail)) {
      return Optional.empty();
    }
    String d = topic.substring(head.length(), topic.length() - tail.length());
    return d.isEmpty() || d.contains("/") ? Optional.empty() : Optional.of(d);
  }

  /** The filter of every outlet command. */
  public String outletCommands() {
    return prefix + "/+/outlet/+/set";
  }

  /** The filter of every group command. */
  public String groupCommands() {
    return prefix + "/group/+/set";
  }

  /** A command topic, read: a device and outlet, or a group. */
  public record Command(Optional<String> device, Optional<String> outlet, Optional<String> group) {}

  /** What a topic under {@link #outletCommands()} or {@link #groupCommands()} names. */
  public Optional<Command> command(String topic) {
    if (!topic.startsWith(prefix + "/") || !topic.endsWith("/set")) {
      return Optional.empty();
    }
    String[] parts = topic.substring(prefix.length() + 1).split("/", -1);
    if (parts.length == 3 && parts[0].equals("group") && parts[2].equals("set")) {
      return Optional.of(new Command(Optional.empty(), Optional.empty(), Optional.of(parts[1])));
    }
    if (parts.length == 4 && parts[1].equals("outlet") && parts[3].equals("set")) {
      return Optional.of(
          new Command(Optional.of(parts[0]), Optional.of(parts[2]), Optional.empty()));
    }
    return Optional.empty();
  }
}

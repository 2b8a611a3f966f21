package dev.nodeipam.migrate;

/**
 * The node label a migrated Service selects its nodes by.
 *
 * @param existing the label already selects exactly the needed nodes, so no node is relabelled
 */
public record NodeLabel(String key, String value, boolean existing) {
  /** The value of {@code io.cilium.nodeipam/match-node-labels}. */
  public String selector() {
    return key + "=" + value;
  }
}

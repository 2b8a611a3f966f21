package dev.nodeipam.ipam;

/** Why a node that could otherwise serve a Service is left out. */
public enum ExclusionReason {
  DELETING("deleting"),
  EXCLUDE_LABEL("exclude-label"),
  TO_BE_DELETED_TAINT("to-be-deleted-taint"),
  NOT_READY("not-ready"),
  CORDONED("cordoned"),
  NO_READY_ENDPOINT("no-ready-endpoint"),
  SELECTOR_MISMATCH("selector-mismatch"),
  UNKNOWN_NODE("unknown-node");

  private final String text;

  ExclusionReason(String text) {
    this.text = text;
  }

  /** The spelling used in JSON, logs, events and metrics labels. */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}

package dev.nodeipam.policy.explanation;

/** Cilium's drop reasons for policy drops, as Hubble and {@code cilium-dbg monitor} number them. */
public final class DropReason {
  /** No rule allowed the flow and the endpoint is in default deny. */
  public static final int POLICY_DENIED = 133;

  /** A deny rule matched the flow. */
  public static final int POLICY_DENY = 181;

  private DropReason() {}

  public static String text(Integer reason) {
    if (reason == null) {
      return "";
    }
    return switch (reason) {
      case POLICY_DENIED -> "policy denied";
      case POLICY_DENY -> "denied by denylist";
      default -> "drop reason " + reason;
    };
  }
}

package dev.nodeipam.policy.settings;

/**
 * One datapath setting as the engine used it.
 *
 * @param origin where the value came from
 */
public record Setting(String key, String value, Origin origin) {
  /** Where a setting's value came from. */
  public enum Origin {
    CONFIG("kube-system/cilium-config"),
    FLAG("--set"),
    DEFAULT("Cilium's default, assumed"),
    INFERRED("inferred from the cluster's addresses, assumed");

    private final String text;

    Origin(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  public boolean isAssumed() {
    return origin == Origin.DEFAULT || origin == Origin.INFERRED;
  }
}

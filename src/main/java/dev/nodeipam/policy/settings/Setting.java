package dev.nodeipam.policy.settings;

/**
 * One datapath setting as the engine used it.
 *
 * @param origin where the value came from
 * @param detail which object or flag gave it, when the origin alone does not say (null otherwise)
 */
public record Setting(String key, String value, Origin origin, String detail) {
  public Setting(String key, String value, Origin origin) {
    this(key, value, origin, null);
  }

  /** Where the value came from, for people. */
  public String from() {
    return detail != null ? detail : origin.text();
  }

  /** Where a setting's value came from. */
  public enum Origin {
    CONFIG("kube-system/cilium-config"),
    FLAG("--set"),
    DEFAULT("Cilium's default, assumed"),
    INFERRED("inferred from the cluster's addresses, assumed"),
    VERSION_FLAG("--cilium-version"),
    IMAGE("the cilium agent DaemonSet's image tag"),
    NEWEST("the newest Cilium release modelled, assumed");

    private final String text;

    Origin(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }
  }

  public boolean isAssumed() {
    return origin == Origin.DEFAULT || origin == Origin.INFERRED || origin == Origin.NEWEST;
  }
}

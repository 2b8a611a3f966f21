package dev.nodeipam.render;

/** The one line that stands for the datapath defaults assumed, in trace and audit text. */
final class DatapathText {
  private DatapathText() {}

  /** "14 defaults assumed (not in cilium-config nor --set): --verbose lists them, ...". */
  static String assumed(int n) {
    return Plural.of(n, "default") + " assumed (not in cilium-config nor --set): --verbose lists"
        + " them, --set KEY=VALUE overrides one, -o json gives them all.";
  }
}

package dev.nodeipam.audit;

import dev.nodeipam.ipam.NodeIpamOptions;

/**
 * What the audit looks at beyond the datapath settings.
 *
 * @param nodeIpam the Node IPAM options that decide which Services the controller owns and which
 *     addresses it would publish for those that have no status yet
 * @param latent whether to look for latent traps (flows allowed now that translation would break)
 * @param companionScope the companions' scope; null chooses the safe one for the settings
 */
public record AuditOptions(NodeIpamOptions nodeIpam, boolean latent, CompanionScope companionScope) {
  public AuditOptions {
    if (nodeIpam == null) {
      throw new IllegalArgumentException("the Node IPAM options are needed");
    }
  }

  /** The scope chosen from the settings. */
  public AuditOptions(NodeIpamOptions nodeIpam, boolean latent) {
    this(nodeIpam, latent, null);
  }

  public AuditOptions withCompanionScope(CompanionScope scope) {
    return new AuditOptions(nodeIpam, latent, scope);
  }

  /** Cilium's Node IPAM for the default class; latent traps included. */
  public static AuditOptions defaults() {
    return new AuditOptions(NodeIpamOptions.reference(), true);
  }
}

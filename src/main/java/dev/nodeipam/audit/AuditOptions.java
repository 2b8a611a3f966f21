package dev.nodeipam.audit;

import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.policy.model.DnsAnswers;

/**
 * What the audit looks at beyond the datapath settings.
 *
 * @param nodeIpam the Node IPAM options that decide which Services the controller owns and which
 *     addresses it would publish for those that have no status yet
 * @param latent whether to look for latent traps (flows allowed now that translation would break)
 * @param companionScope the companions' scope; null chooses the safe one for the settings
 * @param dns the DNS answers toFQDNs rules are judged with ({@code --dns}, {@code --dns-file})
 */
public record AuditOptions(NodeIpamOptions nodeIpam, boolean latent, CompanionScope companionScope,
    DnsAnswers dns) {
  public AuditOptions {
    if (nodeIpam == null) {
      throw new IllegalArgumentException("the Node IPAM options are needed");
    }
    dns = dns == null ? DnsAnswers.NONE : dns;
  }

  /** The scope chosen from the settings, no DNS answers. */
  public AuditOptions(NodeIpamOptions nodeIpam, boolean latent) {
    this(nodeIpam, latent, null, DnsAnswers.NONE);
  }

  public AuditOptions(NodeIpamOptions nodeIpam, boolean latent, CompanionScope companionScope) {
    this(nodeIpam, latent, companionScope, DnsAnswers.NONE);
  }

  public AuditOptions withCompanionScope(CompanionScope scope) {
    return new AuditOptions(nodeIpam, latent, scope, dns);
  }

  /** The options with the DNS answers toFQDNs rules are judged with. */
  public AuditOptions withDns(DnsAnswers answers) {
    return new AuditOptions(nodeIpam, latent, companionScope, answers);
  }

  /** Cilium's Node IPAM for the default class; latent traps included. */
  public static AuditOptions defaults() {
    return new AuditOptions(NodeIpamOptions.reference(), true);
  }
}

package dev.nodeipam.diff;

import dev.nodeipam.snapshot.ExternalIps;

/** The kinds of things a change to the cluster's YAML does, in report order. */
public enum ItemType {
  NEWLY_DENIED(
      "Flows newly denied",
      "A flow the before state allows is denied after the change: Cilium's verdict changed for"
          + " this source, Service address and port. The reason says what changed (the address"
          + " became a Service frontend and is translated to its backends, a policy changed, the"
          + " backends changed). Apply the companion policy of the trap before the change, or"
          + " revert the line named."),
  NEWLY_ALLOWED(
      "Flows newly allowed",
      "A flow the before state denies is allowed after the change."),
  TRAP_INTRODUCED(
      "Identity traps introduced",
      "The change makes a Service address a backend pod or node to Cilium's policy: a rule that"
          + " allows the address as a CIDR or world peer no longer matches (egress side), or the"
          + " backend admits only CIDR/world sources (ingress side). Active traps drop traffic"
          + " under the datapath settings now; latent ones once the address is translated."
          + " The companion CiliumClusterwideNetworkPolicy (the fix suggested) allows the flows by"
          + " identity, additively: add it in the same change, applied before the Service."),
  TRAP_REMOVED(
      "Identity traps removed",
      "A trap of the before state is gone after the change."),
  ADDRESS_PUBLISHED(
      "Addresses published by Node IPAM",
      "The Node IPAM controller publishes this address in status.loadBalancer.ingress after the"
          + " change and did not before: clients and DNS will see it."),
  ADDRESS_WITHDRAWN(
      "Addresses withdrawn by Node IPAM",
      "The Node IPAM controller stops publishing this address after the change: clients that"
          + " reach the Service on it lose it."),
  EXTERNAL_IPS_ADDED(
      "Services newly using externalIPs",
      "The change adds an address to Service.spec.externalIPs, "
          + ExternalIps.DEPRECATED + ". Under Cilium the address stops being world to policy."
          + " Prefer a Node IPAM LoadBalancer (nodeipam migrate)."),
  COMPANION_STALE(
      "Companion policies made stale",
      "A companion policy no longer matches the Service it was written for (its selector or"
          + " ports changed, or it is gone): the flows it let through are trapped again, or it"
          + " opens what nobody needs."),
  MIGRATION_STALE(
      "Migrations made stale",
      "A Service that took over another's externalIPs (nodeipam migrate) no longer publishes"
          + " every address it used to: the migration's proof no longer holds."),
  POLICY_REJECTED(
      "Policies the agent rejects",
      "A Cilium policy the change adds or edits (or a release the change moves to) that the"
          + " agent rejects as a whole: none of its rules is installed, so what its author"
          + " believes it allows or denies is not enforced. Fix the rule the agent names.");

  private final String title;
  private final String help;

  ItemType(String title, String help) {
    this.title = title;
    this.help = help;
  }

  public String title() {
    return title;
  }

  /** What the item means and what to do, for SARIF rules and {@code --help}. */
  public String help() {
    return help;
  }
}

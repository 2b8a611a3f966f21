package dev.nodeipam.audit;

/** The kinds of findings the audit reports. */
public enum FindingType {
  /** A flow the policy reads as allowed that Cilium denies: the address is really a pod or node. */
  IDENTITY_TRAP,
  /** A Service using the deprecated {@code spec.externalIPs}. */
  EXTERNAL_IPS,
  /** A CIDR rule whose range holds pod addresses: CIDR rules never match pods. */
  CIDR_COVERS_PODS,
  /** A CIDR rule whose range holds node addresses: CIDR rules match nodes only in nodes mode. */
  CIDR_COVERS_NODES,
  /**
   * A LoadBalancer address that is a node's own address under a Cilium release that programs
   * wildcard service entries for it (1.19, cilium/cilium#40684): the node loses its own traffic.
   */
  NODE_IP_AS_LB_VIP,
  /**
   * A toFQDNs allow on a Service port with no DNS answer given: if the name resolves to the
   * Service address, the allow is trapped exactly like a CIDR allow.
   */
  FQDN_MAY_BE_TRAPPED,
  /**
   * An address and port several Services claim (externalIPs, LoadBalancer ingress): one frontend
   * with one set of backends, so all but one of the Services never get that traffic.
   */
  ADDRESS_CONFLICT,
  /**
   * A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy the agent of the release rejects
   * (section 9 of the policy model): none of it is enforced, whatever its author believes.
   */
  POLICY_REJECTED,
  /**
   * A Kubernetes ClusterNetworkPolicy the agent does not enforce: a release before 1.20, or an
   * object the agent refuses (section 10 of the policy model).
   */
  CLUSTER_POLICY_NOT_ENFORCED,
  /**
   * A node's own address reused as a load-balancer address (an LB IPAM pool block, a Gateway's
   * address, a LoadBalancer status not written by Node IPAM) or an egress gateway IP that is also a
   * Service's LoadBalancer address (cilium/cilium#44901, #45408).
   */
  NODE_ADDRESS_COLLISION
}

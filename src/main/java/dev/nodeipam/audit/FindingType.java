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
  CIDR_COVERS_NODES
}

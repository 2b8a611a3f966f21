package dev.nodeipam.testing;

/**
 * The egress rules the generated-cluster properties give a client pod in namespace app (labelled
 * {@code app: NAME}, the policy named NAME): one catalogue, each property picking the rules it
 * needs by index ({@code EngineFastPathPropertyTest}, {@code TrapSearchMatchesDefinition…},
 * {@code OneTrapDefinition…}, {@code CompanionsClearTraps…}). The clusters around them have the
 * backends {@code edge/web} (port https, 8443) and {@code edge/api}, node addresses in
 * 198.51.100.0/24 and Service addresses in 203.0.113.0/24.
 */
public enum ClientEgress {
  /** No egress policy. */
  NONE(Kind.NONE, ""),
  /** NetworkPolicy: 0.0.0.0/0 on 443. */
  ALL_ON_443(Kind.NETWORK_POLICY, "- to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: 443}]"),
  /** NetworkPolicy: 203.0.113.0/24 on 443. */
  SERVICE_ADDRESSES_ON_443(
      Kind.NETWORK_POLICY, "- to: [{ipBlock: {cidr: 203.0.113.0/24}}]\n    ports: [{port: 443}]"),
  /** NetworkPolicy: the nodes' 198.51.100.0/24. */
  NODE_ADDRESSES(Kind.NETWORK_POLICY, "- to: [{ipBlock: {cidr: 198.51.100.0/24}}]"),
  /** NetworkPolicy: 0.0.0.0/0 except 203.0.113.0/24. */
  ALL_EXCEPT_SERVICE_ADDRESSES(
      Kind.NETWORK_POLICY, "- to: [{ipBlock: {cidr: 0.0.0.0/0, except: [203.0.113.0/24]}}]"),
  /** NetworkPolicy: the nodes' 198.51.100.0/24, and the web pods by selector on port https. */
  NODE_ADDRESSES_AND_WEB_ON_HTTPS(
      Kind.NETWORK_POLICY,
      "- to: [{ipBlock: {cidr: 198.51.100.0/24}}]\n"
          + "  - to: [{podSelector: {matchLabels: {app: web}}, namespaceSelector: {}}]\n"
          + "    ports: [{port: https}]"),
  /** NetworkPolicy: the web pods by selector. */
  WEB_PODS(
      Kind.NETWORK_POLICY,
      "- to: [{podSelector: {matchLabels: {app: web}}, namespaceSelector: {}}]"),
  /**
   * NetworkPolicy: every namespace but edge by a negative-only namespaceSelector (world and nodes
   * too before 1.19, cilium/cilium#46949).
   */
  NAMESPACES_BUT_EDGE(
      Kind.NETWORK_POLICY,
      "- to: [{namespaceSelector: {matchExpressions: [{key: "
          + "kubernetes.io/metadata.name, operator: NotIn, values: [edge]}]}}]"),
  /** NetworkPolicy: the Service CIDR 10.96.0.0/16. */
  SERVICE_CIDR(Kind.NETWORK_POLICY, "- to: [{ipBlock: {cidr: 10.96.0.0/16}}]"),
  /** CiliumNetworkPolicy: world on 443. */
  WORLD_ON_443(
      Kind.CILIUM_POLICY,
      "egress:\n  - toEntities: [world]\n    toPorts: [{ports: [{port: \"443\"}]}]"),
  /** CiliumNetworkPolicy: 0.0.0.0/0 and the cluster, with an egress deny of the web pods. */
  ALL_AND_CLUSTER_DENY_WEB(
      Kind.CILIUM_POLICY,
      "egress:\n  - toCIDR: [0.0.0.0/0]\n"
          + "  - toEntities: [cluster]\n  egressDeny:\n  - toEndpoints: [{matchLabels: {app: web, "
          + "k8s:io.kubernetes.pod.namespace: edge}}]"),
  /** CiliumNetworkPolicy: 0.0.0.0/0, with an egress deny of the api pods. */
  ALL_DENY_API(
      Kind.CILIUM_POLICY,
      "egress:\n  - toCIDR: [0.0.0.0/0]\n"
          + "  egressDeny:\n  - toEndpoints: [{matchLabels: {app: api, "
          + "k8s:io.kubernetes.pod.namespace: edge}}]"),
  /** CiliumNetworkPolicy: 203.0.113.0/24, and the cluster on 8443. */
  SERVICE_ADDRESSES_AND_CLUSTER_ON_8443(
      Kind.CILIUM_POLICY,
      "egress:\n  - toCIDR: [203.0.113.0/24]\n"
          + "  - toEntities: [cluster]\n    toPorts: [{ports: [{port: \"8443\"}]}]"),
  /** CiliumNetworkPolicy: 203.0.113.0/24, and the cluster on 8080. */
  SERVICE_ADDRESSES_AND_CLUSTER_ON_8080(
      Kind.CILIUM_POLICY,
      "egress:\n  - toCIDR: [203.0.113.0/24]\n"
          + "  - toEntities: [cluster]\n    toPorts: [{ports: [{port: \"8080\"}]}]"),
  /** CiliumNetworkPolicy: a CIDRSet of the nodes' 198.51.100.0/24, and remote-node on 443. */
  NODE_SET_AND_REMOTE_NODE_ON_443(
      Kind.CILIUM_POLICY,
      "egress:\n  - toCIDRSet: [{cidr: 198.51.100.0/24}]\n"
          + "  - toEntities: [remote-node]\n    toPorts: [{ports: [{port: \"443\"}]}]"),
  /**
   * CiliumNetworkPolicy: endpoints outside edge by a negative-only selector, and 203.0.113.0/24.
   * Negative-only: world and nodes too unless the 1.19 cluster term keeps them out
   * (getEndpointSelector, addClusterFilterByDefault in pkg/k8s/apis/cilium.io/utils/utils.go).
   */
  ENDPOINTS_BUT_EDGE_AND_SERVICE_ADDRESSES(
      Kind.CILIUM_POLICY,
      "egress:\n  - toEndpoints: [{matchExpressions: [{key: "
          + "io.kubernetes.pod.namespace, operator: NotIn, values: [edge]}]}]\n"
          + "  - toCIDR: [203.0.113.0/24]"),
  /**
   * ClusterNetworkPolicy (Admin tier): a networks Accept of 203.0.113.0/24 (a CIDR peer,
   * cilium/cilium#42338), every pod denied; enforced from 1.20 only.
   */
  CLUSTER_POLICY_ACCEPT_SERVICE_ADDRESSES(Kind.CLUSTER_POLICY, ""),
  /**
   * CiliumNetworkPolicy: a negative-only selector on 443, which admits world without being a
   * CIDR or the world entity (no term is added to it in any release, cilium/cilium#46949 case 2).
   */
  NEGATIVE_ONLY_ON_443(
      Kind.CILIUM_POLICY,
      "egress:\n  - toEndpoints: [" + YamlClusters.NEGATIVE_ONLY + "]\n"
          + "    toPorts: [{ports: [{port: \"443\"}]}]"),
  /** CiliumNetworkPolicy: the entity all, with an egress deny of the web pods. */
  EVERYTHING_DENY_WEB(
      Kind.CILIUM_POLICY,
      "egress:\n  - toEntities: [all]\n"
          + "  egressDeny:\n  - toEndpoints: [{matchLabels: {app: web, "
          + "k8s:io.kubernetes.pod.namespace: edge}}]"),
  /** NetworkPolicy: a rule without peers, on 443. */
  ANY_PEER_ON_443(Kind.NETWORK_POLICY, "- ports: [{port: 443}]");

  private enum Kind {
    NONE,
    NETWORK_POLICY,
    CILIUM_POLICY,
    CLUSTER_POLICY
  }

  private static final String CLUSTER_CIDR_ACCEPT = """
      apiVersion: policy.networking.k8s.io/v1alpha2
      kind: ClusterNetworkPolicy
      metadata: {name: %s-out}
      spec:
        tier: Admin
        priority: 5
        subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: %s}}}}
        egress:
        - {action: Accept, to: [{networks: [203.0.113.0/24]}]}
        - {action: Deny, to: [{namespaces: {}}]}
      """;

  private final Kind kind;
  private final String rules;

  ClientEgress(Kind kind, String rules) {
    this.kind = kind;
    this.rules = rules;
  }

  /** The policy of client {@code app} (its name and {@code app} label), or null for none. */
  public String yaml(String app) {
    return switch (kind) {
      case NONE -> null;
      case NETWORK_POLICY -> YamlClusters.EGRESS_NETWORK_POLICY.formatted(app, app, rules);
      case CILIUM_POLICY -> YamlClusters.APP_CILIUM_POLICY.formatted(app, app, rules);
      case CLUSTER_POLICY -> CLUSTER_CIDR_ACCEPT.formatted(app, app);
    };
  }
}

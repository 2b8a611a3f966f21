package dev.nodeipam.policy.model;

import dev.nodeipam.labels.LabelSelector;
import inet.ipaddr.IPAddress;
import java.util.List;

/** Who a rule entry lets in or out: the L3 part of a rule. */
public sealed interface Peer {

  /** How the peer reads in the policy, for explanations. */
  String text();

  /**
   * The identities, reserved ones included, whose labels the selector matches: Cilium evaluates a
   * peer selector against every identity of its selector cache, so a selector without a positive
   * namespace term ({@code NotIn}/{@code DoesNotExist} only) also selects world, host,
   * remote-node, ... ({@code reserved:} labels, no namespace label). The terms every release adds
   * are part of the selector; those that depend on the release or settings are in {@code terms}.
   *
   * @param selectsReserved whether the selector names a {@code reserved:} key (then the agent adds
   *     no namespace and no cluster term)
   */
  record Endpoints(LabelSelector selector, boolean selectsReserved, String text, AddedTerms terms)
      implements Peer {
    /** A peer whose terms do not depend on the release or settings. */
    public Endpoints(LabelSelector selector, boolean selectsReserved, String text) {
      this(selector, selectsReserved, text, AddedTerms.NONE);
    }
  }

  /**
   * The terms the agent adds to a peer selector when it translates the policy and that depend on
   * the release or settings ({@code getEndpointSelector} and {@code addClusterFilterByDefault} in
   * {@code pkg/k8s/apis/cilium.io/utils/utils.go}; {@code parseNetworkPolicyPeer} for
   * NetworkPolicies).
   *
   * @param namespaceBefore118 the CNP's namespace, added to a peer selecting by namespace labels
   *     ({@code io.cilium.k8s.namespace.labels.*}) by releases before 1.18 only; null otherwise
   * @param cluster whether {@code policy-default-local-cluster} (1.18+) adds the local cluster
   *     term {@code io.cilium.k8s.policy.cluster=<cluster-name>}
   */
  record AddedTerms(String namespaceBefore118, boolean cluster) {
    public static final AddedTerms NONE = new AddedTerms(null, false);
  }

  /** Addresses inside {@code cidr} and outside every {@code except}: world, never a pod. */
  record Cidr(IPAddress cidr, List<IPAddress> except, String text) implements Peer {
    public Cidr {
      except = List.copyOf(except);
    }

    public boolean covers(IPAddress address) {
      if (address == null || cidr.isIPv4() != address.isIPv4() || !cidr.contains(address)) {
        return false;
      }
      for (IPAddress e : except) {
        if (e.isIPv4() == address.isIPv4() && e.contains(address)) {
          return false;
        }
      }
      return true;
    }

    /** The except range holding the address, or null. */
    public IPAddress exceptHolding(IPAddress address) {
      for (IPAddress e : except) {
        if (address != null && e.isIPv4() == address.isIPv4() && e.contains(address)) {
          return e;
        }
      }
      return null;
    }
  }

  /** A reserved entity ({@code toEntities}/{@code fromEntities}). */
  record Entities(Entity entity, String text) implements Peer {}

  /** Everyone: a NetworkPolicy rule without {@code to}/{@code from}, or an L4-only Cilium rule. */
  record Anyone(String text) implements Peer {}
}

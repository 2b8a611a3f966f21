package dev.nodeipam.policy.model;

import dev.nodeipam.labels.LabelSelector;
import inet.ipaddr.IPAddress;
import java.util.List;

/** Who a rule entry lets in or out: the L3 part of a rule. */
public sealed interface Peer {

  /** How the peer reads in the policy, for explanations. */
  String text();

  /**
   * Pods (or reserved identities, when the selector names a {@code reserved:} key) whose identity
   * labels the selector matches. Namespace pinning is already part of the selector.
   */
  record Endpoints(LabelSelector selector, boolean selectsReserved, String text) implements Peer {}

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

package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.model.Entity;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.settings.DatapathSettings;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;

/**
 * Whether a rule's peer matches an identity (section 4 of the policy model), and, when it does not,
 * why, in words a person can act on.
 */
public final class PeerMatching {
  private PeerMatching() {}

  public static boolean matches(Peer peer, Identity id, DatapathSettings s) {
    if (peer instanceof Peer.Endpoints e) {
      return EndpointSelection.selects(e, id, s);
    }
    if (peer instanceof Peer.Cidr c) {
      if (id.isPod() && s.cidrMatchesPods()) {
        return coversPod(c, id);
      }
      return (id.isWorld() || (s.cidrMatchesNodes() && id.isNode())) && c.covers(id.address());
    }
    if (peer instanceof Peer.Entities e) {
      return entity(e.entity(), id, s);
    }
    return true;
  }

  /** Whether an entity includes the identity. */
  public static boolean entity(Entity entity, Identity id, DatapathSettings s) {
    return switch (entity) {
      case ALL -> true;
      case NONE -> false;
      case WORLD -> id.isWorld();
        // Only dual-stack clusters label world addresses world-ipv4/world-ipv6.
      case WORLD_IPV4 ->
          s.splitWorld() && id.isWorld() && id.address() != null && id.address().isIPv4();
      case WORLD_IPV6 ->
          s.splitWorld() && id.isWorld() && id.address() != null && id.address().isIPv6();
      case CLUSTER -> id.kind() != Identity.Kind.WORLD;
      case HOST -> id.reserved().contains("host");
      case REMOTE_NODE -> id.reserved().contains("remote-node");
      case KUBE_APISERVER -> id.reserved().contains("kube-apiserver");
      case HEALTH -> id.kind() == Identity.Kind.HEALTH;
      case INIT -> id.kind() == Identity.Kind.INIT;
      case INGRESS -> id.kind() == Identity.Kind.INGRESS;
      case UNMANAGED -> id.kind() == Identity.Kind.UNMANAGED;
    };
  }

  /**
   * Why the peer does not match.
   *
   * @param role "destination" or "source"
   * @param translated whether the peer is what Service translation put in place of the address
   */
  public static String whyNot(
      Peer peer, Identity id, DatapathSettings s, String role, boolean translated) {
    String who =
        "the " + role + " is " + id.describe() + (translated ? " (after Service translation)" : "");
    if (peer instanceof Peer.Endpoints e) {
      return EndpointSelection.whyNot(e, id, s, who);
    }
    if (peer instanceof Peer.Cidr c) {
      return cidrWhy(c, id, s, who);
    }
    if (peer instanceof Peer.Entities e) {
      return (e.entity() == Entity.WORLD_IPV4 || e.entity() == Entity.WORLD_IPV6) && !s.splitWorld()
          ? e.text()
              + (s.dualStack()
                  ? " selects nothing under Cilium " + s.version() + " (world is split by family"
                      + " from 1.15, cilium/cilium#22625); "
                  : " selects nothing in a single-stack cluster (world is not split by family); ")
              + who
          : "entity " + e.entity().wire() + " does not include " + id.name() + "; " + who;
    }
    return peer.text() + " matches everyone";
  }

  /**
   * With {@code policy-cidr-match-mode=pods} (Cilium 1.20+, cilium/cilium#47227) a CIDR selector
   * also matches in-cluster pods by their addresses: the address the flow reaches, else any of
   * the pod's.
   */
  private static boolean coversPod(Peer.Cidr c, Identity id) {
    if (id.address() != null) {
      return c.covers(id.address());
    }
    for (String ip : id.pod().ips()) {
      IPAddress a = new IPAddressString(ip).getAddress();
      if (a != null && c.covers(a)) {
        return true;
      }
    }
    return false;
  }

  private static String cidrWhy(Peer.Cidr c, Identity id, DatapathSettings s, String who) {
    if (id.isPod() && s.cidrMatchesPods()) {
      return c.text() + " does not contain the pod's addresses (policy-cidr-match-mode=pods); "
          + who;
    }
    if (id.isPod()) {
      return c.text() + " matches world addresses only, never a pod; " + who;
    }
    if (id.isNode() && !s.cidrMatchesNodes()) {
      return c.text() + " does not match nodes (only with policy-cidr-match-mode=nodes); " + who;
    }
    if (!id.isWorld() && !id.isNode()) {
      return c.text() + " matches world addresses only; " + who;
    }
    IPAddress a = id.address();
    if (a == null) {
      return c.text() + ": " + who + " without a known address";
    }
    if (a.isIPv4() != c.cidr().isIPv4()) {
      return c.text() + " is " + (c.cidr().isIPv4() ? "IPv4" : "IPv6") + "; " + who;
    }
    IPAddress except = c.exceptHolding(a);
    if (except != null) {
      return c.text() + ": " + a + " falls in the except " + except;
    }
    return c.text() + " does not contain " + a;
  }
}

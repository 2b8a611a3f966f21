package dev.nodeipam.audit;

import dev.nodeipam.policy.model.Entity;
import dev.nodeipam.policy.model.Peer;

/**
 * A peer that names addresses as the outside world: a CIDR (ipBlock, toCIDR, toCIDRSet, toFQDNs
 * read with its DNS answers), or the world entity. The only kind of peer a Service address can
 * silently stop matching once Cilium translates it: the one predicate every command uses.
 */
public final class WorldPeer {
  private WorldPeer() {}

  public static boolean is(Peer p) {
    if (p instanceof Peer.Cidr) {
      return true;
    }
    return p instanceof Peer.Entities e
        && (e.entity() == Entity.WORLD || e.entity() == Entity.WORLD_IPV4
            || e.entity() == Entity.WORLD_IPV6);
  }
}

package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.Identities;
import dev.nodeipam.policy.engine.PeerMatching;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.settings.DatapathSettings;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.List;

/**
 * Whether a rule's peer admits the world identity: the one predicate every command uses to tell
 * the rules a Service address can silently stop matching once Cilium translates it (section 6
 * of the policy model). A peer admits world when the engine's own matching ({@link
 * PeerMatching}, endpoint selectors through the selector cache's rules) selects the world
 * identity under the settings and Cilium release: a CIDR (ipBlock, toCIDR, toCIDRSet, toFQDNs
 * read with its DNS answers, a ClusterNetworkPolicy's networks), the world and all entities, a
 * peer with no L3 selector, and an endpoint selector with only negative requirements ({@code
 * NotIn}, {@code DoesNotExist}) to which the agent added no term world lacks.
 */
public final class WorldPeer {
  /** One address of each family: with no address in hand, world is world of either family. */
  private static final List<IPAddress> FAMILIES = List.of(
      new IPAddressString("0.0.0.0").getAddress(), new IPAddressString("::").getAddress());

  private WorldPeer() {}

  /** Whether the peer admits {@code world}, the world identity of one address. */
  public static boolean admits(Peer p, Identity world, DatapathSettings s) {
    return PeerMatching.matches(p, world, s);
  }

  /**
   * Whether the peer admits the world identity of some address. A CIDR admits those it covers;
   * any other peer matches world alike at every address of a family.
   */
  public static boolean admitsSome(Peer p, DatapathSettings s) {
    if (p instanceof Peer.Cidr) {
      return true;
    }
    for (IPAddress a : FAMILIES) {
      if (PeerMatching.matches(p, Identities.worldOf(a, s), s)) {
        return true;
      }
    }
    return false;
  }

  /** Whether some peer of the list admits the world identity of some address. */
  public static boolean anyAdmitsSome(List<Peer> peers, DatapathSettings s) {
    for (Peer p : peers) {
      if (admitsSome(p, s)) {
        return true;
      }
    }
    return false;
  }
}

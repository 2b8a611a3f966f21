package dev.nodeipam.policy.engine;

import dev.nodeipam.labels.Requirement;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.model.RuleEntry;
import dev.nodeipam.policy.model.TierRule;
import dev.nodeipam.policy.settings.DatapathSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which source identities no rule of the cluster tells apart as the sender of a flow (section 6
 * of the policy model, "source classes"). A sender's identity is read in two places only: the
 * rules whose subject selects it (its egress, and which of its entries exist at all) and the
 * peers of the ingress entries of the receivers' rules. Two pod identities that every rule
 * selects alike and every ingress peer (allow or deny, of a policy or of a ClusterNetworkPolicy
 * tier) matches alike, under each of the settings judged, get the same verdict for every flow to
 * every destination: the trap search judges one of them for all.
 *
 * <p>Reserved identities (a hostNetwork pod is its node) are never merged; neither are pods when
 * CIDR peers match pods by address ({@code cidrMatchesPods}), since their addresses then count.
 */
public final class SourceClasses {
  private SourceClasses() {}

  /**
   * The class of each identity: equal numbers for identities no rule tells apart, numbered in the
   * order their first identity comes.
   *
   * @param identities the sources' identities; null entries are never merged
   * @param apart extra facts two identities must share to be merged (e.g. whether a report scope
   *     holds them), by index; null for none
   * @param settings every settings the flows are judged under
   */
  public static int[] of(PolicyEngine engine, List<Identity> identities, List<Object> apart,
      List<DatapathSettings> settings) {
    int[] out = new int[identities.size()];
    boolean podsByAddress = settings.stream().anyMatch(DatapathSettings::cidrMatchesPods);
    PeerIndex peers = PeerIndex.of(ingressPeers(engine, podsByAddress));
    Map<Rule, Integer> ruleIds = new IdentityHashMap<>();
    List<Rule> rules = engine.rules();
    for (int i = 0; i < rules.size(); i++) {
      ruleIds.put(rules.get(i), i);
    }
    List<TierRule> tiers = engine.tierRules();
    Map<List<Object>, Integer> classes = new HashMap<>();
    for (int i = 0; i < identities.size(); i++) {
      Identity id = identities.get(i);
      if (id == null || !id.isPod() || podsByAddress) {
        out[i] = classes.size();
        classes.put(List.of("apart", i), out[i]);
        continue;
      }
      List<Object> key = new ArrayList<>(5);
      key.add(apart == null ? "" : apart.get(i));
      key.add(selecting(engine, id, ruleIds));
      key.add(tierSelecting(tiers, id));
      for (DatapathSettings s : settings) {
        key.add(matching(peers, id, s));
      }
      int next = classes.size();
      Integer known = classes.putIfAbsent(key, next);
      out[i] = known == null ? next : known;
    }
    return out;
  }

  /** The rules whose subject selects the identity, as a set of positions among every rule. */
  private static BitSet selecting(PolicyEngine engine, Identity id, Map<Rule, Integer> ruleIds) {
    BitSet out = new BitSet();
    for (Rule r : engine.rulesSelecting(id)) {
      out.set(ruleIds.get(r));
    }
    return out;
  }

  private static BitSet tierSelecting(List<TierRule> tiers, Identity id) {
    BitSet out = new BitSet();
    for (int i = 0; i < tiers.size(); i++) {
      if (tiers.get(i).subject().matches(id.labels())) {
        out.set(i);
      }
    }
    return out;
  }

  private static BitSet matching(PeerIndex peers, Identity id, DatapathSettings s) {
    BitSet out = new BitSet(peers.peers().size());
    for (int[] some : peers.candidates(id)) {
      for (int i : some) {
        if (PeerMatching.matches(peers.peers().get(i), id, s)) {
          out.set(i);
        }
      }
    }
    return out;
  }

  /**
   * The peers by the namespaces they can select: most endpoint selectors pin one (a
   * NetworkPolicy's or a CiliumNetworkPolicy's peer gets its namespace term), so an identity is
   * only matched against those of its namespace and the few that pin none.
   *
   * @param pinned by namespace, the positions of the peers that require it
   * @param unpinned the positions of the others
   */
  private record PeerIndex(List<Peer> peers, Map<String, int[]> pinned, int[] unpinned) {
    static PeerIndex of(List<Peer> peers) {
      Map<String, List<Integer>> pinned = new HashMap<>();
      List<Integer> unpinned = new ArrayList<>();
      for (int i = 0; i < peers.size(); i++) {
        Set<String> namespaces = namespacesOf(peers.get(i));
        if (namespaces == null) {
          unpinned.add(i);
        } else {
          for (String ns : namespaces) {
            pinned.computeIfAbsent(ns, k -> new ArrayList<>()).add(i);
          }
        }
      }
      Map<String, int[]> byNamespace = new HashMap<>();
      pinned.forEach((ns, is) -> byNamespace.put(ns, ints(is)));
      return new PeerIndex(peers, byNamespace, ints(unpinned));
    }

    List<int[]> candidates(Identity id) {
      int[] mine = pinned.get(id.labels().get(Identities.NAMESPACE));
      return mine == null ? List.of(unpinned) : List.of(unpinned, mine);
    }

    /** The namespaces an endpoint selector requires one of; null when it requires none. */
    private static Set<String> namespacesOf(Peer p) {
      if (p instanceof Peer.Endpoints e) {
        for (Requirement r : e.selector().requirements()) {
          if (r.key().equals(Identities.NAMESPACE) && (r.operator() == Requirement.Operator.IN
              || r.operator() == Requirement.Operator.EQUALS
              || r.operator() == Requirement.Operator.DOUBLE_EQUALS)) {
            return r.values();
          }
        }
      }
      return null;
    }

    private static int[] ints(List<Integer> list) {
      return list.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /**
   * Every distinct peer that can match a pod as the sender of an ingress flow: those of endpoint
   * selectors and entities (CIDR peers only when they match pods by address).
   */
  private static List<Peer> ingressPeers(PolicyEngine engine, boolean podsByAddress) {
    Set<Peer> out = new LinkedHashSet<>();
    for (Rule r : engine.rules()) {
      for (RuleEntry e : r.allows(Direction.INGRESS)) {
        add(e, out, podsByAddress);
      }
      for (RuleEntry e : r.denies(Direction.INGRESS)) {
        add(e, out, podsByAddress);
      }
    }
    for (TierRule r : engine.tierRules()) {
      if (r.direction() == Direction.INGRESS) {
        add(r.entry(), out, podsByAddress);
      }
    }
    return List.copyOf(out);
  }

  private static void add(RuleEntry e, Set<Peer> out, boolean podsByAddress) {
    for (Peer p : e.peers()) {
      if (p instanceof Peer.Endpoints || p instanceof Peer.Entities
          || (podsByAddress && p instanceof Peer.Cidr)) {
        out.add(p);
      }
    }
  }

  /** How many classes {@link #of} found. */
  public static int count(int[] classes) {
    return Arrays.stream(classes).max().orElse(-1) + 1;
  }
}

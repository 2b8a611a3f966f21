package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.model.RuleEntry;
import dev.nodeipam.policy.settings.DatapathSettings;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Service addresses that no rule of the cluster can tell apart when read as world addresses: the
 * same family and inside the same CIDR peers (with their excepts). A world identity's labels
 * depend on the family only, so every sender's verdict "read as the address" is the same for all
 * addresses of a class, and is judged once per class instead of once per address.
 */
final class WorldClasses {
  /** One class: a small number for caches and the world identity of its first address. */
  record WorldClass(int id, Identity world) {}

  private final PolicyEngine engine;
  private final DatapathSettings settings;
  private final List<Peer.Cidr> cidrs;
  private final Map<List<Object>, WorldClass> classes = new ConcurrentHashMap<>();

  WorldClasses(PolicyEngine engine, DatapathSettings settings) {
    this.engine = engine;
    this.settings = settings;
    Set<Peer.Cidr> distinct = new LinkedHashSet<>();
    for (Rule r : engine.rules()) {
      for (Direction d : Direction.values()) {
        collect(r.allows(d), distinct);
        collect(r.denies(d), distinct);
      }
    }
    collect(engine.clusterEntries(), distinct); // networks peers (section 10)
    this.cidrs = List.copyOf(distinct);
  }

  private static void collect(List<RuleEntry> entries, Set<Peer.Cidr> out) {
    for (RuleEntry e : entries) {
      for (Peer p : e.peers()) {
        if (p instanceof Peer.Cidr c) {
          out.add(c);
        }
      }
    }
  }

  /** The class of an address. */
  WorldClass of(IPAddress address) {
    BitSet inside = new BitSet(cidrs.size());
    for (int i = 0; i < cidrs.size(); i++) {
      if (cidrs.get(i).covers(address)) {
        inside.set(i);
      }
    }
    List<Object> key = List.of(address.isIPv4(), inside);
    WorldClass known = classes.get(key);
    if (known != null) {
      return known;
    }
    synchronized (classes) {
      return classes.computeIfAbsent(key,
          k -> new WorldClass(classes.size(), engine.worldIdentity(address, settings)));
    }
  }
}

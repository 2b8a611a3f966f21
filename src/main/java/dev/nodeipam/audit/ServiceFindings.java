package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Pod;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The traps as a person acts on them (report version 3): one finding per policy rule, Service,
 * port, direction and active or latent, holding every address of that Service the rule cannot
 * tell apart and every source it traps there. The per-address groups of {@link TrapGroups} are
 * merged: two of them join only when they name the same Service, port, protocol, direction,
 * state, deny rule, policies and allow entries, and trap exactly the same source pods, so a
 * finding always reads as a product, "these sources stop matching for these addresses", and
 * expands back to the per-address groups it came from.
 *
 * <p>The renderers of other formats (HTML, Mermaid) read {@link #of(TrapGroups)} and nothing else:
 * the grouping is decided here once.
 */
public final class ServiceFindings {
  /** Addresses a finding lists before it gives only their ranges and count. */
  public static final int MAX_ADDRESSES = 20;

  /**
   * What two per-address groups must share to be one finding (besides their sources).
   *
   * @param service {@code namespace/name}
   * @param entries the allow entries behind the policies: the rule a person edits
   */
  public record Key(
      String service, int port, Protocol protocol, Direction direction, boolean active,
      boolean denyRule, List<PolicyRef> policies, List<PolicyEngine.AllowEntry> entries) {
    static Key of(Trap t) {
      return new Key(t.address().service().key(), t.servicePort().port(), t.protocol(),
          t.direction(), t.active(), t.denyRule(), t.policies(), t.entries());
    }
  }

  /**
   * One finding (a group of version 3): a rule, a Service's port, and the addresses and sources it
   * traps.
   *
   * @param key what its groups share
   * @param addresses the addresses of the Service, in the report's order, without repeats
   * @param groups the per-address groups merged into it, in the report's order
   */
  public record Group(
      Key key,
      List<ServiceAddress> addresses,
      List<TrapGroups.Group> groups,
      Set<Source> sourceSet) {
    /** A trap of the finding: every one explains it alike. */
    public Trap first() {
      return groups.get(0).first();
    }

    /** The groups at its first address: one per source workload or identity. */
    public List<TrapGroups.Group> sources() {
      return groups;
    }

    /**
     * The source pods the finding traps at one of its addresses: of each source identity, those
     * on the address's own node or those off it, as the finding says. At every address of the
     * finding, exactly these pods are trapped as the finding says.
     */
    public List<Pod> podsAt(ServiceAddress a) {
      List<Pod> out = new ArrayList<>();
      podsBySourceAt(a).values().forEach(out::addAll);
      return out;
    }

    /**
     * {@link #podsAt} split by source: of each source identity (and placement), its pods the
     * finding traps at the address, in the order of {@link #sourceSet()}.
     */
    public Map<Source, List<Pod>> podsBySourceAt(ServiceAddress a) {
      Trap.Explainer x = first().dialled().explainer();
      Map<Source, List<Pod>> out = new LinkedHashMap<>();
      for (Source s : sourceSet) {
        if (s.placement() == Placement.ALL) {
          // Every pod of the identity, wherever it runs: no pod's node is looked up.
          out.put(s, new ArrayList<>(x.podsOf(s.group())));
          continue;
        }
        List<Pod> pods = new ArrayList<>();
        for (Pod p : x.podsOf(s.group())) {
          if (s.traps(p, x.onOwner(a, p))) {
            pods.add(p);
          }
        }
        out.put(s, pods);
      }
      return out;
    }

    /** Every pod of a source's identity, wherever it runs (its placement not applied). */
    public List<Pod> podsOf(Source s) {
      return first().dialled().explainer().podsOf(s.group());
    }

    /** The first {@code limit} names of its sources (workloads, pods or identities). */
    public List<String> sourceNames(int limit) {
      Set<String> out = new LinkedHashSet<>();
      for (TrapGroups.Group s : groups) {
        for (SourceNames.Named m : s.members()) {
          if (out.size() == limit) {
            return List.copyOf(out);
          }
          out.add(m.source().name());
        }
      }
      return List.copyOf(out);
    }

    /** How many distinct sources (workloads, pods or identities) it traps. */
    public int sourceCount() {
      if (groups.size() == 1) {
        return groups.get(0).members().size();
      }
      Set<String> names = new HashSet<>();
      groups.forEach(s -> s.members().forEach(m -> names.add(m.source().name())));
      return names.size();
    }

    /** Source pods in all (counted at one address: every address has the same). */
    public long pods() {
      long n = 0;
      for (TrapGroups.Group g : sources()) {
        n += g.pods();
      }
      return n;
    }

    /** The addresses as the fewest CIDR prefixes that cover exactly them. */
    public List<String> ranges() {
      List<IPAddress> ips = addresses.stream().map(ServiceAddress::address).toList();
      List<String> out = new ArrayList<>();
      for (boolean v6 : new boolean[] {false, true}) {
        IPAddress[] family = ips.stream().filter(a -> a.isIPv6() == v6)
            .toArray(IPAddress[]::new);
        if (family.length > 0) {
          for (IPAddress block : family[0].mergeToPrefixBlocks(family)) {
            out.add(block.getCount().equals(BigInteger.ONE)
                ? block.withoutPrefixLength().toCanonicalString() : block.toCanonicalString());
          }
        }
      }
      return out;
    }

    /** The first {@code limit} of {@link #ranges()}: what JSON and SARIF list. */
    public List<String> ranges(int limit) {
      List<String> all = ranges();
      return all.size() > limit ? List.copyOf(all.subList(0, limit)) : all;
    }

    /** "4812 addresses 198.18.0.3 … 198.18.18.250" or the address itself. */
    public String addressText() {
      if (addresses.size() == 1) {
        return addresses.get(0).hostText();
      }
      return addresses.size() + " " + addresses.get(0).frontend() + " addresses "
          + addresses.get(0).hostText() + " … " + addresses.get(addresses.size() - 1).hostText();
    }
  }

  private ServiceFindings() {}

  /**
   * The finding of version 3: the contract's fields as version 2 has them (address, source:
   * the first of the group), plus {@code addresses} (CIDR prefixes), {@code addressCount},
   * {@code sources} (workload or identity names), {@code sourceCount} (how many) and {@code
   * pods}.
   */
  static Finding finding(Group g) {
    Trap t = g.first();
    List<TrapGroups.Group> sources = g.sources();
    Map<String, Object> extra = new LinkedHashMap<>();
    // Bounded: a Node IPAM Service's node addresses rarely merge into few prefixes; addressCount
    // says how many there are and --per-address lists each.
    extra.put("addresses", g.ranges(MAX_ADDRESSES));
    extra.put("addressCount", g.addresses().size());
    List<String> sourceNames = g.sourceNames(TrapGroups.MAX_SOURCES);
    int sourceCount = g.sourceCount();
    extra.put("sourceKind", sources.get(0).source().kind());
    extra.put("sources", sourceNames);
    extra.put("sourceCount", sourceCount);
    extra.put("pods", g.pods());
    AuditReport.extraOf(t, extra);
    String names = sourceNames.get(0)
        + (sourceCount > 1 ? " and " + (sourceCount - 1) + " more" : "");
    String message = names + " -> " + g.key().service() + ": " + g.addressText() + ":"
        + t.servicePort().port() + "/" + t.protocol() + ": " + t.detail();
    return Finding.builder()
        .type(FindingType.IDENTITY_TRAP)
        .severity(t.severity())
        .active(t.active())
        .direction(TrapGroups.direction(t))
        .service(g.key().service())
        .address(t.address().address().toCanonicalString())
        .port(t.servicePort().port())
        .targetPort(t.targetPorts().get(0))
        .protocol(t.protocol().name())
        .source(sources.get(0).source().name())
        .policies(t.policies())
        .message(message)
        .extra(extra)
        .build();
  }

  /** Which pods of a source identity a finding traps at each of its addresses. */
  public enum Placement {
    /** Every pod of the identity. */
    ALL,
    /** Its pods on the address's own node (the flow is translated there, judged apart). */
    ON_OWN_NODE,
    /** Its pods off the address's own node. */
    OFF_OWN_NODE,
    /**
     * The pods the source names, wherever they run: which are trapped reads more than whether
     * they run on the address's own node (the backends read each client's node).
     */
    PODS
  }

  /**
   * A source identity of a finding and which of its pods: two addresses of a Service whose
   * nodes run different pods of an identity still share a finding when the pods off (or on)
   * each one's node are trapped alike.
   *
   * @param group the source group (identity) id of the search
   * @param pods with {@link Placement#PODS}, the keys of the pods trapped; else null
   */
  public record Source(int group, Placement placement, Set<String> pods) {
    public Source {
      pods = pods == null ? null : Set.copyOf(pods);
    }

    public Source(int group, Placement placement) {
      this(group, placement, null);
    }

    /** Whether a pod of the source's group is trapped at an address, on its node or not. */
    public boolean traps(Pod pod, boolean onOwner) {
      return switch (placement) {
        case ALL -> true;
        case ON_OWN_NODE -> onOwner;
        case OFF_OWN_NODE -> !onOwner;
        case PODS -> pods.contains(pod.key());
      };
    }
  }

  /**
   * The findings of a report's groups, in the order their first group comes. A finding keeps
   * the groups at its first address only: its other addresses have the same sources.
   */
  public static List<Group> of(TrapGroups groups) {
    Map<List<Object>, Builder> byKey = new LinkedHashMap<>();
    // Read per run of addresses with the same groups (an address class), not per address.
    groups.forEachRun(run -> {
      // At one address: the groups of each key, and the pods they trap.
      Map<Key, List<TrapGroups.Group>> here = new LinkedHashMap<>();
      for (TrapGroups.Group g : run.target().groups()) {
        here.computeIfAbsent(Key.of(g.first()), k -> new ArrayList<>()).add(g);
      }
      here.forEach((key, gs) -> {
        Set<Source> sources = sourcesOf(gs);
        Builder b = byKey.computeIfAbsent(List.of(key, sources), k -> new Builder(key, sources));
        if (b.runs.isEmpty()) {
          b.groups.addAll(gs);
        }
        b.runs.add(run);
      });
    });
    // Findings with the same addresses share one list (the blocks compare them by identity).
    Map<AddressSet, List<ServiceAddress>> interned = new HashMap<>();
    return byKey.values().stream()
        .map(b -> {
          AddressSet set = b.addressSet();
          List<ServiceAddress> addresses =
              interned.computeIfAbsent(set, k -> b.addresses(k.positions()));
          return new Group(b.key, addresses, List.copyOf(b.groups), b.sources);
        })
        .toList();
  }

  /** The addresses of a finding, by their positions in the report's order. */
  private record AddressSet(int[] positions) {
    @Override
    public boolean equals(Object o) {
      return o instanceof AddressSet a && Arrays.equals(a.positions, positions);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(positions);
    }
  }

  /**
   * One block of the text and Markdown reports: a Service's port and an address group, with the
   * sources at its first address (every address of the group has the same).
   *
   * @param addresses the address group, in the report's order
   * @param target the per-address groups at its first address, read like one address's
   */
  public record Block(List<ServiceAddress> addresses, TrapGroups.Target target) {
    /** "203.0.113.9:443/TCP", or "4812 nodeIPAM addresses 198.18.0.3 … 198.18.18.250:443/TCP". */
    public String addressText() {
      Trap t = target.first();
      String where =
          addresses.size() == 1
              ? addresses.get(0).hostText()
              : addresses.size()
                  + " "
                  + addresses.get(0).frontend()
                  + " addresses "
                  + addresses.get(0).hostText()
                  + " … "
                  + addresses.get(addresses.size() - 1).hostText();
      return where + ":" + t.servicePort().port() + "/" + t.protocol();
    }
  }

  /**
   * The findings as the reports show them: one block per Service port and address group, in the
   * order their first finding comes; nothing repeated per address.
   */
  public static List<Block> blocks(List<Group> findings) {
    Map<List<Object>, List<TrapGroups.Group>> by = new LinkedHashMap<>();
    Map<List<Object>, List<ServiceAddress>> addressesOf = new LinkedHashMap<>();
    // Findings of one address group share its list (of): compared by identity, not address by
    // address.
    Map<List<ServiceAddress>, Integer> addressIds = new IdentityHashMap<>();
    for (Group g : findings) {
      List<Object> id = List.of(g.key().service(), g.key().port(), g.key().protocol(),
          addressIds.computeIfAbsent(g.addresses(), k -> addressIds.size()));
      by.computeIfAbsent(id, k -> new ArrayList<>()).addAll(g.sources());
      addressesOf.putIfAbsent(id, g.addresses());
    }
    List<Block> out = new ArrayList<>();
    by.forEach((id, gs) -> out.add(new Block(addressesOf.get(id), new TrapGroups.Target(gs))));
    return out;
  }

  /**
   * The sources of some groups at one address, as a value two addresses can share: each trap's
   * identity, and whether its pods are those on the address's node.
   */
  private static Set<Source> sourcesOf(List<TrapGroups.Group> gs) {
    // By group: how many of its pods are trapped here, and how many of those run on the
    // address's own node.
    Map<Integer, int[]> byGroup = new LinkedHashMap<>();
    Trap.Explainer x = gs.get(0).first().dialled().explainer();
    ServiceAddress at = gs.get(0).first().address();
    for (TrapGroups.Group g : gs) {
      for (Trap t : g.traps()) {
        int[] seen = byGroup.computeIfAbsent(x.groupOf(t.sources().get(0)), k -> new int[2]);
        seen[0] += t.sources().size();
        seen[1] += x.onOwner(at, t.sources());
      }
    }
    Set<Source> out = new LinkedHashSet<>();
    byGroup.forEach((group, seen) -> out.add(source(gs, x, at, group, seen[0], seen[1])));
    return Set.copyOf(out);
  }

  /**
   * A group's source: all its pods, those on (or off) the address's own node, or else exactly
   * the pods trapped (named only then: it takes a walk over them).
   */
  private static Source source(List<TrapGroups.Group> gs, Trap.Explainer x, ServiceAddress at,
      int group, int trapped, int trappedOn) {
    int all = x.podsOf(group).size();
    int on = x.onOwner(at, x.podsOf(group));
    if (trapped == all) {
      return new Source(group, Placement.ALL);
    } else if (trapped == on && trappedOn == on) {
      return new Source(group, Placement.ON_OWN_NODE);
    } else if (trapped == all - on && trappedOn == 0) {
      return new Source(group, Placement.OFF_OWN_NODE);
    }
    Set<String> pods = new HashSet<>();
    for (TrapGroups.Group g : gs) {
      for (Trap t : g.traps()) {
        if (x.groupOf(t.sources().get(0)) == group) {
          t.sources().forEach(p -> pods.add(p.key()));
        }
      }
    }
    return new Source(group, Placement.PODS, pods);
  }

  private static final class Builder {
    final Key key;
    final Set<Source> sources;
    final List<TrapGroups.Run> runs = new ArrayList<>();
    final List<TrapGroups.Group> groups = new ArrayList<>();

    Builder(Key key, Set<Source> sources) {
      this.key = key;
      this.sources = sources;
    }

    /** The positions of every address of the runs, ascending (runs interleave). */
    AddressSet addressSet() {
      int n = 0;
      for (TrapGroups.Run r : runs) {
        n += r.positions().length;
      }
      int[] all = new int[n];
      int i = 0;
      for (TrapGroups.Run r : runs) {
        System.arraycopy(r.positions(), 0, all, i, r.positions().length);
        i += r.positions().length;
      }
      if (runs.size() > 1) {
        Arrays.sort(all);
      }
      return new AddressSet(all);
    }

    /** The addresses at the positions (each in one run), in the report's order. */
    List<ServiceAddress> addresses(int[] positions) {
      if (runs.size() == 1) {
        return List.copyOf(runs.get(0).addresses());
      }
      Map<Integer, ServiceAddress> at = new HashMap<>();
      for (TrapGroups.Run r : runs) {
        for (int j = 0; j < r.positions().length; j++) {
          at.put(r.positions()[j], r.addresses().get(j));
        }
      }
      List<ServiceAddress> out = new ArrayList<>(positions.length);
      for (int p : positions) {
        out.add(at.get(p));
      }
      return List.copyOf(out);
    }
  }
}

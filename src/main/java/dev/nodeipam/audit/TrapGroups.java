package dev.nodeipam.audit;

import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.Pod;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The traps as a person reviews them: one group per (source workload or identity, address, port,
 * direction), split further only where the pods of one source get different answers (those on
 * the address's own node, say). Traps come ordered by Service, address, port, direction and
 * source, so a group is a run of neighbouring traps and finding the runs is one pass.
 */
public final class TrapGroups {
  /** Pod names a group lists; {@code sourceCount} says how many there are in all. */
  public static final int MAX_SOURCES = 20;

  /**
   * Traps of one source at one address, port and direction; or of several sources that no rule
   * tells apart, judged as one ({@code SourceClasses}), each named in {@code members}.
   *
   * @param traps the traps, neighbours in the report's order (at least one)
   * @param source the workload, pod or identity they come from (the first of {@code members})
   * @param pods how many source pods in all
   * @param members each source and its pods, in the order they come (one for a single source)
   */
  public record Group(List<Trap> traps, SourceNames.Source source, int pods,
      List<SourceNames.Named> members, SourceNames names) {
    public Group {
      members = List.copyOf(members);
    }

    public Trap first() {
      return traps.get(0);
    }

    /** The pods of each source, at this group's address, in the order of {@link #members}. */
    public Map<SourceNames.Source, List<Pod>> podsBySource() {
      Trap.Explainer x = first().dialled().explainer();
      Map<SourceNames.Source, List<Pod>> out = new TreeMap<>(SourceNames.BY_NAME);
      for (Trap t : traps) {
        names.podsBySource(t.sources(), x::identityKey).forEach((source, pods) ->
            out.computeIfAbsent(source, k -> new ArrayList<>()).addAll(pods));
      }
      return out;
    }

    /** The group as one group per source: itself when it has one. */
    public List<Group> bySource() {
      if (members.size() == 1) {
        return List.of(this);
      }
      Trap.Explainer x = first().dialled().explainer();
      Map<SourceNames.Source, List<Trap>> parts = new TreeMap<>(SourceNames.BY_NAME);
      for (Trap t : traps) {
        names.podsBySource(t.sources(), x::identityKey).forEach((source, pods) ->
            parts.computeIfAbsent(source, k -> new ArrayList<>()).add(
                pods.size() == t.sources().size() ? t : t.toBuilder().sources(pods).build()));
      }
      List<Group> out = new ArrayList<>(parts.size());
      parts.forEach((source, ts) -> {
        int n = ts.stream().mapToInt(t -> t.sources().size()).sum();
        out.add(new Group(ts, source, n, List.of(new SourceNames.Named(source, n)), names));
      });
      return out;
    }

    /** The first {@code limit} source pods. */
    public List<Pod> sources(int limit) {
      List<Pod> out = new ArrayList<>();
      for (Trap t : traps) {
        for (Pod p : t.sources()) {
          if (out.size() == limit) {
            return out;
          }
          out.add(p);
        }
      }
      return out;
    }
  }

  /**
   * What a set of groups comes to, in the words of the report's summary: "7 policies in 3
   * namespaces stop matching for 24.85.233.58:443 — 1 active, 6 latent".
   *
   * @param policies distinct policies whose CIDR/world rule stops matching
   * @param namespaces distinct namespaces of those policies (clusterwide ones have none)
   * @param active policies with an active trap (the rest are latent only)
   * @param sources groups (source workloads or identities)
   * @param pods source pods in all
   */
  public record Summary(
      int policies, int namespaces, int active, int sources, long pods) {
    public int latent() {
      return policies - active;
    }
  }

  /** The groups at one Service address, port and protocol (at least one). */
  public record Target(List<Group> groups) {
    public Trap first() {
      return groups.get(0).first();
    }

    public Summary summary() {
      return summarize(groups);
    }
  }

  private final List<Trap> traps;
  private final SourceNames names;
  /** Where each group starts, found on the first read of the per-address groups. */
  private int[] starts;
  // Traps of one group of pods share its pod list: name each list once.
  private final Map<List<Pod>, SourceNames.Source> sourceOf = new IdentityHashMap<>();

  TrapGroups(List<Trap> traps, SourceNames names) {
    this.traps = traps;
    this.names = names;
  }

  /** Where the groups of some neighbouring traps start, and their end. */
  private int[] startsOf(List<Trap> traps) {
    int[] s = new int[traps.size() + 1];
    int n = 0;
    for (int i = 0; i < traps.size(); i++) {
      if (i == 0 || !sameGroup(traps.get(i - 1), traps.get(i))) {
        s[n++] = i;
      }
    }
    s[n] = traps.size();
    return Arrays.copyOf(s, n + 1);
  }

  private synchronized int[] starts() {
    if (starts == null) {
      starts = startsOf(traps);
    }
    return starts;
  }

  /**
   * Addresses whose groups are the same but for the address, and those groups at the first of
   * them: what every reader that reports per Service rather than per address walks.
   *
   * @param positions the addresses' indices among the addresses with traps, in report order
   */
  public record Run(int[] positions, List<ServiceAddress> addresses, Target target) {}

  /**
   * Each run of addresses with the same groups, in the order of its first address: an address
   * class judged alike at every address is one run, however many addresses it has, so a reader
   * of the runs costs per class, not per published address.
   */
  public void forEachRun(Consumer<Run> each) {
    if (traps instanceof TrapView view) {
      view.forEachRun(r -> each.accept(new Run(r.positions(), r.addresses(),
          new Target(groupsOf(r.traps())))));
      return;
    }
    int[] position = new int[1];
    forEachTarget(t -> each.accept(new Run(new int[] {position[0]++},
        List.of(t.first().address()), t)));
  }

  /** The groups of the traps at one address. */
  private List<Group> groupsOf(List<Trap> here) {
    int[] s = startsOf(here);
    List<Group> out = new ArrayList<>(s.length - 1);
    for (int i = 0; i + 1 < s.length; i++) {
      out.add(group(here.subList(s[i], s[i + 1])));
    }
    return out;
  }

  private Group group(List<Trap> run) {
    int pods = 0;
    for (Trap t : run) {
      pods += t.sources().size();
    }
    List<SourceNames.Named> members = members(run);
    return new Group(run, members.get(0).source(), pods, members, names);
  }

  /** The sources of some traps' pods, those of one name merged. */
  private List<SourceNames.Named> members(List<Trap> run) {
    Trap.Explainer x = run.get(0).dialled().explainer();
    if (run.size() == 1) {
      return names.members(run.get(0).sources(), x::identityKey);
    }
    Map<SourceNames.Source, Integer> byName = new TreeMap<>(SourceNames.BY_NAME);
    for (Trap t : run) {
      for (SourceNames.Named m : names.members(t.sources(), x::identityKey)) {
        byName.merge(m.source(), m.count(), Integer::sum);
      }
    }
    List<SourceNames.Named> out = new ArrayList<>(byName.size());
    byName.forEach((source, n) -> out.add(new SourceNames.Named(source, n)));
    return out;
  }

  /**
   * The groups split into one per source (the unit of the per-address report, version 2), built
   * one at a time as they are read.
   */
  public List<Group> bySource() {
    List<Group> groups = groups();
    int[] starts = new int[groups.size() + 1];
    for (int i = 0; i < groups.size(); i++) {
      starts[i + 1] = starts[i] + groups.get(i).members().size();
    }
    return new AbstractList<>() {
      // A group's sources are read one after the other: split it once, not once per source.
      private int split = -1;
      private List<Group> parts;

      @Override
      public synchronized Group get(int index) {
        int g = Arrays.binarySearch(starts, index);
        g = g >= 0 ? g : -g - 2;
        Group group = groups.get(g);
        if (group.members().size() == 1) {
          return group;
        }
        if (split != g) {
          parts = group.bySource();
          split = g;
        }
        return parts.get(index - starts[g]);
      }

      @Override
      public int size() {
        return starts[starts.length - 1];
      }
    };
  }

  /** The groups, built one at a time as they are read. */
  public List<Group> groups() {
    int[] starts = starts();
    return new AbstractList<>() {
      @Override
      public Group get(int index) {
        return group(traps.subList(starts[index], starts[index + 1]));
      }

      @Override
      public int size() {
        return starts.length - 1;
      }
    };
  }

  /** Each Service address, port and protocol in turn, with its groups. */
  public void forEachTarget(Consumer<Target> each) {
    List<Group> all = groups();
    List<Group> current = new ArrayList<>();
    for (Group g : all) {
      if (!current.isEmpty() && !sameTarget(current.get(0).first(), g.first())) {
        each.accept(new Target(List.copyOf(current)));
        current.clear();
      }
      current.add(g);
    }
    if (!current.isEmpty()) {
      each.accept(new Target(List.copyOf(current)));
    }
  }

  /** The summary over every group of the report. */
  public Summary summary() {
    return summarize(groups());
  }

  static Summary summarize(List<Group> groups) {
    Tally tally = new Tally();
    groups.forEach(tally::add);
    return tally.summary();
  }

  /** Adds groups up into a {@link Summary}, one at a time. */
  public static final class Tally {
    private final Set<PolicyRef> policies =
        new HashSet<>();
    private final Set<PolicyRef> active =
        new HashSet<>();
    private final Set<String> namespaces = new HashSet<>();
    private long pods;
    private int sources;

    public void add(Group g) {
      for (Trap t : g.traps()) {
        for (PolicyRef p : t.policies()) {
          if (policies.add(p) && p.namespace() != null) {
            namespaces.add(p.namespace());
          }
          if (t.active()) {
            active.add(p);
          }
        }
      }
      pods += g.pods();
      sources += g.members().size();
    }

    public Summary summary() {
      return new Summary(policies.size(), namespaces.size(), active.size(), sources, pods);
    }
  }

  private static boolean sameTarget(Trap a, Trap b) {
    return (a.address() == b.address() || a.address().equals(b.address()))
        && a.servicePort().port() == b.servicePort().port() && a.protocol() == b.protocol();
  }

  /** How many groups are active traps (errors). */
  public int activeCount() {
    int[] starts = starts();
    int n = 0;
    for (int i = 0; i + 1 < starts.length; i++) {
      n += traps.get(starts[i]).active() ? 1 : 0;
    }
    return n;
  }

  /** Whether two neighbouring traps are one finding of the grouped report. */
  private boolean sameGroup(Trap a, Trap b) {
    if (!sameTarget(a, b) || a.direction() != b.direction() || a.active() != b.active()
        || a.denyRule() != b.denyRule() || !a.policies().equals(b.policies())
        || !a.destinations().equals(b.destinations())) {
      return false;
    }
    Pod pa = a.sources().get(0);
    Pod pb = b.sources().get(0);
    if (!pa.namespace().equals(pb.namespace())) {
      return false;
    }
    // The same identity split by node, or pods of one workload: one source either way.
    return pa.labels().equals(pb.labels()) || source(a).equals(source(b));
  }

  private synchronized SourceNames.Source source(Trap t) {
    return sourceOf.computeIfAbsent(t.sources(), ps -> names.of(ps.get(0), ps.size()));
  }

  /** The direction as the contract writes it. */
  static String direction(Trap t) {
    return t.direction() == Direction.EGRESS ? "egress" : "ingress";
  }
}

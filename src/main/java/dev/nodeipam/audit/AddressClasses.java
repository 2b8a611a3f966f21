package dev.nodeipam.audit;

import dev.nodeipam.audit.Audit.Target;
import dev.nodeipam.audit.TrapSearch.Entry;
import dev.nodeipam.audit.TrapSearch.Found;
import dev.nodeipam.policy.engine.ServiceTranslation;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Service addresses the trap search cannot tell apart, searched once per class instead of once
 * per address. Two addresses (with a port) are one class when they have the same Service, kind
 * of frontend, port and family, lie inside the same CIDR peers of every rule ({@link
 * WorldClasses}), and hit the same frontend entry (Service, port, kind, ipMode): then a client
 * off the address's node gets the same translation, the same backends and so the same verdict at
 * each of them. What is not shared is judged per address: the clients on the node that owns it
 * when they can get another verdict there ({@link TrapSearch#ownNodeAlike}: an externalIP that
 * socket LB translates on its node only, hostNetwork backends, {@code internalTrafficPolicy:
 * Local}; never a LoadBalancer or Node IPAM address translated for every pod), and the whole
 * class when a client off the
 * node is judged on the address untranslated (the address itself, and the next hop that delivers
 * it, are then this address's own).
 */
final class AddressClasses {
  /** What the addresses of one class share: see the class comment. */
  private record Key(String service, String frontend, int port, Protocol protocol, boolean ipv4,
      int world, Object hit) {}

  private static final int[] NO_GROUPS = new int[0];

  private final TrapSearch search;
  /** By node name: the ids of the groups with a pod there, ascending. */
  private final Map<String, int[]> groupsOnNode = new HashMap<>();

  AddressClasses(TrapSearch search) {
    this.search = search;
    Map<String, List<Integer>> on = new HashMap<>();
    for (SourceGroup g : search.groups()) {
      for (String node : g.byNode().keySet()) {
        on.computeIfAbsent(node, k -> new ArrayList<>()).add(g.id());
      }
    }
    on.forEach((node, ids) -> groupsOnNode.put(node,
        ids.stream().sorted().mapToInt(Integer::intValue).toArray()));
  }

  /**
   * Targets split into classes.
   *
   * @param members each class, in the report's order, classes by their first member
   * @param classOf by target (in the order given), its class
   * @param memberOf by target, its index in its class
   */
  record Classes(List<List<Target>> members, int[] classOf, int[] memberOf) {}

  /** The targets (in the report's order) as classes. */
  Classes classes(List<Target> targets) {
    Map<Key, Integer> index = new HashMap<>();
    List<List<Target>> members = new ArrayList<>();
    int[] classOf = new int[targets.size()];
    int[] memberOf = new int[targets.size()];
    for (int i = 0; i < targets.size(); i++) {
      Target t = targets.get(i);
      int c = index.computeIfAbsent(key(t), k -> {
        members.add(new ArrayList<>());
        return members.size() - 1;
      });
      classOf[i] = c;
      memberOf[i] = members.get(c).size();
      members.get(c).add(t);
    }
    return new Classes(members, classOf, memberOf);
  }

  private Key key(Target t) {
    ServiceAddress a = t.address();
    Optional<ServiceTranslation.Hit> hit =
        search.engine().frontendHit(a.address(), t.port().port(), t.protocol());
    // No frontend entry: nothing shared is known of it, so it is a class of its own.
    Object h = hit.isEmpty() ? a.address().toCanonicalString() : hit.get().entry();
    return new Key(a.service().key(), a.frontend(), t.port().port(), t.protocol(),
        a.address().isIPv4(), search.worldClass(a.address()).id(), h);
  }

  /**
   * The traps of one class, equal address by address to {@link TrapSearch#found} at each.
   *
   * @param members the class, in the report's order
   * @param only by group id, the groups to judge; null for every group
   */
  ClassTraps search(List<Target> members, boolean[] only) {
    Service.ServicePort port = members.get(0).port();
    Protocol protocol = members.get(0).protocol();
    List<ServiceAddress> addresses = members.stream().map(Target::address).toList();
    if (search.nothingToJudge(addresses.get(0), port, protocol)) {
      return new ClassTraps(port, Found.NONE,
          addresses.stream().map(ClassTraps.Member::plain).toList());
    }
    // Clients on an address's own node judged apart only where that can change their verdict.
    boolean alike = search.ownNodeAlike(addresses.get(0), port, protocol);
    Found shared = shared(addresses, port, protocol, only, alike);
    if (shared == null) {
      return perAddress(addresses, port, protocol, only);
    }
    if (alike) {
      return new ClassTraps(port, shared,
          addresses.stream().map(ClassTraps.Member::plain).toList());
    }
    List<ClassTraps.Member> out = new ArrayList<>(addresses.size());
    boolean[] mask = new boolean[search.groupCount()];
    for (ServiceAddress a : addresses) {
      int[] own = own(a, only);
      if (own.length == 0) {
        out.add(ClassTraps.Member.plain(a));
        continue;
      }
      for (int g : own) {
        mask[g] = true;
      }
      out.add(new ClassTraps.Member(a, own, search.found(a, port, protocol, mask)));
      for (int g : own) {
        mask[g] = false;
      }
    }
    return new ClassTraps(port, shared, out);
  }

  /**
   * The traps of the groups off the owning node, each judged at the first address whose node
   * holds none of its pods; null when a verdict read the address itself.
   */
  private Found shared(List<ServiceAddress> addresses, Service.ServicePort port,
      Protocol protocol, boolean[] only, boolean alike) {
    int n = search.groupCount();
    boolean[] pending = new boolean[n];
    int left = 0;
    for (int g = 0; g < n; g++) {
      if (only == null || only[g]) {
        pending[g] = true;
        left++;
      }
    }
    List<Entry> egress = new ArrayList<>();
    List<Entry> ingress = new ArrayList<>();
    for (ServiceAddress a : addresses) {
      if (left == 0) {
        break;
      }
      boolean[] mask = pending.clone();
      for (int g : alike ? NO_GROUPS : onOwner(a)) {
        mask[g] = false;
      }
      Found f = search.found(a, port, protocol, mask, !alike);
      if (f.addressDependent()) {
        return null;
      }
      egress.addAll(f.egress());
      ingress.addAll(f.ingress());
      for (int g = 0; g < n; g++) {
        if (mask[g]) {
          pending[g] = false;
          left--;
        }
      }
    }
    Comparator<Entry> byGroup = Comparator.comparingInt(Entry::group);
    egress.sort(byGroup);
    ingress.sort(byGroup);
    return new Found(List.copyOf(egress), List.copyOf(ingress), false);
  }

  /** Every address searched on its own: the class shares nothing. */
  private ClassTraps perAddress(List<ServiceAddress> addresses, Service.ServicePort port,
      Protocol protocol, boolean[] only) {
    int[] all = new int[search.groupCount()];
    int n = 0;
    for (int g = 0; g < all.length; g++) {
      if (only == null || only[g]) {
        all[n++] = g;
      }
    }
    int[] judged = Arrays.copyOf(all, n);
    return new ClassTraps(port, Found.NONE, addresses.stream()
        .map(a -> new ClassTraps.Member(a, judged, search.found(a, port, protocol, only)))
        .toList());
  }

  /** The groups judged at the address alone: those with a pod on its node (of {@code only}). */
  private int[] own(ServiceAddress a, boolean[] only) {
    int[] on = onOwner(a);
    if (only == null || on.length == 0) {
      return on;
    }
    return Arrays.stream(on).filter(g -> only[g]).toArray();
  }

  private int[] onOwner(ServiceAddress a) {
    String owner = search.nodeOfAddress(a.address());
    int[] on = owner == null ? null : groupsOnNode.get(owner);
    return on == null ? new int[0] : on;
  }
}

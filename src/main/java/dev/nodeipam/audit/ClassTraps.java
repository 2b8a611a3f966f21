package dev.nodeipam.audit;

import dev.nodeipam.audit.TrapSearch.Entry;
import dev.nodeipam.audit.TrapSearch.Found;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The traps of one address class on one port ({@link AddressClasses}): what every address of the
 * class shares, found once, and per address only the source groups with pods on the node that
 * owns it (translated and judged apart for them). An address's traps, as the per-address search
 * finds them, are the shared ones at that address with those groups' own put in their place.
 *
 * @param port the Service port
 * @param shared the traps of the groups with no pod on the owning node, found at one address
 * @param members the addresses, in the report's order, each with its own groups
 */
record ClassTraps(Service.ServicePort port, Found shared, List<Member> members) {
  private static final int[] NONE = new int[0];

  /**
   * One address of the class.
   *
   * @param groups the ids of the groups judged at this address alone, ascending
   * @param own what they found there
   */
  record Member(ServiceAddress address, int[] groups, Found own) {
    static Member plain(ServiceAddress address) {
      return new Member(address, NONE, Found.NONE);
    }
  }

  /** Whether every member has the shared traps and nothing of its own. */
  boolean uniform() {
    for (Member m : members) {
      if (m.groups().length > 0) {
        return false;
      }
    }
    return true;
  }

  /** The entries of member {@code i}, egress-side first, each side by group. */
  List<Entry> entries(int i) {
    Member m = members.get(i);
    Map<Dialled, Dialled> readdressed = new IdentityHashMap<>();
    List<Entry> out = new ArrayList<>();
    merge(shared.egress(), m, m.own().egress(), readdressed, out);
    merge(shared.ingress(), m, m.own().ingress(), readdressed, out);
    return out;
  }

  /** How many traps member {@code i} has, without building them. */
  int count(int i) {
    Member m = members.get(i);
    return kept(shared.egress(), m.groups()) + kept(shared.ingress(), m.groups())
        + m.own().egress().size() + m.own().ingress().size();
  }

  private static int kept(List<Entry> shared, int[] replaced) {
    if (replaced.length == 0) {
      return shared.size();
    }
    int n = 0;
    for (Entry e : shared) {
      n += Arrays.binarySearch(replaced, e.group()) < 0 ? 1 : 0;
    }
    return n;
  }

  /** The shared entries (but those of the member's own groups) and its own, by group. */
  private static void merge(List<Entry> shared, Member m, List<Entry> own,
      Map<Dialled, Dialled> readdressed, List<Entry> out) {
    int j = 0;
    for (Entry e : shared) {
      while (j < own.size() && own.get(j).group() < e.group()) {
        out.add(own.get(j++));
      }
      if (m.groups().length == 0 || Arrays.binarySearch(m.groups(), e.group()) < 0) {
        out.add(new Entry(e.group(), at(e.trap(), m.address(), readdressed)));
      }
    }
    while (j < own.size()) {
      out.add(own.get(j++));
    }
  }

  /** A shared trap as found at another address of the class: only the address differs. */
  private static Trap at(Trap t, ServiceAddress a, Map<Dialled, Dialled> readdressed) {
    Dialled d = t.dialled();
    if (d.address() == a) {
      return t;
    }
    Dialled here = readdressed.computeIfAbsent(d, k -> new Dialled(a, k.servicePort(),
        k.protocol(), k.now(), k.used(), k.destinations(), k.explainer()));
    return t.toBuilder().dialled(here).build();
  }
}

package dev.nodeipam.migrate;

import dev.nodeipam.ipam.AddressPolicy;
import dev.nodeipam.snapshot.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * How to split a Service's old addresses into Node IPAM LoadBalancers so that each publishes what
 * it should. Node IPAM publishes every address of the selected nodes in the requested families,
 * ExternalIPs before InternalIPs for the whole Service, so one Service reproduces the old set only
 * when the set is exactly that. The addresses fall into at most four atoms (family × address type);
 * every way of grouping the atoms into Services is tried on the real Node IPAM core, and the one
 * that loses least, then adds least, then needs fewest Services wins.
 */
final class Grouping {

  /** One old address with the nodes that own it. */
  record Address(String text, int family, boolean external, List<Node> owners) {}

  /** A group of old addresses served by one Service, and what that Service publishes. */
  record Block(List<Address> addresses, AddressPolicy policy, List<String> published) {
    Set<Integer> families() {
      Set<Integer> families = new LinkedHashSet<>();
      addresses.forEach(a -> families.add(a.family()));
      return families;
    }

    List<Node> owners() {
      Map<String, Node> owners = new TreeMap<>();
      addresses.forEach(a -> a.owners().forEach(n -> owners.put(n.name(), n)));
      return List.copyOf(owners.values());
    }

    List<String> texts() {
      return addresses.stream().map(Address::text).toList();
    }
  }

  /** A grouping and its proof against the old addresses. */
  record Choice(List<Block> blocks, Proof proof) {
    boolean usesAnnotations() {
      return blocks.stream().anyMatch(b -> b.policy() != null);
    }
  }

  /** The policies tried per block when nodeipam's own annotation may be used (null = Cilium's). */
  static final List<AddressPolicy> CILIUM_ONLY = Arrays.asList((AddressPolicy) null);

  static final List<AddressPolicy> WITH_ANNOTATION =
      Arrays.asList(
          null,
          AddressPolicy.PER_NODE_FALLBACK,
          AddressPolicy.INTERNAL_ONLY,
          AddressPolicy.EXTERNAL_ONLY);

  private final List<Address> addresses;
  private final BiFunction<List<Address>, AddressPolicy, List<String>> publish;
  private final Map<String, List<String>> memo = new HashMap<>();

  /**
   * @param publish what Node IPAM publishes for a Service whose selector picks exactly the owners
   *     of these addresses, in their families, under the given address policy (null = Cilium's)
   */
  Grouping(
      List<Address> addresses, BiFunction<List<Address>, AddressPolicy, List<String>> publish) {
    this.addresses = List.copyOf(addresses);
    this.publish = publish;
  }

  /** The best grouping using only the given per-block address policies. */
  Choice best(List<AddressPolicy> policies) {
    List<List<Address>> atoms = atoms();
    List<String> old = addresses.stream().map(Address::text).toList();
    Choice best = null;
    Comparator<Choice> order =
        Comparator.comparingInt((Choice c) -> c.proof().lost().size())
            .thenComparingInt(c -> c.proof().added().size())
            .thenComparingInt(c -> c.blocks().size())
            .thenComparingInt(c -> familyPure(c) ? 0 : 1)
            .thenComparingInt(c -> c.usesAnnotations() ? 1 : 0);
    for (int[] partition : partitions(atoms.size())) {
      int groups = Arrays.stream(partition).max().orElse(-1) + 1;
      List<Block> blocks = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        List<Address> members = new ArrayList<>();
        for (int i = 0; i < partition.length; i++) {
          if (partition[i] == g) {
            members.addAll(atoms.get(i));
          }
        }
        blocks.add(bestBlock(members, policies));
      }
      List<String> published = new ArrayList<>();
      blocks.forEach(b -> published.addAll(b.published()));
      Choice choice = new Choice(List.copyOf(blocks), Proof.compare(old, published));
      if (best == null || order.compare(choice, best) < 0) {
        best = choice;
      }
    }
    return best;
  }

  private Block bestBlock(List<Address> members, List<AddressPolicy> policies) {
    Block best = null;
    for (AddressPolicy policy : policies) {
      String key = members.stream().map(Address::text).toList() + "|" + policy;
      List<String> published = memo.computeIfAbsent(key, k -> publish.apply(members, policy));
      Block block = new Block(List.copyOf(members), policy, published);
      if (best == null || score(block) < score(best)) {
        best = block;
      }
    }
    return best;
  }

  /** Lost first, then added: a block's own mismatch. */
  private static long score(Block block) {
    Proof p = Proof.compare(block.texts(), block.published());
    return p.lost().size() * 1000L + p.added().size();
  }

  private static boolean familyPure(Choice c) {
    return c.blocks().stream().allMatch(b -> b.families().size() == 1);
  }

  /** The old addresses by (family, type), in a fixed order: IPv4 external, IPv4 internal, IPv6 … */
  private List<List<Address>> atoms() {
    Map<String, List<Address>> atoms = new LinkedHashMap<>();
    for (int family : new int[] {4, 6}) {
      for (boolean external : new boolean[] {true, false}) {
        for (Address a : addresses) {
          if (a.family() == family && a.external() == external) {
            atoms.computeIfAbsent(family + "/" + external, k -> new ArrayList<>()).add(a);
          }
        }
      }
    }
    return List.copyOf(atoms.values());
  }

  /** Every set partition of n items as restricted growth strings, one block first. */
  static List<int[]> partitions(int n) {
    List<int[]> out = new ArrayList<>();
    if (n == 0) {
      return out;
    }
    grow(new int[n], 1, 0, out);
    out.sort(Comparator.comparingInt(p -> Arrays.stream(p).max().orElse(0)));
    return out;
  }

  private static void grow(int[] current, int index, int max, List<int[]> out) {
    if (index == current.length) {
      out.add(current.clone());
      return;
    }
    for (int v = 0; v <= max + 1; v++) {
      current[index] = v;
      grow(current, index + 1, Math.max(max, v), out);
    }
  }
}

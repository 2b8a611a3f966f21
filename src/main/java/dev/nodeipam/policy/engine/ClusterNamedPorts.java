package dev.nodeipam.policy.engine;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The named ports of every pod of the cluster, as agents before Cilium 1.20 resolve an egress
 * named port: one map over all endpoints ({@code NamedPortMultiMap.GetNamedPort} in {@code
 * pkg/policy/types}), so a name is the one number every pod gives it, and a name two pods give
 * different numbers is {@code ErrDuplicateNamedPorts}: the rule installs no port for it
 * (cilium/cilium#12567, #30003). From cilium/cilium#44429 the name is resolved on the selected
 * destination identities instead.
 */
final class ClusterNamedPorts {
  /** The numbers each {@code name/PROTOCOL} has across the cluster's pods. */
  private final Map<String, Set<Integer>> numbers = new TreeMap<>();
  private final List<Pod.ContainerPort> unambiguous;

  ClusterNamedPorts(ClusterSnapshot snapshot) {
    for (Pod p : snapshot.pods()) {
      // hostNetwork pods are no Cilium endpoints: their ports are the node's, not named ports.
      if (!p.isEndpoint()) {
        continue;
      }
      for (Pod.ContainerPort cp : p.ports()) {
        if (cp.name() != null && !cp.name().isEmpty()) {
          numbers.computeIfAbsent(key(cp.name(), protocol(cp)), k -> new TreeSet<>())
              .add(cp.port());
        }
      }
    }
    List<Pod.ContainerPort> one = new ArrayList<>();
    numbers.forEach((k, v) -> {
      if (v.size() == 1) {
        int slash = k.lastIndexOf('/');
        one.add(new Pod.ContainerPort(k.substring(0, slash), v.iterator().next(),
            k.substring(slash + 1)));
      }
    });
    this.unambiguous = List.copyOf(one);
  }

  /** Each name (and protocol) that has exactly one number across the cluster, as a port list. */
  List<Pod.ContainerPort> unambiguous() {
    return unambiguous;
  }

  /** The numbers the cluster's pods give the name for the protocol (empty when none names it). */
  Set<Integer> numbers(String name, String protocol) {
    return numbers.getOrDefault(key(name, protocol), Set.of());
  }

  private static String protocol(Pod.ContainerPort cp) {
    return cp.protocol() == null ? "TCP" : cp.protocol().toUpperCase(Locale.ROOT);
  }

  private static String key(String name, String protocol) {
    return name + "/" + protocol.toUpperCase(Locale.ROOT);
  }
}

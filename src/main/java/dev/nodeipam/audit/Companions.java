package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.Identities;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The companion policies of section 6: one CiliumClusterwideNetworkPolicy per backend Service for
 * egress-side traps (every pod may reach the backends by identity on their targetPorts) and one per
 * backend Service for receiver-side traps (the backends admit the affected senders by identity).
 * Both set {@code enableDefaultDeny} false on both sides, so they only ever add allows.
 */
final class Companions {
  /** Labels that change with every rollout: a selector on them would stop matching. */
  static final Set<String> VOLATILE_LABELS =
      Set.of(
          "pod-template-hash", "controller-revision-hash", "pod-template-generation",
          "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
          "controller-uid", "batch.kubernetes.io/controller-uid");

  static final String NODE_CAVEAT =
      "hostNetwork backends (and node addresses) are host/remote-node, not pods: the companion"
          + " allows them with toEntities [host, remote-node] on those ports, which opens every"
          + " node on them";

  private Companions() {}

  /** The companions that clear the traps in the clusterwide shape (Cilium 1.16+ defaults). */
  static List<Companion> of(List<Trap> traps) {
    return of(traps, CompanionScope.CLUSTER, true);
  }

  /**
   * The companions that clear the traps, egress ones first, by Service.
   *
   * @param scope CLUSTER (every pod may reach the backends) or SOURCES (only the trapped pods)
   * @param s the settings: {@code enableDefaultDeny} is written only where the version has it
   */
  static List<Companion> of(List<Trap> traps, CompanionScope scope, DatapathSettings s) {
    return of(traps, scope, s.version().atLeast(1, 16));
  }

  private static List<Companion> of(List<Trap> traps, CompanionScope scope, boolean field) {
    Map<String, List<Trap>> egress = new TreeMap<>();
    Map<String, List<Trap>> ingress = new TreeMap<>();
    for (Trap t : traps) {
      if (t.denyRule()) {
        continue; // an additive policy cannot override a deny rule
      }
      (t.direction() == Direction.EGRESS ? egress : ingress)
          .computeIfAbsent(t.address().service().key(), k -> new ArrayList<>()).add(t);
    }
    List<Companion> out = new ArrayList<>();
    for (List<Trap> ts : egress.values()) {
      Companion c = egressCompanion(ts, field);
      out.addAll(scope == CompanionScope.CLUSTER ? List.of(c) : perSourceNamespace(c, ts, field));
    }
    for (List<Trap> ts : ingress.values()) {
      out.add(ingressCompanion(ts, scope, field));
    }
    return out;
  }

  /**
   * The egress companion split by source namespace: a CiliumNetworkPolicy in each, one spec per
   * set of trapped senders' labels. Those pods have egress policy that denied the flow, so they
   * are in egress default deny already; nobody else is selected.
   */
  @SuppressWarnings("unchecked")
  private static List<Companion> perSourceNamespace(Companion clusterwide, List<Trap> traps,
      boolean field) {
    Map<String, Object> spec = (Map<String, Object>) clusterwide.object().get("spec");
    Object egress = spec.get("egress");
    Map<String, Set<Map<String, String>>> byNamespace = new TreeMap<>();
    Map<Pod, Map<String, String>> labels = new IdentityHashMap<>();
    for (Trap t : traps) {
      for (Pod source : t.sources()) {
        if (source.isItsNode()) {
          continue; // its node's identity: no endpoint egress policy, never trapped on egress
        }
        Map<String, String> selector = new LinkedHashMap<>(
            labels.computeIfAbsent(source, Companions::stableLabels));
        selector.remove(Identities.NAMESPACE); // a CiliumNetworkPolicy pins its own namespace
        byNamespace.computeIfAbsent(source.namespace(),
            k -> new TreeSet<>(Companions::compareSelectors)).add(selector);
      }
    }
    List<Companion> out = new ArrayList<>();
    String service = clusterwide.service();
    byNamespace.forEach((namespace, selectors) -> {
      List<Object> specs = new ArrayList<>();
      for (Map<String, String> selector : selectors) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("endpointSelector", Map.of("matchLabels", selector));
        if (field) {
          one.put("enableDefaultDeny", defaultDenyOff());
        }
        one.put("egress", egress);
        specs.add(one);
      }
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("name", clusterwide.name());
      meta.put("namespace", namespace);
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("apiVersion", "cilium.io/v2");
      o.put("kind", "CiliumNetworkPolicy");
      o.put("metadata", meta);
      o.put("specs", specs);
      List<String> caveats = new ArrayList<>(clusterwide.caveats());
      caveats.set(0, "only the trapped pods of namespace " + namespace + " (selected by their"
          + " labels) may then reach the backends of " + service + " on these ports by identity,"
          + " whatever address they dial; they are in egress default deny already, so no pod's"
          + " posture changes");
      out.add(new Companion("egress", service, o, caveats));
    });
    return out;
  }

  private static int compareSelectors(Map<String, String> a, Map<String, String> b) {
    return a.toString().compareTo(b.toString());
  }

  private static Companion egressCompanion(List<Trap> traps, boolean field) {
    Service service = traps.get(0).address().service();
    // selector (as a sorted map) -> ports; node destinations under the null key
    Map<Map<String, String>, Set<PortKey>> byPeer = new LinkedHashMap<>();
    Set<PortKey> nodePorts = new TreeSet<>();
    // Traps share their destination lists: each list is read once, however many traps have it.
    Set<List<Destination>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Map<Destination, Map<String, String>> selectors = new IdentityHashMap<>();
    for (Trap t : traps) {
      for (List<Destination> list : List.of(t.destinations(), t.onceTranslated())) {
        if (!seen.add(list)) {
          continue;
        }
        for (Destination d : list) {
          PortKey port = new PortKey(d.port(), t.protocol().name());
          if (d.identity().isPod()) {
            Map<String, String> selector = selectors.computeIfAbsent(d,
                k -> podSelector(service, k.identity().pod()));
            byPeer.computeIfAbsent(selector, k -> new TreeSet<>()).add(port);
          } else {
            nodePorts.add(port);
          }
        }
      }
    }
    List<Object> egress = new ArrayList<>();
    byPeer.forEach((selector, ports) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("toEndpoints", List.of(Map.of("matchLabels", selector)));
      entry.put("toPorts", toPorts(ports));
      egress.add(entry);
    });
    if (!nodePorts.isEmpty()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("toEntities", List.of("host", "remote-node"));
      entry.put("toPorts", toPorts(nodePorts));
      egress.add(entry);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("endpointSelector", Map.of());
    if (field) {
      spec.put("enableDefaultDeny", defaultDenyOff());
    }
    spec.put("egress", egress);
    String name = "allow-egress-to-" + service.namespace() + "-" + service.name();
    List<String> caveats = new ArrayList<>(common());
    caveats.add(0, "every pod of the cluster may then reach the backends of " + service.key()
        + " on these ports by identity, whatever address it dials");
    if (!nodePorts.isEmpty()) {
      caveats.add(NODE_CAVEAT);
    }
    return new Companion("egress", service.key(), object(name, spec), caveats);
  }

  private static Companion ingressCompanion(List<Trap> traps, CompanionScope scope,
      boolean field) {
    Service service = traps.get(0).address().service();
    Map<String, String> backends = null;
    // SOURCES: only the backends that denied (in ingress default deny), by their labels.
    Set<Map<String, String>> trappedBackends = new TreeSet<>(Companions::compareSelectors);
    Map<Map<String, String>, Set<PortKey>> bySource = new LinkedHashMap<>();
    Set<PortKey> nodeSources = new TreeSet<>();
    Map<Pod, Map<String, String>> labels = new IdentityHashMap<>();
    for (Trap t : traps) {
      for (Destination d : both(t)) {
        if (backends == null) {
          backends = podSelector(service, d.identity().pod());
        }
        trappedBackends.add(stableLabels(d.identity().pod()));
        PortKey port = new PortKey(d.port(), t.protocol().name());
        for (Pod source : t.sources()) {
          if (source.isItsNode()) {
            nodeSources.add(port);
          } else {
            bySource.computeIfAbsent(labels.computeIfAbsent(source, Companions::stableLabels),
                k -> new TreeSet<>()).add(port);
          }
        }
      }
    }
    List<Object> ingress = ingressEntries(bySource, nodeSources);
    String name = "allow-ingress-to-" + service.namespace() + "-" + service.name();
    if (scope == CompanionScope.SOURCES) {
      return trappedBackendsCompanion(service, name, trappedBackends, ingress, field);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("endpointSelector", Map.of("matchLabels", backends));
    if (field) {
      spec.put("enableDefaultDeny", defaultDenyOff());
    }
    spec.put("ingress", ingress);
    List<String> caveats = new ArrayList<>(common());
    caveats.add(0, "the backends of " + service.key() + " then admit the listed pods by identity on"
        + " these ports, whatever address they dial");
    if (!nodeSources.isEmpty()) {
      caveats.add("hostNetwork sources are their node (host/remote-node): fromEntities [host,"
          + " remote-node] admits every node on these ports");
    }
    return new Companion("ingress", service.key(), object(name, spec), caveats);
  }

  /**
   * The ingress entries: one per set of ports, listing every source selector that needs those
   * ports, and one for hostNetwork sources (their node's entities).
   */
  private static List<Object> ingressEntries(
      Map<Map<String, String>, Set<PortKey>> bySource, Set<PortKey> nodeSources) {
    Map<Set<PortKey>, List<Object>> byPorts = new LinkedHashMap<>();
    bySource.forEach(
        (selector, ports) ->
            byPorts
                .computeIfAbsent(ports, k -> new ArrayList<>())
                .add(Map.of("matchLabels", selector)));
    List<Object> ingress = new ArrayList<>();
    byPorts.forEach((ports, selectors) -> {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("fromEndpoints", selectors);
      entry.put("toPorts", toPorts(ports));
      ingress.add(entry);
    });
    if (!nodeSources.isEmpty()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("fromEntities", List.of("host", "remote-node"));
      entry.put("toPorts", toPorts(nodeSources));
      ingress.add(entry);
    }
    return ingress;
  }

  /**
   * The {@link CompanionScope#SOURCES} companion: one rule per trapped backend's labels (they are
   * in ingress default deny already), each admitting the same entries.
   */
  private static Companion trappedBackendsCompanion(Service service, String name,
      Set<Map<String, String>> trappedBackends, List<Object> ingress, boolean field) {
    List<Object> specs = new ArrayList<>();
    for (Map<String, String> selector : trappedBackends) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("endpointSelector", Map.of("matchLabels", selector));
      if (field) {
        one.put("enableDefaultDeny", defaultDenyOff());
      }
      one.put("ingress", ingress);
      specs.add(one);
    }
    Map<String, Object> o = object(name, Map.of());
    o.remove("spec");
    o.put("specs", specs);
    List<String> caveats = new ArrayList<>(common());
    caveats.add(0, "only the trapped backends of " + service.key() + " (already in ingress"
        + " default deny) then admit the listed pods by identity on these ports");
    return new Companion("ingress", service.key(), o, caveats);
  }

  private static List<Destination> both(Trap t) {
    List<Destination> all = new ArrayList<>(t.destinations());
    all.addAll(t.onceTranslated());
    return all;
  }

  private static List<String> common() {
    return List.of(
        "it also opens the backends by pod IP and by ClusterIP, not only by this address",
        "it cannot override a matching deny rule (deny wins over every allow)",
        "hostNetwork backends need toEntities: [host, remote-node] instead of toEndpoints",
        "apply it BEFORE the Service change (externalIPs, LoadBalancer status, datapath settings)");
  }

  /** The Service's selector when it selects the pod, else the pod's stable labels. */
  static Map<String, String> podSelector(Service service, Pod pod) {
    Map<String, String> labels = new TreeMap<>();
    Map<String, String> selector = service.selector();
    boolean selects =
        selector != null
            && !selector.isEmpty()
            && selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(pod.labels().get(e.getKey())));
    labels.putAll(selects ? selector : stableLabels(pod));
    labels.put(Identities.NAMESPACE, pod.namespace());
    return namespaceFirst(labels);
  }

  /** The pod's labels without the ones each rollout changes, with the namespace key. */
  static Map<String, String> stableLabels(Pod pod) {
    Map<String, String> labels = new TreeMap<>();
    pod.labels().forEach((k, v) -> {
      if (!VOLATILE_LABELS.contains(k)) {
        labels.put(k, v);
      }
    });
    labels.put(Identities.NAMESPACE, pod.namespace());
    return namespaceFirst(labels);
  }

  private static Map<String, String> namespaceFirst(Map<String, String> sorted) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put(Identities.NAMESPACE, sorted.get(Identities.NAMESPACE));
    sorted.forEach(out::putIfAbsent);
    return Collections.unmodifiableMap(out);
  }

  private record PortKey(int port, String protocol) implements Comparable<PortKey> {
    @Override
    public int compareTo(PortKey o) {
      int c = Integer.compare(port, o.port);
      return c != 0 ? c : protocol.compareTo(o.protocol);
    }
  }

  private static List<Object> toPorts(Set<PortKey> ports) {
    List<Object> list = new ArrayList<>();
    for (PortKey p : ports) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("port", Integer.toString(p.port()));
      m.put("protocol", p.protocol());
      list.add(m);
    }
    return List.of(Map.of("ports", list));
  }

  private static Map<String, Object> defaultDenyOff() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("egress", false);
    m.put("ingress", false);
    return m;
  }

  private static Map<String, Object> object(String name, Map<String, Object> spec) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "cilium.io/v2");
    o.put("kind", "CiliumClusterwideNetworkPolicy");
    o.put("metadata", meta);
    o.put("spec", spec);
    return o;
  }

}

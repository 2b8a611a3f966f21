package dev.nodeipam.diff;

import dev.nodeipam.policy.model.PolicyParser;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.settings.SettingsResolution;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The objects that differ between two snapshots, by kind: added, removed, or changed in anything
 * but where they were read from (moving an object to another file changes nothing).
 *
 * @param nodes node names
 * @param services {@code namespace/name}
 * @param sliceServices the Services ({@code namespace/name}) of EndpointSlices that changed
 * @param pods {@code namespace/name}, template pods of workloads included
 * @param namespaces namespace names
 * @param policies {@code Kind namespace/name} (as {@link PolicyRef#label})
 * @param settings whether the datapath settings differ: {@code kube-system/cilium-config}, or
 *     anything else they are read from (the address families seen, the agent's version)
 */
public record ChangeSet(
    Set<String> nodes,
    Set<String> services,
    Set<String> sliceServices,
    Set<String> pods,
    Set<String> namespaces,
    Set<String> policies,
    boolean settings) {

  public ChangeSet {
    nodes = Set.copyOf(nodes);
    services = Set.copyOf(services);
    sliceServices = Set.copyOf(sliceServices);
    pods = Set.copyOf(pods);
    namespaces = Set.copyOf(namespaces);
    policies = Set.copyOf(policies);
  }

  /** The changes, the datapath settings compared as both states resolve them with the overrides. */
  public static ChangeSet between(
      ClusterSnapshot before, ClusterSnapshot after, Map<String, String> overrides) {
    ChangeSet c = between(before, after);
    boolean settings = c.settings()
        || !SettingsResolution.of(before, overrides).values()
            .equals(SettingsResolution.of(after, overrides).values());
    return new ChangeSet(c.nodes(), c.services(), c.sliceServices(), c.pods(), c.namespaces(),
        c.policies(), settings);
  }

  public static ChangeSet between(ClusterSnapshot before, ClusterSnapshot after) {
    Set<String> sliceServices = new TreeSet<>();
    for (String key : changed(before.endpointSlices(), after.endpointSlices(),
        s -> s.namespace() + "/" + s.name())) {
      addSliceService(before.endpointSlices(), key, sliceServices);
      addSliceService(after.endpointSlices(), key, sliceServices);
    }
    return new ChangeSet(
        changed(before.nodes(), after.nodes(), Node::name),
        changed(before.services(), after.services(), Service::key),
        sliceServices,
        changed(before.pods(), after.pods(), Pod::key),
        changed(before.namespaces(), after.namespaces(), Namespace::name),
        changed(before.policies(), after.policies(), p -> PolicyParser.refOf(p).label()),
        !Objects.equals(before.ciliumConfig(), after.ciliumConfig()));
  }

  private static void addSliceService(List<EndpointSlice> slices, String key, Set<String> out) {
    for (EndpointSlice s : slices) {
      if ((s.namespace() + "/" + s.name()).equals(key) && s.serviceName() != null) {
        out.add(s.namespace() + "/" + s.serviceName());
      }
    }
  }

  public boolean isEmpty() {
    return nodes.isEmpty() && services.isEmpty() && sliceServices.isEmpty() && pods.isEmpty()
        && namespaces.isEmpty() && policies.isEmpty() && !settings;
  }

  /** How many objects changed, for the summary. */
  public int size() {
    return nodes.size() + services.size() + sliceServices.size() + pods.size()
        + namespaces.size() + policies.size() + (settings ? 1 : 0);
  }

  /** The keys of objects present in one list only, or in both but not the same. */
  static <T extends Record> Set<String> changed(
      List<T> before, List<T> after, Function<T, String> key) {
    if (before == after) {
      return new TreeSet<>();
    }
    Map<String, T> old = new HashMap<>(before.size() * 2);
    before.forEach(o -> old.put(key.apply(o), o));
    Set<String> out = new TreeSet<>();
    Set<String> seen = new HashSet<>(after.size() * 2);
    for (T o : after) {
      String k = key.apply(o);
      seen.add(k);
      T was = old.get(k);
      // The same value (a cache builds both states of one change from its values) is no change.
      if (was == null || (was != o && !sameButSource(was, o))) {
        out.add(k);
      }
    }
    for (String k : old.keySet()) {
      if (!seen.contains(k)) {
        out.add(k);
      }
    }
    return out;
  }

  private static final Map<Class<?>, RecordComponent[]> COMPONENTS = new ConcurrentHashMap<>();

  /** Equal in every component but {@code source}: where it was read is no change of the cluster. */
  static boolean sameButSource(Record a, Record b) {
    if (a.getClass() != b.getClass()) {
      return false;
    }
    RecordComponent[] components =
        COMPONENTS.computeIfAbsent(a.getClass(), c -> c.getRecordComponents());
    try {
      for (RecordComponent c : components) {
        if (c.getName().equals("source")) {
          continue;
        }
        if (!Objects.equals(c.getAccessor().invoke(a), c.getAccessor().invoke(b))) {
          return false;
        }
      }
      return true;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}

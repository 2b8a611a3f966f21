package dev.nodeipam.guard;

import dev.nodeipam.kube.ObjectSnapshot;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.ManifestDefaults;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The cluster a guard judges against, as the snapshot values of the objects its informers
 * brought: each object is converted once, when it arrives, and only that value is kept. The
 * before-state is assembled from those values on the first review after a change and kept; a
 * review's after-state replaces one value. What reviews see of the cache, apart from the
 * informers (so that a property can hold it to snapshots built from scratch).
 */
final class SnapshotValues {
  static final String SOURCE = "cluster";

  private final KubernetesSerialization serialization;
  private final Map<String, Converted> converted = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private long builtAt = -1;
  private ClusterSnapshot built;
  /** The values {@link #built} was assembled from, in its order. */
  private List<Map.Entry<String, Converted>> builtFrom = List.of();
  /** The same values by key. */
  private Map<String, Converted> builtByKey = Map.of();

  SnapshotValues(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /** An object added or changed: its value replaces the one under its key. */
  void put(HasMetadata o) {
    Converted c;
    try {
      c = new Converted(ObjectSnapshot.convert(serialization, o, SOURCE), null);
    } catch (RuntimeException e) {
      c = new Converted(null, e);
    }
    converted.put(key(o), c);
    version.incrementAndGet();
  }

  /** An object deleted. */
  void remove(HasMetadata o) {
    converted.remove(key(o));
    version.incrementAndGet();
  }

  /** The cluster as the values are now, assembled again only after a change. */
  synchronized ClusterSnapshot snapshot() {
    long v = version.get();
    if (built == null || builtAt != v) {
      builtFrom = converted.entrySet().stream()
          .map(e -> Map.entry(e.getKey(), e.getValue())).toList();
      built = assemble(builtFrom, null, null, built);
      builtByKey = builtFrom.stream()
          .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
      builtAt = v;
    }
    return built;
  }

  /**
   * The cluster {@code base} (a {@link #snapshot()}) with one object replaced (or added, or
   * removed when {@code object} is null): from the values {@code base} was assembled from, so
   * that an informer event in between does not slip into the difference.
   */
  ClusterSnapshot with(ClusterSnapshot base, String key, HasMetadata object) {
    List<Map.Entry<String, Converted>> from;
    Converted old;
    synchronized (this) {
      from = base == built ? builtFrom : List.copyOf(converted.entrySet());
      old = base == built ? builtByKey.get(key) : null;
    }
    Object value = object == null ? null : ObjectSnapshot.convert(serialization, object, SOURCE);
    Optional<ClusterSnapshot> swapped =
        old == null ? Optional.empty() : swapped(base, old.held(), value);
    return swapped.isPresent() ? swapped.get() : assemble(from, key, value, base);
  }

  /**
   * {@code base} with one Service or policy replaced by another version of it, sharing every
   * other list (and what is derived from them): the snapshot {@link #assemble} makes of the same
   * values, without converting the cluster's other 20,000 values into a snapshot again. Empty
   * where the change reaches further (see {@link ManifestDefaults#withService}), or is of another
   * kind, an addition or a removal.
   */
  static Optional<ClusterSnapshot> swapped(ClusterSnapshot base, Object old, Object value) {
    if (old instanceof Service && value instanceof Service s) {
      return ManifestDefaults.withService(base, s);
    }
    if (old instanceof RawObject o && value instanceof RawObject p && o.key().equals(p.key())) {
      // Policies are kept as read (no defaults); replaced in place, as assemble does.
      List<RawObject> policies = new ArrayList<>(base.policies());
      for (int i = 0; i < policies.size(); i++) {
        if (policies.get(i) == o) {
          policies.set(i, p);
          return Optional.of(base.toBuilder().policies(policies).build());
        }
      }
    }
    return Optional.empty();
  }

  /** {@link #with(ClusterSnapshot, String, HasMetadata)} on the cluster as it is now. */
  ClusterSnapshot with(String key, HasMetadata object) {
    return with(snapshot(), key, object);
  }

  /** The cluster with one of its Services (if it has any) given one more externalIP. */
  Optional<ClusterSnapshot> withExternalIpOnAnyService(ClusterSnapshot base, String address) {
    List<Map.Entry<String, Converted>> from;
    synchronized (this) {
      from = base == built ? builtFrom : List.copyOf(converted.entrySet());
    }
    return from.stream().map(e -> e.getValue().held()).filter(Service.class::isInstance)
        .map(Service.class::cast).findFirst()
        .map(s -> assemble(from, key("", "Service", s.namespace(), s.name()),
            s.toBuilder().externalIps(List.of(address)).build(), base));
  }

  /**
   * The snapshot of the values, the one under {@code key} (when not null) replaced by {@code
   * value} in place or added at the end, so that both states list objects in one order. An
   * object that failed to convert fails each review (which then allows) until it is replaced.
   */
  private ClusterSnapshot assemble(List<Map.Entry<String, Converted>> from, String key,
      Object value, ClusterSnapshot like) {
    List<Object> values = new ArrayList<>(from.size() + 1);
    boolean replaced = false;
    for (Map.Entry<String, Converted> e : from) {
      if (e.getKey().equals(key)) {
        values.add(value);
        replaced = true;
      } else {
        values.add(e.getValue().value());
      }
    }
    if (key != null && !replaced) {
      values.add(value);
    }
    return ObjectSnapshot.ofConverted(serialization, values, like);
  }

  /** The snapshot value of a cached object, or why it could not be converted. */
  private record Converted(Object held, RuntimeException failure) {
    Object value() {
      if (failure != null) {
        throw failure;
      }
      return held;
    }
  }

  /** The key of an object: group, kind, namespace and name. */
  static String key(String group, String kind, String namespace, String name) {
    return (group == null ? "" : group) + "/" + kind + "/"
        + (namespace == null ? "" : namespace) + "/" + name;
  }

  static String key(HasMetadata o) {
    String api = o.getApiVersion() == null ? "" : o.getApiVersion();
    String group = api.contains("/") ? api.substring(0, api.indexOf('/')) : "";
    return key(group, o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName());
  }
}

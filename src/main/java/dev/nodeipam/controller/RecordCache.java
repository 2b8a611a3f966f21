package dev.nodeipam.controller;

import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The informers' contents as immutable records, so that a reconcile reads plain values that no
 * other thread changes under it. Services carry the resourceVersion they were read at: a status the
 * controller has just written must not be replaced by an older copy that the watch delivers
 * afterwards, or the next reconcile would see a stale status and write it a second time.
 */
final class RecordCache {
  /** A Service and the resourceVersion it was read at (-1 when not a number). */
  record Versioned(Service service, long resourceVersion) {}

  private final Map<String, Versioned> services = new ConcurrentHashMap<>();
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final Map<String, Map<String, EndpointSlice>> slicesByService = new ConcurrentHashMap<>();
  private final Set<String> released = ConcurrentHashMap.newKeySet();
  private final Map<Service.LoadBalancerIngress, WeakReference<Service.LoadBalancerIngress>>
      entries = new WeakHashMap<>();
  private final AtomicLong nodesVersion = new AtomicLong();
  private volatile PoolAt pool;

  private record PoolAt(NodePool pool, long version) {}

  static long resourceVersion(String text) {
    if (text == null) {
      return -1;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Stores the Service unless the cache already holds a newer version of it.
   *
   * @return the previous record, or null if there was none; the argument itself when it was stale
   */
  Service putService(Service given, long resourceVersion) {
    Service service = internIngress(given);
    Service[] previous = new Service[1];
    boolean[] stale = new boolean[1];
    services.compute(
        service.key(),
        (k, old) -> {
          if (old != null
              && resourceVersion >= 0
              && old.resourceVersion() >= 0
              && resourceVersion < old.resourceVersion()) {
            stale[0] = true;
            return old;
          }
          previous[0] = old == null ? null : old.service();
          return new Versioned(service, resourceVersion);
        });
    return stale[0] ? given : previous[0];
  }

  /**
   * The Service with its ingress entries shared with every other Service that publishes the same
   * address. A large cluster publishes millions of entries but only as many distinct addresses as
   * it has nodes, so the records then cost a reference per entry instead of an object and a string.
   */
  private Service internIngress(Service s) {
    if (s.ingress().isEmpty()) {
      return s;
    }
    List<Service.LoadBalancerIngress> shared = new ArrayList<>(s.ingress().size());
    synchronized (entries) {
      for (Service.LoadBalancerIngress entry : s.ingress()) {
        WeakReference<Service.LoadBalancerIngress> ref = entries.get(entry);
        Service.LoadBalancerIngress known = ref == null ? null : ref.get();
        if (known == null) {
          entries.put(entry, new WeakReference<>(entry));
          known = entry;
        }
        shared.add(known);
      }
    }
    return s.toBuilder()
        .ingress(shared)
        .build();
  }

  Service removeService(String key) {
    Versioned old = services.remove(key);
    return old == null ? null : old.service();
  }

  Service service(String key) {
    Versioned v = services.get(key);
    return v == null ? null : v.service();
  }

  Collection<String> serviceKeys() {
    return List.copyOf(services.keySet());
  }

  Collection<Service> services() {
    List<Service> list = new ArrayList<>(services.size());
    services.values().forEach(v -> list.add(v.service()));
    return list;
  }

  Node putNode(Node node) {
    Node old = nodes.put(node.name(), node);
    if (!node.equals(old)) {
      nodesVersion.incrementAndGet();
    }
    return old;
  }

  Node removeNode(String name) {
    Node old = nodes.remove(name);
    if (old != null) {
      nodesVersion.incrementAndGet();
    }
    return old;
  }

  Collection<Node> nodes() {
    return List.copyOf(nodes.values());
  }

  /** The nodes as the decision reads them; rebuilt once after any node change, then shared. */
  NodePool pool() {
    while (true) {
      long version = nodesVersion.get();
      PoolAt current = pool;
      if (current != null && current.version() == version) {
        return current.pool();
      }
      NodePool built = NodePool.of(nodes.values());
      if (nodesVersion.get() == version) {
        pool = new PoolAt(built, version);
        return built;
      }
    }
  }

  EndpointSlice putSlice(EndpointSlice slice) {
    if (slice.serviceName() == null) {
      return null;
    }
    return slicesByService
        .computeIfAbsent(
            slice.namespace() + "/" + slice.serviceName(), k -> new ConcurrentHashMap<>())
        .put(slice.name(), slice);
  }

  void removeSlice(EndpointSlice slice) {
    if (slice.serviceName() == null) {
      return;
    }
    String key = slice.namespace() + "/" + slice.serviceName();
    slicesByService.computeIfPresent(
        key,
        (k, map) -> {
          map.remove(slice.name());
          return map.isEmpty() ? null : map;
        });
  }

  /** R15: the slices of the Service's namespace labelled with its name. */
  List<EndpointSlice> slicesOf(String serviceKey) {
    Map<String, EndpointSlice> map = slicesByService.get(serviceKey);
    return map == null ? List.of() : List.copyOf(map.values());
  }

  /** E11: the Service left our ownership while we watched it; its status is ours to clear. */
  void markReleased(String key) {
    released.add(key);
  }

  boolean isReleased(String key) {
    return released.contains(key);
  }

  void clearReleased(String key) {
    released.remove(key);
  }
}

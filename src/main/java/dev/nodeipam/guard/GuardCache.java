package dev.nodeipam.guard;

import dev.nodeipam.kube.LiveLoader;
import dev.nodeipam.kube.ObjectSnapshot;
import dev.nodeipam.snapshot.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Informers on every kind the audit reads from a live cluster (list and watch only), and the
 * snapshot of what they hold. Each object is converted to its snapshot value once, when an
 * informer event brings it; the snapshot is assembled from those values on the first review
 * after an event, and a review's after-state replaces one value: no review converts the cluster.
 */
final class GuardCache implements AutoCloseable {
  // LiveLoader's, named in full: a plural made from the kind ("...policys") was refused by RBAC.
  private static final ResourceDefinitionContext CNP = LiveLoader.CNP;
  private static final ResourceDefinitionContext CCNP = LiveLoader.CCNP;
  static final String SOURCE = "cluster";

  private final KubernetesClient client;
  private final Map<String, HasMetadata> objects = new ConcurrentHashMap<>();
  private final Map<String, Converted> converted = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private volatile boolean synced;
  private long builtAt = -1;
  private ClusterSnapshot built;

  GuardCache(KubernetesClient client) {
    this.client = client;
  }

  /** Starts the informers and returns once their first lists are in. */
  void start() {
    inform(client.nodes().runnableInformer(0));
    inform(client.namespaces().runnableInformer(0));
    inform(client.services().inAnyNamespace().runnableInformer(0));
    inform(client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0));
    inform(client.pods().inAnyNamespace().runnableInformer(0));
    inform(client.apps().deployments().inAnyNamespace().runnableInformer(0));
    inform(client.apps().statefulSets().inAnyNamespace().runnableInformer(0));
    inform(client.apps().daemonSets().inAnyNamespace().runnableInformer(0));
    inform(client.network().v1().networkPolicies().inAnyNamespace().runnableInformer(0));
    inform(client.configMaps().inNamespace(ClusterSnapshot.CILIUM_CONFIG_NAMESPACE)
        .withName(ClusterSnapshot.CILIUM_CONFIG_NAME).runnableInformer(0));
    // Cilium's kinds only where their CRDs are served: elsewhere there simply are none.
    if (served(CNP)) {
      inform(client.genericKubernetesResources(CNP).inAnyNamespace().runnableInformer(0));
    }
    if (served(CCNP)) {
      inform(client.genericKubernetesResources(CCNP).runnableInformer(0));
    }
    for (SharedIndexInformer<?> i : informers) {
      i.start().toCompletableFuture().join();
    }
    synced = true;
  }

  boolean synced() {
    return synced;
  }

  /** The cluster as the informers hold it now, assembled again only after an event. */
  synchronized ClusterSnapshot snapshot() {
    long v = version.get();
    if (built == null || builtAt != v) {
      built = assemble(null, null);
      builtAt = v;
    }
    return built;
  }

  /** One Service of the cluster, if there is any. */
  Optional<Service> anyService() {
    return objects.values().stream().filter(Service.class::isInstance).map(Service.class::cast)
        .findFirst();
  }

  /** The cluster with one object replaced (or added, or removed when {@code object} is null). */
  ClusterSnapshot with(String key, HasMetadata object) {
    return assemble(key, object == null ? null
        : ObjectSnapshot.convert(client.getKubernetesSerialization(), object, SOURCE));
  }

  /**
   * The snapshot of the cached values, the one under {@code key} (when not null) replaced by
   * {@code value} in place or added at the end, so that both states list objects in one order.
   */
  private ClusterSnapshot assemble(String key, Object value) {
    List<Object> values = new ArrayList<>(objects.size() + 1);
    boolean replaced = false;
    for (Map.Entry<String, HasMetadata> e : objects.entrySet()) {
      if (e.getKey().equals(key)) {
        values.add(value);
        replaced = true;
      } else {
        values.add(converted(e.getKey(), e.getValue()));
      }
    }
    if (key != null && !replaced) {
      values.add(value);
    }
    return ObjectSnapshot.ofConverted(client.getKubernetesSerialization(), values);
  }

  /**
   * The snapshot value of a cached object, converted once per object the informers bring: an
   * object that fails to convert fails each review (which then allows) until it is replaced.
   */
  private Object converted(String key, HasMetadata object) {
    Converted c = converted.get(key);
    if (c == null || c.from() != object) {
      c = new Converted(object,
          ObjectSnapshot.convert(client.getKubernetesSerialization(), object, SOURCE));
      converted.put(key, c);
    }
    return c.value();
  }

  /** A cached object and its snapshot value. */
  private record Converted(HasMetadata from, Object value) {}

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

  private boolean served(ResourceDefinitionContext kind) {
    try {
      client.genericKubernetesResources(kind).inAnyNamespace()
          .list(new ListOptionsBuilder().withLimit(1L).build());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private <T extends HasMetadata> void inform(SharedIndexInformer<T> informer) {
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            put(obj);
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            put(newObj);
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            objects.remove(key(obj));
            converted.remove(key(obj));
            version.incrementAndGet();
          }
        });
    informers.add(informer);
  }

  private void put(HasMetadata o) {
    objects.put(key(o), o);
    version.incrementAndGet();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::stop);
  }
}

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Informers on every kind the audit reads from a live cluster (list and watch only), and the
 * snapshot of what they hold, rebuilt on the first review after a change.
 */
final class GuardCache implements AutoCloseable {
  // LiveLoader's, named in full: a plural made from the kind ("...policys") was refused by RBAC.
  private static final ResourceDefinitionContext CNP = LiveLoader.CNP;
  private static final ResourceDefinitionContext CCNP = LiveLoader.CCNP;
  static final String SOURCE = "cluster";

  private final KubernetesClient client;
  private final Map<String, HasMetadata> objects = new ConcurrentHashMap<>();
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

  /** The cluster as the informers hold it now. */
  synchronized ClusterSnapshot snapshot() {
    long v = version.get();
    if (built == null || builtAt != v) {
      built = ObjectSnapshot.of(client.getKubernetesSerialization(), objects.values(), SOURCE);
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
    Map<String, HasMetadata> copy = new HashMap<>(objects);
    if (object == null) {
      copy.remove(key);
    } else {
      copy.put(key, object);
    }
    return ObjectSnapshot.of(client.getKubernetesSerialization(), copy.values(), SOURCE);
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

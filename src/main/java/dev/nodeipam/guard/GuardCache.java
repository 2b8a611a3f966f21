package dev.nodeipam.guard;

import dev.nodeipam.informers.InformerSet;
import dev.nodeipam.kube.LiveLoader;
import dev.nodeipam.kube.ObjectSnapshot;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Informers on every kind the audit reads from a live cluster (list and watch only), through the
 * informer layer the controller uses ({@link InformerSet}, slim stores), and the snapshot of what
 * they hold. Each object is converted to its snapshot value once, when an informer event brings
 * it, and only that value is kept; the snapshot is assembled from those values on the first
 * review after an event, and a review's after-state replaces one value: no review converts the
 * cluster.
 */
final class GuardCache implements AutoCloseable {
  // LiveLoader's, named in full: a plural made from the kind ("...policys") was refused by RBAC.
  private static final ResourceDefinitionContext CNP = LiveLoader.CNP;
  private static final ResourceDefinitionContext CCNP = LiveLoader.CCNP;
  static final String SOURCE = "cluster";

  private final KubernetesClient client;
  private final Map<String, Converted> converted = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private final InformerSet informers =
      new InformerSet(InformerSet.Storage.SLIM, "dev.nodeipam.guard");
  private volatile boolean synced;
  private long builtAt = -1;
  private ClusterSnapshot built;

  GuardCache(KubernetesClient client) {
    this.client = client;
  }

  /** Starts the informers and returns once their first lists are in and handled. */
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
    informers.start();
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

  /** The cluster with one of its Services (if it has any) given one more externalIP. */
  Optional<ClusterSnapshot> withExternalIpOnAnyService(String address) {
    return converted.values().stream().map(Converted::held).filter(Service.class::isInstance)
        .map(Service.class::cast).findFirst()
        .map(s -> withValue(key("", "Service", s.namespace(), s.name()),
            s.toBuilder().externalIps(List.of(address)).build()));
  }

  /** The cluster with one object replaced (or added, or removed when {@code object} is null). */
  ClusterSnapshot with(String key, HasMetadata object) {
    return withValue(key, object == null ? null
        : ObjectSnapshot.convert(client.getKubernetesSerialization(), object, SOURCE));
  }

  /** The cluster with one snapshot value replaced (or added, or removed when null). */
  ClusterSnapshot withValue(String key, Object value) {
    return assemble(key, value);
  }

  /**
   * The snapshot of the cached values, the one under {@code key} (when not null) replaced by
   * {@code value} in place or added at the end, so that both states list objects in one order.
   * An object that failed to convert fails each review (which then allows) until it is replaced.
   */
  private ClusterSnapshot assemble(String key, Object value) {
    List<Object> values = new ArrayList<>(converted.size() + 1);
    boolean replaced = false;
    for (Map.Entry<String, Converted> e : converted.entrySet()) {
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
    return ObjectSnapshot.ofConverted(client.getKubernetesSerialization(), values);
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
    informers.add(informer, this::put, this::remove);
  }

  private void put(HasMetadata o) {
    Converted c;
    try {
      c = new Converted(
          ObjectSnapshot.convert(client.getKubernetesSerialization(), o, SOURCE), null);
    } catch (RuntimeException e) {
      c = new Converted(null, e);
    }
    converted.put(key(o), c);
    version.incrementAndGet();
  }

  private void remove(HasMetadata o) {
    converted.remove(key(o));
    version.incrementAndGet();
  }

  @Override
  public void close() {
    informers.close();
  }
}

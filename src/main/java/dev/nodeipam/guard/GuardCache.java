package dev.nodeipam.guard;

import dev.nodeipam.informers.InformerSet;
import dev.nodeipam.kube.LiveLoader;
import dev.nodeipam.snapshot.ClusterSnapshot;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Informers on every kind the audit reads from a live cluster (list and watch only), through the
 * informer layer the controller uses ({@link InformerSet}, slim stores: only the snapshot values
 * of {@link SnapshotValues} are kept).
 */
final class GuardCache implements AutoCloseable {
  // LiveLoader's, named in full: a plural made from the kind ("...policys") was refused by RBAC.
  private static final ResourceDefinitionContext CNP = LiveLoader.CNP;
  private static final ResourceDefinitionContext CCNP = LiveLoader.CCNP;

  private final KubernetesClient client;
  private final SnapshotValues values;
  private final InformerSet informers =
      new InformerSet(InformerSet.Storage.SLIM, "dev.nodeipam.guard");
  private volatile boolean synced;

  GuardCache(KubernetesClient client) {
    this.client = client;
    this.values = new SnapshotValues(client.getKubernetesSerialization());
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

  SnapshotValues values() {
    return values;
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
    informers.add(informer, values::put, values::remove);
  }

  @Override
  public void close() {
    informers.close();
  }
}

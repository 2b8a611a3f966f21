package dev.nodeipam.kube;

import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.ManifestDefaults;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.function.Function;

/**
 * Reads a live cluster into a {@link ClusterSnapshot}: list calls only (read-only), paginated so a
 * large cluster never arrives in one response. Cilium's policy kinds are optional: a cluster
 * without their CRDs simply has none.
 */
public final class LiveLoader {
  private static final long PAGE = 500;

  // Named in full so that no discovery call is needed: on a cluster without Cilium's CRDs the list
  // is a plain 404, which means "no such policies", not an error.
  public static final ResourceDefinitionContext CNP =
      new ResourceDefinitionContext.Builder()
          .withGroup("cilium.io")
          .withVersion("v2")
          .withKind("CiliumNetworkPolicy")
          .withPlural("ciliumnetworkpolicies")
          .withNamespaced(true)
          .build();
  public static final ResourceDefinitionContext CCNP =
      new ResourceDefinitionContext.Builder()
          .withGroup("cilium.io")
          .withVersion("v2")
          .withKind("CiliumClusterwideNetworkPolicy")
          .withPlural("ciliumclusterwidenetworkpolicies")
          .withNamespaced(false)
          .build();
  // Kubernetes ClusterNetworkPolicy (network-policy-api v1alpha2), enforced by Cilium 1.20+.
  private static final ResourceDefinitionContext KCNP =
      new ResourceDefinitionContext.Builder()
          .withGroup("policy.networking.k8s.io")
          .withVersion("v1alpha2")
          .withKind("ClusterNetworkPolicy")
          .withPlural("clusternetworkpolicies")
          .withNamespaced(false)
          .build();
  private static final ResourceDefinitionContext LB_POOL = crd("cilium.io", "v2alpha1",
      "CiliumLoadBalancerIPPool", "ciliumloadbalancerippools", false);
  private static final ResourceDefinitionContext GATEWAY = crd("gateway.networking.k8s.io", "v1",
      "Gateway", "gateways", true);
  private static final ResourceDefinitionContext EGRESS_GATEWAY = crd("cilium.io", "v2",
      "CiliumEgressGatewayPolicy", "ciliumegressgatewaypolicies", false);
  private final KubernetesClient client;
  private final SnapshotAssembler assembler;
  private final String where;

  public LiveLoader(KubernetesClient client) {
    this(client, client.getMasterUrl().toString());
  }

  /**
   * @param where the server as messages name it: its URL, and the kubeconfig and context it came
   *     from
   */
  public LiveLoader(KubernetesClient client, String where) {
    this.client = client;
    this.assembler = new SnapshotAssembler(client.getKubernetesSerialization());
    this.where = where;
  }

  public ClusterSnapshot load() {
    String source = "cluster " + client.getMasterUrl().getHost();
    try {
      pages(o -> client.nodes().list(o), source);
      pages(o -> client.namespaces().list(o), source);
      pages(o -> client.services().inAnyNamespace().list(o), source);
      pages(o -> client.discovery().v1().endpointSlices().inAnyNamespace().list(o), source);
      pages(o -> client.pods().inAnyNamespace().list(o), source);
      pages(o -> client.apps().deployments().inAnyNamespace().list(o), source);
      pages(o -> client.apps().statefulSets().inAnyNamespace().list(o), source);
      pages(o -> client.apps().daemonSets().inAnyNamespace().list(o), source);
      pages(o -> client.network().v1().networkPolicies().inAnyNamespace().list(o), source);
      optional(
          () ->
              pages(o -> client.genericKubernetesResources(CNP).inAnyNamespace().list(o), source));
      optional(() -> pages(o -> client.genericKubernetesResources(CCNP).list(o), source));
      optional(() -> pages(o -> client.genericKubernetesResources(KCNP).list(o), source));
      // Objects that claim addresses, for NODE_ADDRESS_COLLISION; no CRD or no right to list: none.
      claims(() -> pages(o -> client.genericKubernetesResources(LB_POOL).list(o), source));
      claims(() -> pages(o -> client.genericKubernetesResources(GATEWAY).inAnyNamespace()
          .list(o), source));
      claims(() -> pages(o -> client.genericKubernetesResources(EGRESS_GATEWAY).list(o),
          source));
      var config =
          client
              .configMaps()
              .inNamespace(ClusterSnapshot.CILIUM_CONFIG_NAMESPACE)
              .withName(ClusterSnapshot.CILIUM_CONFIG_NAME)
              .get();
      if (config != null) {
        assembler.addTyped(config, source);
      }
    } catch (KubernetesClientException e) {
      throw ServerErrors.describe(where, e);
    }
    return ManifestDefaults.apply(assembler.build());
  }

  private <T extends HasMetadata, L extends KubernetesResourceList<T>> void pages(
      Function<ListOptions, L> list, String source) {
    String token = null;
    do {
      L page = list.apply(new ListOptionsBuilder().withLimit(PAGE).withContinue(token).build());
      for (T item : page.getItems()) {
        assembler.addTyped(item, source);
      }
      token = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (token != null && !token.isEmpty());
  }

  private static void optional(Runnable load) {
    try {
      load.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404) {
        throw e;
      }
    }
  }

  /**
   * Address-claiming kinds only feed NODE_ADDRESS_COLLISION: a user whose RBAC may not list them
   * still gets every other answer (unlike policies, whose absence would change verdicts).
   */
  private static void claims(Runnable load) {
    try {
      load.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 404 && e.getCode() != 403) {
        throw e;
      }
    }
  }

  private static ResourceDefinitionContext crd(String group, String version, String kind,
      String plural, boolean namespaced) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(namespaced)
        .build();
  }
}

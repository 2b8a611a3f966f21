package dev.nodeipam.kube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Kinds a manifest tree holds that no API group of Kubernetes or Cilium defines: most likely a
 * typo ({@code Servce}) that would silently drop an object from the analysis. Kinds of other API
 * groups (operators' custom resources) are not judged: nodeipam cannot know them.
 */
final class UnknownKinds {
  /** The kinds of the API groups nodeipam knows, by group ("" for the core group). */
  private static final Map<String, Set<String>> KNOWN = Map.ofEntries(
      Map.entry("", Set.of("Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event",
          "LimitRange", "Namespace", "Node", "PersistentVolume", "PersistentVolumeClaim", "Pod",
          "PodTemplate", "ReplicationController", "ResourceQuota", "Secret", "Service",
          "ServiceAccount")),
      Map.entry("apps", Set.of("ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet",
          "StatefulSet")),
      Map.entry("batch", Set.of("CronJob", "Job")),
      Map.entry("autoscaling", Set.of("HorizontalPodAutoscaler")),
      Map.entry("policy", Set.of("PodDisruptionBudget", "Eviction", "PodSecurityPolicy")),
      Map.entry("networking.k8s.io", Set.of("Ingress", "IngressClass", "NetworkPolicy",
          "IPAddress", "ServiceCIDR")),
      Map.entry("discovery.k8s.io", Set.of("EndpointSlice")),
      Map.entry("rbac.authorization.k8s.io", Set.of("ClusterRole", "ClusterRoleBinding", "Role",
          "RoleBinding")),
      Map.entry("storage.k8s.io", Set.of("CSIDriver", "CSINode", "CSIStorageCapacity",
          "StorageClass", "VolumeAttachment", "VolumeAttributesClass")),
      Map.entry("apiextensions.k8s.io", Set.of("CustomResourceDefinition")),
      Map.entry("admissionregistration.k8s.io", Set.of("MutatingWebhookConfiguration",
          "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
          "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy",
          "MutatingAdmissionPolicyBinding")),
      Map.entry("scheduling.k8s.io", Set.of("PriorityClass")),
      Map.entry("coordination.k8s.io", Set.of("Lease", "LeaseCandidate")),
      Map.entry("node.k8s.io", Set.of("RuntimeClass")),
      Map.entry("certificates.k8s.io", Set.of("CertificateSigningRequest", "ClusterTrustBundle")),
      Map.entry("events.k8s.io", Set.of("Event")),
      Map.entry("flowcontrol.apiserver.k8s.io", Set.of("FlowSchema",
          "PriorityLevelConfiguration")),
      Map.entry("apiregistration.k8s.io", Set.of("APIService")),
      Map.entry("resource.k8s.io", Set.of("DeviceClass", "ResourceClaim",
          "ResourceClaimTemplate", "ResourceSlice")),
      Map.entry("gateway.networking.k8s.io", Set.of("BackendTLSPolicy", "Gateway",
          "GatewayClass", "GRPCRoute", "HTTPRoute", "ListenerSet", "ReferenceGrant", "TCPRoute",
          "TLSRoute", "UDPRoute")),
      Map.entry("cilium.io", Set.of("CiliumBGPAdvertisement", "CiliumBGPClusterConfig",
          "CiliumBGPNodeConfig", "CiliumBGPNodeConfigOverride", "CiliumBGPPeerConfig",
          "CiliumBGPPeeringPolicy", "CiliumCIDRGroup", "CiliumClusterwideEnvoyConfig",
          "CiliumClusterwideNetworkPolicy", "CiliumEgressGatewayPolicy", "CiliumEndpoint",
          "CiliumEndpointSlice", "CiliumEnvoyConfig", "CiliumExternalWorkload",
          "CiliumGatewayClassConfig", "CiliumIdentity", "CiliumL2AnnouncementPolicy",
          "CiliumLoadBalancerIPPool", "CiliumLocalRedirectPolicy", "CiliumNetworkPolicy",
          "CiliumNode", "CiliumNodeConfig", "CiliumPodIPPool")));

  private static final LevenshteinDistance DISTANCE = new LevenshteinDistance(3);

  private final Map<String, Integer> counts = new LinkedHashMap<>();

  /**
   * Counts an object nodeipam does not use, by its {@code group/Kind} key; true when the kind
   * gets a warning of its own (a likely typo), so that no other line need count it.
   */
  boolean count(String kindKey) {
    int slash = kindKey.indexOf('/');
    String group = kindKey.substring(0, slash);
    String kind = kindKey.substring(slash + 1);
    Set<String> kinds = KNOWN.get(group);
    // A kind no group defines and no known kind is close to (a tool's own config in the core
    // group, kube-scheduler's Policy) is no likely typo: the skipped-objects line counts it.
    boolean likelyTypo = kinds != null
        ? !kinds.contains(kind) && suggestion(group, kind) != null
        : groupOf(kind) != null;
    if (likelyTypo) {
      counts.merge(kindKey, 1, Integer::sum);
      return true;
    }
    return false;
  }

  /** One line per unknown kind, with the likely intended one. */
  List<String> warnings() {
    List<String> out = new ArrayList<>();
    counts.forEach((key, n) -> {
      int slash = key.indexOf('/');
      String group = key.substring(0, slash);
      String kind = key.substring(slash + 1);
      String objects = n + (n == 1 ? " object" : " objects");
      if (!KNOWN.containsKey(group)) {
        out.add("ignored " + objects + " of kind " + kind + " in API group " + group + ": "
            + kind + " belongs to " + display(groupOf(kind)));
        return;
      }
      String suggestion = suggestion(group, kind);
      out.add("ignored " + objects + " of unknown kind " + kind
          + (group.isEmpty() ? "" : " in API group " + group)
          + (suggestion == null ? "" : ": did you mean " + suggestion + "?"));
    });
    return out;
  }

  /** The closest known kind: of the object's group if one is close, else of another group. */
  private static String suggestion(String group, String kind) {
    String best = closest(KNOWN.get(group), kind);
    if (best != null) {
      return best;
    }
    String other = groupOf(kind);
    if (other != null) {
      return kind + " of " + display(other);
    }
    for (Map.Entry<String, Set<String>> e : KNOWN.entrySet()) {
      String near = closest(e.getValue(), kind);
      if (near != null) {
        return near + " of " + display(e.getKey());
      }
    }
    return null;
  }

  /** The kind within a few edits (case aside) of {@code kind}, the closest first; or null. */
  private static String closest(Set<String> kinds, String kind) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String lower = kind.toLowerCase(Locale.ROOT);
    for (String k : kinds) {
      int d = DISTANCE.apply(lower, k.toLowerCase(Locale.ROOT));
      int limit = Math.max(1, Math.min(3, k.length() / 4));
      if (d >= 0
          && d <= limit
          && (d < bestDistance || d == bestDistance && k.compareTo(best) < 0)) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static String groupOf(String kind) {
    return KNOWN.entrySet().stream().filter(e -> e.getValue().contains(kind))
        .map(Map.Entry::getKey).sorted().findFirst().orElse(null);
  }

  private static String display(String group) {
    return group.isEmpty() ? "the core API group (apiVersion v1)" : "API group " + group;
  }
}

package dev.nodeipam.tools.generate;

import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * NetworkPolicies, CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies for a synthetic
 * cluster, in the shapes real clusters have: per-app egress to the internet by ipBlock (the trap's
 * shape), egress to other apps by selector on named or numbered ports, namespace-wide ingress by
 * namespace labels, deny rules for the metadata address, L4-only rules, a few clusterwide
 * baselines. Every policy selects the pods of a Service of the base cluster, so the engine has real
 * work.
 *
 * @param count how many policies
 * @param cnpShare fraction that are CiliumNetworkPolicies
 * @param ccnpShare fraction that are CiliumClusterwideNetworkPolicies (the rest are
 *     NetworkPolicies)
 */
public record SyntheticPolicies(int count, double cnpShare, double ccnpShare)
    implements SyntheticCluster.Addition {

  /** The benchmark's mix: half NetworkPolicies, 35% CNPs, 15% CCNPs. */
  public static SyntheticPolicies of(int count) {
    return new SyntheticPolicies(count, 0.35, 0.15);
  }

  @Override
  public void addTo(ClusterSnapshot base, Random random, ClusterSnapshot.Builder out) {
    List<Service> services = base.services().stream().filter(s -> s.selector() != null).toList();
    if (services.isEmpty()) {
      return;
    }
    Map<String, List<Service>> byNamespace = new LinkedHashMap<>();
    services.forEach(
        s -> byNamespace.computeIfAbsent(s.namespace(), k -> new ArrayList<>()).add(s));
    for (int i = 0; i < count; i++) {
      Service subject = services.get(random.nextInt(services.size()));
      List<Service> neighbours = byNamespace.get(subject.namespace());
      Service peer = neighbours.get(random.nextInt(neighbours.size()));
      Service remote = services.get(random.nextInt(services.size()));
      double kind = random.nextDouble();
      Map<String, Object> body;
      if (kind < ccnpShare) {
        body = ccnp(i, subject, remote, random);
      } else if (kind < ccnpShare + cnpShare) {
        body = cnp(i, subject, peer, remote, random);
      } else {
        body = networkPolicy(i, subject, peer, random);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> meta = (Map<String, Object>) body.get("metadata");
      out.policy(
          new RawObject(
              (String) body.get("apiVersion"),
              (String) body.get("kind"),
              (String) meta.get("namespace"),
              (String) meta.get("name"),
              body,
              "synthetic:" + i));
    }
  }

  private static Map<String, Object> networkPolicy(int i, Service subject, Service peer, Random r) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("podSelector", Map.of("matchLabels", Map.of("app", subject.name())));
    List<Object> egress = new ArrayList<>();
    egress.add(
        Map.of(
            "to",
                List.of(
                    Map.of(
                        "ipBlock",
                        Map.of("cidr", "0.0.0.0/0", "except", List.of("169.254.0.0/16")))),
            "ports", List.of(Map.of("port", 443, "protocol", "TCP"))));
    egress.add(
        Map.of(
            "to", List.of(Map.of("podSelector", Map.of("matchLabels", Map.of("app", peer.name())))),
            "ports", List.of(Map.of("port", r.nextBoolean() ? "http" : 8080))));
    egress.add(
        Map.of(
            "to",
                List.of(
                    Map.of(
                        "namespaceSelector",
                            Map.of(
                                "matchLabels",
                                Map.of("kubernetes.io/metadata.name", "kube-system")),
                        "podSelector", Map.of("matchLabels", Map.of("k8s-app", "kube-dns")))),
            "ports",
                List.of(
                    Map.of("port", 53, "protocol", "UDP"), Map.of("port", 53, "protocol", "TCP"))));
    List<Object> ingress = new ArrayList<>();
    ingress.add(
        Map.of(
            "from",
                List.of(
                    Map.of(
                        "namespaceSelector",
                        Map.of(
                            "matchExpressions",
                            List.of(
                                Map.of(
                                    "key",
                                    "env",
                                    "operator",
                                    "In",
                                    "values",
                                    List.of("prod", "staging")))))),
            "ports", List.of(Map.of("port", 8000, "endPort", 8999, "protocol", "TCP"))));
    double shape = r.nextDouble();
    if (shape < 0.4) {
      spec.put("policyTypes", List.of("Egress"));
      spec.put("egress", egress);
    } else if (shape < 0.7) {
      spec.put("policyTypes", List.of("Ingress"));
      spec.put("ingress", ingress);
    } else {
      spec.put("policyTypes", List.of("Ingress", "Egress"));
      spec.put("ingress", ingress);
      spec.put("egress", egress);
    }
    return object(
        "networking.k8s.io/v1", PolicyRef.NETWORK_POLICY, subject.namespace(), "np-" + i, spec);
  }

  private static Map<String, Object> cnp(
      int i, Service subject, Service peer, Service remote, Random r) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("endpointSelector", Map.of("matchLabels", Map.of("k8s:app", subject.name())));
    List<Object> egress = new ArrayList<>();
    egress.add(
        Map.of(
            "toEndpoints", List.of(Map.of("matchLabels", Map.of("app", peer.name()))),
            "toPorts",
                List.of(Map.of("ports", List.of(Map.of("port", "8080", "protocol", "TCP"))))));
    egress.add(
        Map.of(
            "toEndpoints",
                List.of(
                    Map.of(
                        "matchLabels",
                        Map.of(
                            "k8s:io.kubernetes.pod.namespace",
                            remote.namespace(),
                            "app",
                            remote.name()))),
            "toPorts", List.of(Map.of("ports", List.of(Map.of("port", "http"))))));
    egress.add(
        Map.of(
            "toCIDRSet", List.of(Map.of("cidr", "10.0.0.0/8", "except", List.of("10.96.0.0/12")))));
    egress.add(Map.of("toEntities", List.of("kube-apiserver")));
    double shape = r.nextDouble();
    if (shape < 0.5) {
      spec.put("egress", egress);
    } else if (shape < 0.8) {
      spec.put(
          "ingress",
          List.of(
              Map.of(
                  "fromEndpoints",
                      List.of(
                          Map.of(
                              "matchExpressions",
                              List.of(
                                  Map.of(
                                      "key",
                                      "tier",
                                      "operator",
                                      "In",
                                      "values",
                                      List.of("web", "api"))))),
                  "toPorts",
                      List.of(
                          Map.of(
                              "ports", List.of(Map.of("port", "8080"), Map.of("port", "8443")))))));
      spec.put("ingressDeny", List.of(Map.of("fromCIDR", List.of("192.0.2.0/24"))));
    } else {
      spec.put("egress", egress);
      spec.put("egressDeny", List.of(Map.of("toCIDR", List.of("169.254.169.254/32"))));
      spec.put("enableDefaultDeny", Map.of("egress", false));
    }
    return object("cilium.io/v2", PolicyRef.CNP, subject.namespace(), "cnp-" + i, spec);
  }

  private static Map<String, Object> ccnp(int i, Service subject, Service remote, Random r) {
    Map<String, Object> spec = new LinkedHashMap<>();
    if (r.nextDouble() < 0.002) {
      spec.put("endpointSelector", Map.of());
    } else {
      spec.put(
          "endpointSelector",
          Map.of(
              "matchLabels",
              Map.of("io.kubernetes.pod.namespace", subject.namespace(), "app", subject.name())));
    }
    spec.put("enableDefaultDeny", Map.of("egress", false, "ingress", false));
    spec.put(
        "egress",
        List.of(
            Map.of(
                "toEndpoints",
                    List.of(
                        Map.of(
                            "matchLabels",
                            Map.of(
                                "io.kubernetes.pod.namespace",
                                remote.namespace(),
                                "app",
                                remote.name()))),
                "toPorts",
                    List.of(
                        Map.of(
                            "ports",
                            List.of(
                                Map.of("port", "8080", "protocol", "TCP"),
                                Map.of("port", "8443", "protocol", "TCP")))))));
    if (r.nextBoolean()) {
      spec.put(
          "egressDeny",
          List.of(
              Map.of(
                  "toEntities",
                  List.of("world"),
                  "toPorts",
                  List.of(Map.of("ports", List.of(Map.of("port", "25", "protocol", "TCP")))))));
    }
    return object("cilium.io/v2", PolicyRef.CCNP, null, "ccnp-" + i, spec);
  }

  private static Map<String, Object> object(
      String apiVersion, String kind, String namespace, String name, Map<String, Object> spec) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("name", name);
    if (namespace != null) {
      meta.put("namespace", namespace);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("apiVersion", apiVersion);
    body.put("kind", kind);
    body.put("metadata", meta);
    body.put("spec", spec);
    return Collections.unmodifiableMap(body);
  }
}

package dev.nodeipam.audit;

import dev.nodeipam.tools.generate.SyntheticCluster;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.render.AuditRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.testing.YamlClusters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Snapshots for audit tests: the examples, YAML written in the test, companions added. */
final class Clusters {
  static final Path ISTIO = Path.of("examples/istio-trap/cluster");
  static final Path AUDIT = Path.of("examples/istio-trap/audit");

  private Clusters() {}

  static ClusterSnapshot load(Path... paths) {
    return ManifestLoader.load(List.of(paths));
  }

  /** A cluster from YAML documents, through the real loader (defaults applied as in manifest mode). */
  static ClusterSnapshot yaml(String... documents) {
    return YamlClusters.load(List.of(documents));
  }

  /** The snapshot with the report's companion policies added, as objects. */
  static ClusterSnapshot withCompanions(ClusterSnapshot in, AuditReport report) {
    ClusterSnapshot.Builder b = SyntheticCluster.copy(in);
    for (Companion c : report.companions()) {
      b.policy(c.asPolicy("companion:" + c.name()));
    }
    return b.build();
  }

  /** The snapshot's files plus the companions written as the YAML the CLI prints, loaded back. */
  static ClusterSnapshot withCompanionYaml(AuditReport report, Path... paths) {
    try {
      Path file = Files.createTempFile("companions", ".yaml");
      Files.writeString(file, AuditRenderer.companionsYaml(report));
      List<Path> all = new ArrayList<>(List.of(paths));
      all.add(file);
      ClusterSnapshot s = ManifestLoader.load(all);
      Files.delete(file);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AuditReport audit(ClusterSnapshot s, String... settings) {
    return Audit.run(s, settings(settings), AuditOptions.defaults());
  }

  /** Datapath settings from alternating keys and values. */
  static Map<String, String> settings(String... pairs) {
    return YamlClusters.settings(pairs);
  }

  /**
   * The generated clusters' ingress policy of the {@code edge/web} backends on 8443: none (0),
   * world (1), 0.0.0.0/0 (2), only pods labelled {@code app: onlyApp} (3), or world with the pods
   * labelled {@code app: onlyApp} in namespace app denied (4), every namespace but app and world
   * by a negative-only selector (5), all with those pods denied (6); null for none.
   */
  static String webIngress(int kind, String onlyApp) {
    String from = switch (kind) {
      case 0 -> null;
      case 1 -> "- fromEntities: [world]";
      case 2 -> "- fromCIDR: [0.0.0.0/0]";
      case 3 -> "- fromEndpoints: [{matchLabels: {app: " + onlyApp + "}}]";
      // Admitting world without a CIDR or world peer (WorldPeer): a negative-only selector no
      // term is added to (cilium/cilium#46949 case 2), and the entity all with a deny.
      case 5 -> "- fromEndpoints: [" + TrapSearchMatchesDefinitionPropertyTest.NEGATIVE_ONLY
          .replace("[edge]", "[app]") + "]";
      case 6 -> "- fromEntities: [all]\n  ingressDeny:\n  - fromEndpoints: [{matchLabels: {app: "
          + onlyApp + ", k8s:io.kubernetes.pod.namespace: app}}]";
      default -> "- fromEntities: [world]\n    toPorts: [{ports: [{port: \"8443\", protocol: TCP}]}]\n"
          + "  ingressDeny:\n  - fromEndpoints: [{matchLabels: {app: " + onlyApp
          + ", k8s:io.kubernetes.pod.namespace: app}}]";
    };
    return from == null ? null : """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web-in, namespace: edge}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress:
          %s
            toPorts: [{ports: [{port: "8443", protocol: TCP}]}]
        """.formatted(from);
  }

  /**
   * The generated clusters' {@code edge/web} Service on 443: on externalIP 203.0.113.9 (0), on the
   * node address 198.51.100.2 (1), or a Node IPAM LoadBalancer (2); targetPort named or 8443.
   */
  static String webService(int frontend, boolean namedTarget) {
    String address = switch (frontend) {
      case 0 -> "externalIPs: [203.0.113.9]";
      case 1 -> "externalIPs: [198.51.100.2]"; // a node's address
      default -> "type: LoadBalancer\n  loadBalancerClass: io.cilium/node";
    };
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: edge}
        spec:
          clusterIP: 10.96.0.50
          selector: {app: web}
          ports: [{name: https, port: 443, targetPort: %s}]
          %s
        """.formatted(namedTarget ? "https" : "8443", address);
  }

  /**
   * The generated clusters' egress NetworkPolicy of client pod {@code app} in namespace app: none
   * (0), 0.0.0.0/0 on 443 (1), 203.0.113.0/24 on 443 (2), the nodes' 198.51.100.0/24 (3),
   * 0.0.0.0/0 except 203.0.113.0/24 (4), or the web pods by selector (5); null for none.
   */
  static String clientEgress(int kind, String app) {
    String egress = switch (kind) {
      case 0 -> null;
      case 1 -> "- to: [{ipBlock: {cidr: 0.0.0.0/0}}]\n    ports: [{port: 443}]";
      case 2 -> "- to: [{ipBlock: {cidr: 203.0.113.0/24}}]\n    ports: [{port: 443}]";
      case 3 -> "- to: [{ipBlock: {cidr: 198.51.100.0/24}}]";
      case 4 -> "- to: [{ipBlock: {cidr: 0.0.0.0/0, except: [203.0.113.0/24]}}]";
      default -> "- to: [{podSelector: {matchLabels: {app: web}}, namespaceSelector: {}}]";
    };
    return egress == null ? null : """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: %s, namespace: app}
        spec:
          podSelector: {matchLabels: {app: %s}}
          policyTypes: [Egress]
          egress:
          %s
        """.formatted(app, app, egress);
  }

  static List<Finding> traps(AuditReport r) {
    return r.findings().stream().filter(f -> f.type() == FindingType.IDENTITY_TRAP).toList();
  }
}

package dev.nodeipam.audit;

import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.render.AuditRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.testing.ClientEgress;
import dev.nodeipam.testing.YamlClusters;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    ClusterSnapshot.Builder b = in.toBuilder();
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
      case 5 -> "- fromEndpoints: [" + YamlClusters.NEGATIVE_ONLY
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
   * The generated clusters' egress NetworkPolicies of a client pod, by index: none (0), 0.0.0.0/0
   * on 443 (1), 203.0.113.0/24 on 443 (2), the nodes' 198.51.100.0/24 (3), 0.0.0.0/0 except
   * 203.0.113.0/24 (4), or the web pods by selector (5).
   */
  static final List<ClientEgress> CLIENT_EGRESS = List.of(
      ClientEgress.NONE,
      ClientEgress.ALL_ON_443,
      ClientEgress.SERVICE_ADDRESSES_ON_443,
      ClientEgress.NODE_ADDRESSES,
      ClientEgress.ALL_EXCEPT_SERVICE_ADDRESSES,
      ClientEgress.WEB_PODS);

  /**
   * Every flow the trap definition judges, with what judges it: from each pod to each published
   * address and Service port (each address:port/protocol once), in the order of the addresses.
   */
  record PublishedFlows(
      PolicyEngine engine, DatapathSettings now, DatapathSettings translating, List<Flow> flows) {
    /** Section 6 of the policy model for one flow ({@link IdentityTrap#of}). */
    IdentityTrap trap(Flow flow) {
      return IdentityTrap.of(engine, flow, now, translating);
    }
  }

  static PublishedFlows publishedFlows(ClusterSnapshot cluster, Map<String, String> overrides) {
    PublishedAddresses published =
        PublishedAddresses.of(cluster, AuditOptions.defaults().nodeIpam());
    PolicyEngine engine = PolicyEngine.of(published.snapshot());
    List<Flow> flows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ServiceAddress sa : published.addresses()) {
      for (Service.ServicePort sp : sa.service().ports()) {
        Protocol protocol = Protocol.parse(sp.protocol());
        if (!seen.add(sa.address().toCanonicalString() + ":" + sp.port() + "/" + protocol)) {
          continue;
        }
        for (Pod p : published.snapshot().pods()) {
          flows.add(new Flow(p, sa.address(), sp.port(), protocol));
        }
      }
    }
    return new PublishedFlows(engine, engine.settings(overrides),
        IdentityTrap.translating(engine, overrides), flows);
  }

  static List<Finding> traps(AuditReport r) {
    return r.findings().stream().filter(f -> f.type() == FindingType.IDENTITY_TRAP).toList();
  }
}

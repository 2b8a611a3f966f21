package dev.nodeipam.policy;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.Generate.booleans;
import static org.quicktheories.generators.Generate.range;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.Detail;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.testing.ClientEgress;
import dev.nodeipam.testing.Coverage;
import dev.nodeipam.testing.YamlClusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * {@link PolicyEngine#evaluate} is the definition of Cilium's verdict; the engine's other answers
 * are faster paths that build no explanation. Over generated clusters (a Service published by
 * externalIP, LoadBalancer or nodePort, with either external traffic policy; clients with egress
 * rules by CIDR, world, selector, entity, named port and deny, some on the host network; a
 * receiver with ingress rules by selector, CIDR, deny or none; the datapath settings of the
 * examples), for every client and every address it can dial (frontends, nodePorts, node, pod and
 * outside addresses), each fast path gives exactly the definition's answer, and {@link
 * Detail#VERDICT} decides as {@link Detail#EXPLAINED} does.
 */
class EngineFastPathPropertyTest {
  static final String[][] SETTINGS = {
    {},
    {"kube-proxy-replacement", "true"},
    {"kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true"},
    {"kube-proxy-replacement", "true", "disable-external-ip-mitigation", "true"},
    {"kube-proxy-replacement", "false", "policy-cidr-match-mode", "nodes"},
    {"kube-proxy-replacement", "true", "enable-policy", "always"},
    {"cilium-version", "1.18"},
    {"kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true",
        "policy-cidr-match-mode", "pods"},
  };

  /** The clients' egress rules, by {@link Client#egress} index. */
  static final List<ClientEgress> EGRESS = List.of(
      ClientEgress.NONE,
      ClientEgress.ALL_ON_443,
      ClientEgress.ALL_EXCEPT_SERVICE_ADDRESSES,
      ClientEgress.NODE_ADDRESSES_AND_WEB_ON_HTTPS,
      ClientEgress.WORLD_ON_443,
      ClientEgress.ALL_AND_CLUSTER_DENY_WEB,
      ClientEgress.SERVICE_ADDRESSES_AND_CLUSTER_ON_8443,
      ClientEgress.NODE_SET_AND_REMOTE_NODE_ON_443,
      ClientEgress.NAMESPACES_BUT_EDGE,
      ClientEgress.SERVICE_CIDR);

  record Client(int egress, boolean hostNetwork, int node) {}

  /**
   * @param rules the receiver's ingress rules ({@code rules % 5}) and the ClusterNetworkPolicies
   *     ({@code rules / 5}, {@link #tiers})
   */
  record Shape(int frontend, boolean local, int rules, List<Client> clients, int settings) {
    int ingress() {
      return rules % 5;
    }

    int tiers() {
      return rules / 5;
    }
  }

  static Gen<Shape> shapes() {
    Gen<Client> client = range(0, EGRESS.size() - 1).zip(booleans(), range(0, 1), Client::new);
    return range(0, 3).zip(booleans(), range(0, 19), lists().of(client).ofSizeBetween(1, 3),
        range(0, SETTINGS.length - 1), Shape::new);
  }

  static final List<String> ADDRESSES = List.of("198.51.100.1", "203.0.113.9", "10.96.0.50",
      "192.168.0.1", "192.168.0.2", "10.0.2.10", "10.0.2.11", "8.8.8.8");
  static final List<Integer> PORTS = List.of(443, 8443, 30443, 80);

  @Test
  void fastPathsGiveTheDefinitionsAnswer() {
    Coverage coverage = new Coverage("fastPathsGiveTheDefinitionsAnswer");
    qt(100, 200)
        .forAll(shapes())
        .checkAssert(shape -> {
          ClusterSnapshot cluster = build(shape);
          PolicyEngine engine = PolicyEngine.of(cluster);
          DatapathSettings s = engine.settings(YamlClusters.settings(SETTINGS[shape.settings()]));
          coverage.sample();
          Map<String, Boolean> seen = new LinkedHashMap<>();
          for (Pod p : cluster.podsIn("app")) {
            for (String address : ADDRESSES) {
              for (int port : PORTS) {
                Flow flow = new Flow(p, IpText.parse(address), port, Protocol.TCP);
                check(engine, flow, s, seen);
              }
            }
          }
          seen.forEach(coverage::count);
        });
    // Not vacuous: every kind of answer occurs in a good share of the samples.
    for (String label : List.of("allowed", "denied by a deny rule (181)",
        "denied by default deny (133)", "translated", "delivered by the next hop",
        "egress denies every pod", "decided by a ClusterNetworkPolicy tier")) {
      coverage.requireShare(label, 0.03);
    }
    coverage.print();
  }

  private static void check(PolicyEngine engine, Flow flow, DatapathSettings s,
      Map<String, Boolean> seen) {
    Verdict v = engine.evaluate(flow, s, Detail.EXPLAINED);
    String what = flow.source().key() + " -> " + flow.address() + ":" + flow.port();
    assertThat(engine.allows(flow, s)).as("allows " + what).isEqualTo(v.allowed());
    assertThat(decisions(engine.evaluate(flow, s, Detail.VERDICT)))
        .as("VERDICT detail " + what).isEqualTo(decisions(v));
    Verdict asAddress = engine.evaluateAsAddress(flow, s, Detail.EXPLAINED);
    assertThat(engine.allowsAsAddress(flow, s)).as("allowsAsAddress " + what)
        .isEqualTo(asAddress.allowed());
    Identity src = engine.identityOf(flow.source(), s);
    boolean everyPod = false;
    List<PolicyEngine.Delivered> delivered = new ArrayList<>();
    for (DestinationVerdict d : v.destinations()) {
      // A delivered backend's egress was judged on the address, at the dialled port.
      int egressPort = d.delivery() != null ? d.delivery().dialledPort() : d.port();
      int egress = engine.egressDrop(src, d.egressPeer(), egressPort, flow.protocol(), s);
      assertThat(egress).as("egressDrop " + what + " " + d.endpoint())
          .isEqualTo(drop(d.egress().dropReason()));
      if (d.delivery() == null) {
        int ingress = engine.ingressDrop(
            flow.source(), src, d.identity(), d.port(), flow.protocol(), s);
        assertThat(ingress).as("ingressDrop " + what + " " + d.endpoint())
            .isEqualTo(drop(d.ingress().dropReason()));
      } else {
        delivered.add(new PolicyEngine.Delivered(d.identity(), d.port(),
            d.delivery().arrivingSource(), drop(d.ingress().dropReason())));
      }
      boolean deniesEveryPod =
          engine.egressDeniesEveryPod(src, egressPort, flow.protocol(), s);
      everyPod |= deniesEveryPod;
      if (deniesEveryPod && d.egressPeer().isPod()) {
        assertThat(egress).as("egressDeniesEveryPod " + what + " " + d.endpoint())
            .isEqualTo(DropReason.POLICY_DENIED);
      }
    }
    assertThat(engine.deliveredTo(flow, s)).as("deliveredTo " + what).isEqualTo(delivered);
    seen.merge("allowed", v.allowed(), Boolean::logicalOr);
    seen.merge("denied by a deny rule (181)",
        Objects.equals(v.dropReason(), DropReason.POLICY_DENY), Boolean::logicalOr);
    seen.merge("denied by default deny (133)",
        Objects.equals(v.dropReason(), DropReason.POLICY_DENIED), Boolean::logicalOr);
    seen.merge("translated", v.translation().translated(), Boolean::logicalOr);
    seen.merge("delivered by the next hop", !delivered.isEmpty(), Boolean::logicalOr);
    seen.merge("egress denies every pod", everyPod, Boolean::logicalOr);
    seen.merge("decided by a ClusterNetworkPolicy tier", v.destinations().stream()
        .anyMatch(d -> Stream.of(d.egress(), d.ingress()).anyMatch(
            side -> side != null && side.reason() != null && side.reason().contains(" tier"))),
        Boolean::logicalOr);
  }

  /** What a verdict decides, without its explanation. */
  private static List<Object> decisions(Verdict v) {
    List<Object> out = new ArrayList<>(List.of(v.outcome(), String.valueOf(v.dropReason()),
        v.translation()));
    for (DestinationVerdict d : v.destinations()) {
      out.add(List.of(d.endpoint(), d.port(), d.outcome(), String.valueOf(d.dropReason()),
          d.egress().outcome(), d.ingress().outcome(), d.egress().allowedBy(),
          d.ingress().deniedBy(), d.egress().deniedBy(), d.ingress().allowedBy()));
    }
    return out;
  }

  private static int drop(Integer reason) {
    return reason == null ? 0 : reason;
  }

  private static ClusterSnapshot build(Shape s) {
    List<String> docs = new ArrayList<>();
    for (int n = 1; n <= 2; n++) {
      docs.add("""
          apiVersion: v1
          kind: Node
          metadata: {name: n%d}
          spec: {podCIDR: 10.0.%d.0/24}
          status:
            addresses: [{type: InternalIP, address: 192.168.0.%d}]
            conditions: [{type: Ready, status: "True"}]
          """.formatted(n, n, n));
    }
    docs.add("apiVersion: v1\nkind: Namespace\nmetadata: {name: app}");
    docs.add("apiVersion: v1\nkind: Namespace\nmetadata: {name: edge}");
    String frontend = switch (s.frontend()) {
      case 0 -> "externalIPs: [198.51.100.1]";
      case 1 -> "externalIPs: [203.0.113.9]";
      case 2 -> "type: LoadBalancer\n  loadBalancerClass: example.com/metal";
      default -> "type: NodePort";
    };
    String status = s.frontend() == 2
        ? "status: {loadBalancer: {ingress: [{ip: 203.0.113.9}]}}" : "";
    docs.add("""
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: edge}
        spec:
          clusterIP: 10.96.0.50
          selector: {app: web}
          externalTrafficPolicy: %s
          ports: [{name: https, port: 443, targetPort: https, nodePort: 30443}]
          %s
        %s
        """.formatted(s.local() ? "Local" : "Cluster", frontend, status));
    docs.add(YamlClusters.pod("edge", "web-1", "web", "n2", "10.0.2.10", ""));
    docs.add(YamlClusters.pod("edge", "web-2", "web", "n1", "10.0.2.11", ""));
    String ingress = ingress(s.ingress());
    if (ingress != null) {
      docs.add(ingress);
    }
    docs.addAll(tiers(s.tiers()));
    for (int i = 0; i < s.clients().size(); i++) {
      Client c = s.clients().get(i);
      String node = c.node() == 0 ? "n1" : "n2";
      String ip = c.hostNetwork() ? (c.node() == 0 ? "192.168.0.1" : "192.168.0.2")
          : "10.0." + (c.node() + 1) + "." + (20 + i);
      docs.add(YamlClusters.pod("app", "client-" + i, "client-" + i, node, ip,
          c.hostNetwork() ? "hostNetwork: true" : ""));
      String egress = EGRESS.get(c.egress()).yaml("client-" + i);
      if (egress != null) {
        docs.add(egress);
      }
    }
    return YamlClusters.load(docs);
  }

  /**
   * ClusterNetworkPolicies (enforced from Cilium 1.20, the default release; not under the 1.18
   * settings): none; an Admin Deny of the backends on 8443; an Admin Pass with a Baseline Deny of
   * client-1 into the backends; an Admin Accept of app into the backends with a Baseline Deny of
   * egress to 203.0.113.0/24.
   */
  private static List<String> tiers(int kind) {
    String kcnp = """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: %s}
        spec:
          tier: %s
          priority: %d
          subject: %s
          %s
        """;
    String web = "{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: web}}}}";
    String all = "{namespaces: {}}";
    return switch (kind) {
      case 0 -> List.of();
      case 1 -> List.of(kcnp.formatted("deny-web", "Admin", 5, all, "egress:\n  - {action: Deny,"
          + " to: [" + web + "], protocols: [{tcp: {destinationPort: {number: 8443}}}]}"));
      case 2 -> List.of(
          kcnp.formatted("pass", "Admin", 1, web, "ingress:\n  - {action: Pass}"),
          kcnp.formatted("baseline", "Baseline", 1, web, "ingress:\n  - {action: Deny, from:"
              + " [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: client-1}}}}]}"));
      default -> List.of(
          kcnp.formatted("accept", "Admin", 2, web, "ingress:\n  - {action: Accept, from:"
              + " [{namespaces: {matchLabels: {kubernetes.io/metadata.name: app}}}]}"),
          kcnp.formatted("baseline", "Baseline", 3, all, "egress:\n  - {action: Deny, to:"
              + " [{networks: [203.0.113.0/24]}]}"));
    };
  }

  private static String ingress(int kind) {
    String cnp = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web-in, namespace: edge}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          %s
        """;
    return switch (kind) {
      case 0 -> null;
      case 1 -> cnp.formatted("ingress:\n  - fromEndpoints: [{matchLabels: "
          + "{k8s:io.kubernetes.pod.namespace: app}}]\n    toPorts: [{ports: [{port: \"8443\"}]}]");
      case 2 -> cnp.formatted("ingress:\n  - fromCIDR: [0.0.0.0/0]");
      case 3 -> cnp.formatted("ingress:\n  - fromEntities: [all]\n  ingressDeny:\n"
          + "  - fromEndpoints: [{matchLabels: {app: client-0}}]");
      // Negative-only: selects reserved identities too unless the 1.19 cluster term keeps them
      // out (getEndpointSelector, addClusterFilterByDefault in utils.go).
      case 4 -> cnp.formatted("ingress:\n  - fromEndpoints: [{matchExpressions: [{key: "
          + "io.kubernetes.pod.namespace, operator: NotIn, values: [kube-system]}]}]");
      default -> cnp.formatted("ingress:\n  - fromEntities: [remote-node, host]");
    };
  }
}

package dev.nodeipam.audit;

import static dev.nodeipam.audit.Clusters.audit;
import static dev.nodeipam.audit.Clusters.traps;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.testing.YamlClusters;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Kubernetes ClusterNetworkPolicy egress rule whose only peer is {@code networks} is a CIDR
 * selector (Cilium 1.20 translates {@code networks} to CIDR peers in {@code
 * ParseClusterNetworkPolicy}, {@code pkg/k8s/cluster_network_policy.go}, cilium/cilium#42338):
 * an Accept of the Service's address read as world, followed in the tier by a Deny of every pod,
 * traps the client once Cilium translates the address to the backend's identity (section 10 of
 * the policy model). The audit (and so the diff) finds the trap that the definition, and so
 * trace, finds; with no other CIDR allow in the cluster, the audit's pre-check must see the rule.
 */
class ClusterCidrAcceptAuditTest {
  private static final String SERVICE = """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: edge}
      spec:
        clusterIP: 10.96.0.50
        selector: {app: web}
        ports: [{name: https, port: 443, targetPort: https}]
        externalIPs: [203.0.113.9]
      """;

  private static String kcnp(String tier, String networks) {
    return """
        apiVersion: policy.networking.k8s.io/v1alpha2
        kind: ClusterNetworkPolicy
        metadata: {name: client-out}
        spec:
          tier: %s
          priority: 5
          subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: client}}}}
          egress:
          - {name: partner, action: Accept, to: [{networks: [%s]}],
             protocols: [{tcp: {destinationPort: {number: 443}}}]}
          - {name: rest, action: Deny, to: [{namespaces: {}}]}
        """.formatted(tier, networks);
  }

  private static ClusterSnapshot cluster(String policy) {
    return Clusters.yaml(TrapRulesTest.NODES,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: edge}",
        YamlClusters.pod("app", "client-1", "client", "n1", "10.0.1.10", ""),
        YamlClusters.pod("edge", "web-1", "web", "n2", "10.0.2.10", ""),
        SERVICE, policy);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // name, policy, version, traps
        Arguments.of("Admin Accept of the address by networks, Deny of the pods: a trap",
            kcnp("Admin", "203.0.113.0/24"), "1.20", 1),
        Arguments.of("Baseline tier, nothing above it decides: a trap",
            kcnp("Baseline", "203.0.113.0/24"), "1.20", 1),
        Arguments.of("networks not covering the address: no allow to lose, no trap",
            kcnp("Admin", "198.51.100.0/24"), "1.20", 0),
        Arguments.of("1.19 does not enforce ClusterNetworkPolicy: no trap",
            kcnp("Admin", "203.0.113.0/24"), "1.19", 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theAuditFindsWhatTheDefinitionFinds(
      String name, String policy, String version, int trapCount) {
    ClusterSnapshot cluster = cluster(policy);
    String[] set = {"kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true",
        "cilium-version", version};
    AuditReport r = audit(cluster, set);
    assertThat(traps(r)).as(name).hasSize(trapCount);
    traps(r).forEach(f -> {
      assertThat(f.address()).isEqualTo("203.0.113.9");
      assertThat(f.message()).as(name).contains("ClusterNetworkPolicy client-out");
    });

    PolicyEngine engine = PolicyEngine.of(cluster);
    Map<String, String> overrides = Map.of("kube-proxy-replacement", "true",
        "bpf-lb-sock-hostns-only", "true", "cilium-version", version);
    DatapathSettings now = engine.settings(overrides);
    Pod client = cluster.pods().stream().filter(p -> p.name().equals("client-1")).findFirst()
        .orElseThrow();
    Flow flow = new Flow(client, new IPAddressString("203.0.113.9").getAddress(), 443,
        Protocol.TCP);
    IdentityTrap trap =
        IdentityTrap.of(engine, flow, now, IdentityTrap.translating(engine, overrides));
    assertThat(trap.trapped()).as("the definition (trace): " + name).isEqualTo(trapCount > 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void thePreCheckSeesTheNetworksAccept(
      String name, String policy, String version, int trapCount) {
    PolicyEngine engine = PolicyEngine.of(cluster(policy));
    DatapathSettings s = engine.settings(Map.of("cilium-version", version));
    assertThat(Audit.mayTrap(engine.rules(), s)).as(name).isFalse();
    assertThat(Audit.mayTrapByTiers(engine.clusterAccepts(), s)).as(name).isTrue();
  }
}

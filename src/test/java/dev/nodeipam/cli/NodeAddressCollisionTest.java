package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NODE_ADDRESS_COLLISION: node addresses reused as load-balancer or egress addresses. Cilium 1.19's
 * wildcard service entries cut such a node off (cilium/cilium#44901: an LB IPAM pool holding the
 * nodes' public addresses and a Gateway; #44430); an egress gateway IP that is also a LoadBalancer
 * address loses its replies from 1.19 (#45408); Node IPAM's own Services are left out.
 */
class NodeAddressCollisionTest {
  private static final String TREE = Trees.TWO_NODES + """
      apiVersion: cilium.io/v2alpha1
      kind: CiliumLoadBalancerIPPool
      metadata: {name: public}
      spec:
        blocks:
        - {start: 198.51.100.2, stop: 198.51.100.9}
      ---
      apiVersion: cilium.io/v2alpha1
      kind: CiliumLoadBalancerIPPool
      metadata: {name: spare}
      spec:
        disabled: true
        blocks:
        - {cidr: 10.0.0.0/24}
      ---
      apiVersion: gateway.networking.k8s.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: infra}
      spec:
        gatewayClassName: cilium
        addresses:
        - {type: IPAddress, value: 198.51.100.1}
        - {type: Hostname, value: example.org}
        listeners: [{name: http, port: 80, protocol: HTTP}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: lb, namespace: shop}
      spec:
        type: LoadBalancer
        loadBalancerClass: io.cilium/l2-announcer
        selector: {app: lb}
        ports: [{port: 443}]
      status:
        loadBalancer:
          ingress: [{ip: 10.0.0.11}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: vip, namespace: shop}
      spec:
        type: LoadBalancer
        loadBalancerClass: example.com/metallb
        selector: {app: vip}
        ports: [{port: 8443}]
      status:
        loadBalancer:
          ingress: [{ip: 203.0.113.50}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: own, namespace: shop}
      spec:
        type: LoadBalancer
        loadBalancerClass: io.cilium/node
        selector: {app: own}
        ports: [{port: 80}]
      status:
        loadBalancer:
          ingress: [{ip: 198.51.100.1}, {ip: 198.51.100.2}]
      ---
      apiVersion: cilium.io/v2
      kind: CiliumEgressGatewayPolicy
      metadata: {name: out}
      spec:
        selectors: [{podSelector: {matchLabels: {app: out}}}]
        destinationCIDRs: [0.0.0.0/0]
        egressGateway:
          nodeSelector: {matchLabels: {egress: "true"}}
          egressIP: 203.0.113.50
      """;

  private static Path tree(Path dir) throws Exception {
    Files.writeString(dir.resolve("tree.yaml"), TREE);
    return dir;
  }

  private static List<JsonNode> collisions(JsonNode findings) {
    List<JsonNode> out = new ArrayList<>();
    findings.forEach(f -> {
      if (f.get("type").asText().equals("NODE_ADDRESS_COLLISION")) {
        out.add(f);
      }
    });
    return out;
  }

  static Stream<Arguments> releases() {
    // 1.19 with wildcard entries: the status of a Cilium L2 class is NODE_IP_AS_LB_VIP's already.
    return Stream.of(Arguments.of("1.18", "warning", 4), Arguments.of("1.19", "error", 3),
        Arguments.of("1.20", "warning", 4));
  }

  @ParameterizedTest(name = "plan and audit under Cilium {0}")
  @MethodSource("releases")
  void planAndAudit_nameEachCollision_once(String version, String gatewaySeverity, int count,
      @TempDir Path dir) throws Exception {
    Path t = tree(dir);
    ObjectMapper json = new ObjectMapper();

    CliRun plan = CliRun.of("plan", "-f", t.toString(), "--cilium-version", version, "-o", "json");
    CliRun audit = CliRun.of("audit", "-f", t.toString(), "--cilium-version", version, "-o",
        "json");

    assertThat(plan.exitCode()).as(plan.err()).isZero();
    assertThat(audit.exitCode()).as(audit.err()).isIn(0, 3);
    List<JsonNode> fromPlan = collisions(json.readTree(plan.out()).get("findings"));
    List<JsonNode> fromAudit = collisions(json.readTree(audit.out()).get("findings"));
    assertThat(fromPlan).hasSize(count);
    assertThat(fromAudit.stream().map(JsonNode::toString))
        .containsExactlyInAnyOrderElementsOf(fromPlan.stream().map(JsonNode::toString).toList());
    String all = fromPlan.toString();
    assertThat(all).contains("CiliumLoadBalancerIPPool public").contains("node-b")
        .contains("Gateway infra/edge").contains("CiliumEgressGatewayPolicy out")
        .contains("shop/vip").doesNotContain("IPPool spare").doesNotContain("shop/own");
    JsonNode gateway = fromPlan.stream()
        .filter(f -> f.get("claimedBy") != null
            && f.get("claimedBy").asText().startsWith("Gateway")).findFirst().orElseThrow();
    assertThat(gateway.get("severity").asText()).isEqualTo(gatewaySeverity);
    assertThat(gateway.get("address").asText()).isEqualTo("198.51.100.1");
    assertThat(gateway.get("node").asText()).isEqualTo("node-a");
    JsonNode pool = fromPlan.stream()
        .filter(f -> f.get("claimedBy").asText().startsWith("CiliumLoadBalancerIPPool"))
        .findFirst().orElseThrow();
    assertThat(pool.get("active").asBoolean()).isFalse();
    assertThat(pool.get("severity").asText()).isEqualTo("warning");
  }

  @Test
  void text_andSarif_carryTheFinding(@TempDir Path dir) throws Exception {
    Path t = tree(dir);

    CliRun text = CliRun.of("plan", "-f", t.toString(), "--cilium-version", "1.18");
    CliRun sarif = CliRun.of("audit", "-f", t.toString(), "--cilium-version", "1.18", "-o",
        "sarif");

    assertThat(text.out()).contains("NODE_ADDRESS_COLLISION: Gateway infra/edge");
    assertThat(text.out().lines()).allMatch(l -> l.length() <= 100);
    assertThat(sarif.out()).contains("nodeipam/audit/node-address-collision");
  }
}

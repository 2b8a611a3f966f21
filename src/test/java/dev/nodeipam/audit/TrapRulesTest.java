package dev.nodeipam.audit;

import static dev.nodeipam.audit.Clusters.audit;
import static dev.nodeipam.audit.Clusters.traps;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.testing.YamlClusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trap search rule by rule, on small clusters written as YAML. */
class TrapRulesTest {
  static final String NODES = """
      apiVersion: v1
      kind: Node
      metadata: {name: n1, labels: {edge: "true"}}
      status:
        addresses: [{type: InternalIP, address: 192.168.0.1}, {type: ExternalIP, address: 198.51.100.1}]
        conditions: [{type: Ready, status: "True"}]
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: n2}
      status:
        addresses: [{type: InternalIP, address: 192.168.0.2}, {type: ExternalIP, address: 198.51.100.2}]
        conditions: [{type: Ready, status: "True"}]
      """;

  static String pod(String ns, String name, String app, String node, String ip, String extra) {
    return YamlClusters.pod(ns, name, app, node, ip, extra);
  }

  static final String CLIENT_POLICY = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: client-egress, namespace: app}
      spec:
        podSelector: {matchLabels: {app: client}}
        policyTypes: [Egress]
        egress:
        - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
          ports: [{port: 443, protocol: TCP}]
      """;

  static String service(String extraSpec, String status) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: edge}
        spec:
          clusterIP: 10.96.0.50
          selector: {app: web}
          ports: [{name: https, port: 443, targetPort: https}]
          %s
        %s
        """.formatted(extraSpec, status);
  }

  static final String NODE_IPAM_SERVICE = service(
      "type: LoadBalancer\n  loadBalancerClass: io.cilium/node", "");

  static ClusterSnapshot cluster(String... more) {
    List<String> docs = new ArrayList<>(List.of(NODES,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: edge}",
        pod("app", "client-1", "client", "n1", "10.0.1.10", ""),
        pod("edge", "web-1", "web", "n2", "10.0.2.10", ""),
        CLIENT_POLICY));
    docs.addAll(List.of(more));
    return Clusters.yaml(docs.toArray(String[]::new));
  }

  @Test
  void nodeIpamServiceWithoutStatus_isAuditedOnTheAddressesTheCoreWouldPublish() {
    AuditReport r = audit(cluster(NODE_IPAM_SERVICE), "kube-proxy-replacement", "true");
    assertThat(r.addresses()).isEqualTo(2);
    assertThat(traps(r)).hasSize(2).allSatisfy(f -> {
      assertThat(f.extra().get("frontend")).isEqualTo("nodeIPAM");
      assertThat(f.active()).isTrue();
      assertThat(f.targetPort()).isEqualTo(8443);
    });
    assertThat(traps(r)).extracting(Finding::address)
        .containsExactlyInAnyOrder("198.51.100.1", "198.51.100.2");
  }

  @Test
  @SuppressWarnings("unchecked")
  void nodeIpamAddressWithoutKubeProxyReplacement_isANodeToPolicy_andTheCompanionUsesEntities() {
    AuditReport r = audit(cluster(NODE_IPAM_SERVICE), "kube-proxy-replacement", "false", "cilium-version", "1.18");
    assertThat(traps(r)).hasSize(2).allSatisfy(f -> {
      assertThat(f.active()).as("a node address is host/remote-node, never CIDR").isTrue();
      assertThat(f.targetPort()).as("untranslated: the Service port").isEqualTo(443);
      assertThat(f.message()).contains("does not match nodes");
    });
    Map<String, Object> spec = (Map<String, Object>) r.companions().get(0).object().get("spec");
    assertThat(spec.get("egress").toString()).contains("toEntities=[host, remote-node]");
    assertThat(r.companions().get(0).caveats()).contains(Companions.NODE_CAVEAT);
    ClusterSnapshot fixed = Clusters.withCompanions(cluster(NODE_IPAM_SERVICE), r);
    assertThat(traps(audit(fixed, "kube-proxy-replacement", "false", "cilium-version", "1.18"))).isEmpty();
  }

  @Test
  void cidrMatchModeNodes_makesTheNodeAddressAllowedNow_soTheTrapIsLatent() {
    AuditReport r = audit(cluster(NODE_IPAM_SERVICE), "kube-proxy-replacement", "false", "cilium-version", "1.18",
        "policy-cidr-match-mode", "nodes");
    assertThat(traps(r)).hasSize(2).allSatisfy(f -> assertThat(f.active()).isFalse());
  }

  @Test
  void loadBalancerStatusOfAnotherController_isAudited() {
    String lb = service("type: LoadBalancer\n  loadBalancerClass: example.com/metal",
        "status: {loadBalancer: {ingress: [{ip: 203.0.113.7}]}}");
    AuditReport r = audit(cluster(lb), "kube-proxy-replacement", "true");
    assertThat(traps(r)).singleElement().satisfies(f -> {
      assertThat(f.address()).isEqualTo("203.0.113.7");
      assertThat(f.extra().get("frontend")).isEqualTo("loadBalancer");
      assertThat(f.active()).isTrue();
    });
  }

  @Test
  void ipModeProxy_isNeverTranslated_soNeverATrap() {
    String lb = service("type: LoadBalancer\n  loadBalancerClass: example.com/metal",
        "status: {loadBalancer: {ingress: [{ip: 203.0.113.7, ipMode: Proxy}]}}");
    assertThat(traps(audit(cluster(lb), "kube-proxy-replacement", "true"))).isEmpty();
  }

  @Test
  void replicasShareOneIdentity_judgedOnce_reportedOncePerPod() {
    String ext = service("externalIPs: [203.0.113.9]", "");
    AuditReport r = audit(cluster(ext,
        pod("app", "client-2", "client", "n2", "10.0.1.11", ""),
        pod("app", "client-3", "client", "n1", "10.0.1.12", "")),
        "kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true");
    assertThat(r.traps()).singleElement()
        .satisfies(t -> assertThat(t.sources()).hasSize(3));
    assertThat(traps(r)).extracting(Finding::source)
        .containsExactly("app/client-1", "app/client-2", "app/client-3");
  }

  @Test
  void externalIpOfTheClientsOwnNode_isTranslatedForItOnly_underSocketLb() {
    // 198.51.100.1 is n1's address: socket LB translates it for client-1 (on n1) only; client-2
    // on n2 sees remote-node, which the ipBlock does not match either.
    String ext = service("externalIPs: [198.51.100.1]", "");
    AuditReport r = audit(cluster(ext, pod("app", "client-2", "client", "n2", "10.0.1.11", "")),
        "kube-proxy-replacement", "true");
    assertThat(r.traps()).hasSize(2);
    assertThat(r.traps()).allSatisfy(t -> assertThat(t.active()).isTrue());
    assertThat(r.traps()).extracting(t -> t.destinations().get(0).identity().name())
        .containsExactlyInAnyOrder("pod", "remote-node");
  }

  @Test
  void denyRuleOnTheBackend_isReported_butNoCompanionPretendsToFixIt() {
    String ext = service("externalIPs: [203.0.113.9]", "");
    String deny = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: no-web, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: client}}
          egressDeny:
          - toEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: edge, app: web}}]
        """;
    AuditReport r = audit(cluster(ext, deny), "kube-proxy-replacement", "true",
        "bpf-lb-sock-hostns-only", "true");
    assertThat(r.traps()).singleElement().satisfies(t -> assertThat(t.denyRule()).isTrue());
    assertThat(traps(r).get(0).message()).contains("no additive companion policy can fix this");
    assertThat(r.companions()).isEmpty();
  }

  @Test
  void hostNetworkBackend_getsAnEntitiesCompanion() {
    String ext = service("externalIPs: [203.0.113.9]", "");
    ClusterSnapshot c = Clusters.yaml(NODES,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: edge}",
        pod("app", "client-1", "client", "n1", "10.0.1.10", ""),
        pod("edge", "web-1", "web", "n2", "192.168.0.2", "hostNetwork: true"),
        CLIENT_POLICY, ext);
    AuditReport r = audit(c, "kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true");
    assertThat(r.traps()).singleElement().satisfies(t ->
        assertThat(t.destinations().get(0).identity().name()).isEqualTo("remote-node"));
    assertThat(r.companions().get(0).object().toString()).contains("toEntities=[host, remote-node]");
    assertThat(traps(audit(Clusters.withCompanions(c, r), "kube-proxy-replacement", "true",
        "bpf-lb-sock-hostns-only", "true"))).isEmpty();
  }

  @Test
  void addressClaimedByTwoServices_isReportedForTheOneTheDatapathTranslatesTo() {
    // web claims n2's address as an externalIP; zeta, a Node IPAM LoadBalancer, publishes it too.
    // Cilium translates the LoadBalancer frontend (as trace says): zeta's backends are the ones
    // the client reaches, so the finding and the companion name zeta, not web.
    String web = service("externalIPs: [198.51.100.2]", "");
    String zeta = """
        apiVersion: v1
        kind: Service
        metadata: {name: zeta, namespace: edge}
        spec:
          clusterIP: 10.96.0.70
          type: LoadBalancer
          loadBalancerClass: io.cilium/node
          selector: {app: zeta}
          ports: [{name: https, port: 443, targetPort: https}]
        """;
    AuditReport r = audit(cluster(web, zeta, pod("edge", "zeta-1", "zeta", "n2", "10.0.2.30", "")),
        "kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true");
    assertThat(traps(r)).filteredOn(f -> f.address().equals("198.51.100.2"))
        .isNotEmpty()
        .allSatisfy(f -> assertThat(f.service()).isEqualTo("edge/zeta"))
        .allSatisfy(f -> assertThat(f.extra().get("destinations").toString()).contains("zeta-1"));
    assertThat(r.companions()).extracting(Companion::name)
        .contains("allow-egress-to-edge-zeta").doesNotContain("allow-egress-to-edge-web");
  }

  @Test
  void activeOnly_leavesLatentTrapsOut() {
    String ext = service("externalIPs: [203.0.113.9]", "");
    ClusterSnapshot c = cluster(ext);
    assertThat(traps(audit(c, "cilium-version", "1.18"))).singleElement()
        .satisfies(f -> assertThat(f.active()).isFalse());
    AuditReport active = Audit.run(c, Map.of("cilium-version", "1.18"),
        new AuditOptions(NodeIpamOptions.reference(), false));
    assertThat(traps(active)).isEmpty();
  }
}

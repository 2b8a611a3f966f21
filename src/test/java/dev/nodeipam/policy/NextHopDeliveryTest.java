package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static dev.nodeipam.policy.TestCluster.servicePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.TranslationReason.Kind;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.render.text.NoteText;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An address Cilium leaves untranslated is still delivered to a backend by the next hop, and that
 * backend's ingress policy judges the flow as it arrives:
 *
 * <ul>
 *   <li>kube-proxy (kube-proxy replacement off) DNATs an externalIP or LoadBalancer address on the
 *       client's node (KUBE-SERVICES), a nodePort on the node owning the address (KUBE-NODEPORTS,
 *       local addresses only). With externalTrafficPolicy Cluster its KUBE-EXT chain masquerades
 *       traffic to external destinations (pkg/proxy/iptables/proxier.go, "masquerade traffic for
 *       ... external destinations"): the backend sees the delivering node. With Local, pod
 *       traffic is short-circuited to the cluster-wide chain without SNAT: it sees the client.
 *   <li>Cilium on the owning node (kube-proxy replacement on, an externalIP socket LB skipped for
 *       the CVE-2020-8554 mitigation, sock4_skip_xlate in bpf/bpf_sock.c): nodeport_lb4 in
 *       bpf/lib/nodeport.h translates it at the node's device; a backend there sees the client,
 *       one elsewhere the owning node (SNAT, non-DSR).
 * </ul>
 *
 * The local host always reaches local endpoints: Kubernetes mode turns allow-localhost=auto into
 * always (daemon/cmd: "k8s mode: Allowing localhost to reach local endpoints").
 */
class NextHopDeliveryTest {
  private static final String N1 = "192.168.0.1";
  private static final String N2 = "192.168.0.2";
  private static final String OUTSIDE = "203.0.113.9";
  private static final String[] KUBE_PROXY =
      {"kube-proxy-replacement", "false", "cilium-version", "1.18"};
  private static final String[] SOCKET_LB = {"kube-proxy-replacement", "true"};

  /** Client on n1; web-1 on n1, web-2 on n2; web admits only world on 8080. */
  private static TestCluster cluster(TrafficPolicy externalTrafficPolicy, String webIngress) {
    TestCluster c = new TestCluster()
        .node("n1", N1)
        .node("n2", N2)
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("web/web-1", "n1", "10.0.1.7", Map.of("app", "web"), port("http", 8080))
        .pod("web/web-2", "n2", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
        .service(Service.builder()
            .namespace("web")
            .name("web")
            .type(ServiceType.CLUSTER_IP)
            .externalTrafficPolicy(externalTrafficPolicy)
            .clusterIps(List.of("10.96.0.20"))
            .externalIps(List.of(N1, N2, OUTSIDE))
            .ports(List.of(servicePort(80, 8080)))
            .selector(Map.of("app", "web"))
            .source("test")
            .build());
    c.policy("""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web-in, namespace: web}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress:
          - %s
            toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
        """.formatted(webIngress));
    return c;
  }

  private static DestinationVerdict at(Verdict v, String backend) {
    return v.destinations().stream().filter(d -> d.endpoint().equals(backend)).findFirst()
        .orElseThrow();
  }

  @Test
  void kubeProxyMasqueradesWithClusterPolicySoTheBackendSeesTheDeliveringNode() {
    Verdict v = cluster(null, "fromEntities: [world]").trace("app/client", OUTSIDE, 80,
        KUBE_PROXY);
    assertThat(v.translation().translated()).isFalse();
    assertThat(v.destinations()).extracting(DestinationVerdict::endpoint)
        .containsExactlyInAnyOrder("web/web-1", "web/web-2");
    DestinationVerdict local = at(v, "web/web-1");
    DestinationVerdict remote = at(v, "web/web-2");
    // The sender's egress was judged on the address as Cilium saw it.
    assertThat(local.egressPeer().name()).isEqualTo("world");
    assertThat(local.delivery().by()).isEqualTo("kube-proxy on node n1");
    assertThat(local.delivery().dialledPort()).isEqualTo(80);
    assertThat(local.port()).isEqualTo(8080);
    // Same node: the SNAT source is the host, which always reaches local endpoints.
    assertThat(local.delivery().arrivingSource().name()).isEqualTo("host");
    assertThat(local.ingress().allowed()).isTrue();
    assertThat(local.ingress().reason()).contains("allow-localhost");
    // Another node: remote-node, which fromEntities world does not admit.
    assertThat(remote.delivery().arrivingSource().name()).isEqualTo("remote-node");
    assertThat(remote.ingress().allowed()).isFalse();
    assertThat(v.outcome()).isEqualTo(Outcome.PARTIAL);

    Verdict nodes = cluster(null, "fromEntities: [remote-node]").trace("app/client", OUTSIDE, 80,
        KUBE_PROXY);
    assertThat(nodes.outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void withLocalPolicyPodTrafficIsNotMasqueradedSoTheBackendSeesTheClient() {
    TestCluster c = cluster(TrafficPolicy.LOCAL, "fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: app, app: client}}]");
    Verdict v = c.trace("app/client", OUTSIDE, 80, KUBE_PROXY);
    assertThat(v.destinations()).hasSize(2).allSatisfy(d -> {
      assertThat(d.delivery().arrivingSource().isPod()).isTrue();
      assertThat(d.ingress().allowed()).isTrue();
    });
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    Verdict world = cluster(TrafficPolicy.LOCAL, "fromEntities: [world]").trace("app/client", OUTSIDE, 80,
        KUBE_PROXY);
    assertThat(world.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(world.dropReason()).isEqualTo(133);
  }

  @Test
  void aNodePortOnAnotherNodesAddressIsDeliveredByThatNodesKubeProxy() {
    TestCluster c = new TestCluster()
        .node("n1", N1)
        .node("n2", N2)
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("web/web-2", "n2", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
        .service(Service.builder()
            .namespace("web")
            .name("web")
            .type(ServiceType.NODE_PORT)
            .clusterIps(List.of("10.96.0.20"))
            .ports(List.of(new Service.ServicePort(null, "TCP", 80, PortRef.of(8080), 30080)))
            .selector(Map.of("app", "web"))
            .source("test")
            .build());
    Verdict v = c.trace("app/client", N2, 30080, KUBE_PROXY);
    assertThat(v.destinations()).singleElement().satisfies(d -> {
      assertThat(d.egressPeer().name()).isEqualTo("remote-node");
      assertThat(d.delivery().by()).isEqualTo("kube-proxy on node n2");
      // Masqueraded by n2 to a backend on n2: the host, allowed by allow-localhost.
      assertThat(d.delivery().arrivingSource().name()).isEqualTo("host");
      assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    });
  }

  @Test
  void aMitigatedExternalIpOfAnotherNodeIsTranslatedByThatNodeAndAnUnownedOneLeavesTheCluster() {
    TestCluster c = cluster(null, "fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: app, app: client}}]");
    Verdict v = c.trace("app/client", N2, 80, SOCKET_LB);
    assertThat(v.translation().reason().kind()).isEqualTo(Kind.EXTERNAL_IP_MITIGATED);
    DestinationVerdict onOwner = at(v, "web/web-2");
    DestinationVerdict elsewhere = at(v, "web/web-1");
    assertThat(onOwner.delivery().by()).startsWith("Cilium's NodePort load balancer on node n2");
    assertThat(onOwner.egressPeer().name()).isEqualTo("remote-node");
    // On the owning node the client arrives as itself; elsewhere SNATed to n2 (remote-node).
    assertThat(onOwner.delivery().arrivingSource().isPod()).isTrue();
    assertThat(onOwner.ingress().allowed()).isTrue();
    assertThat(elsewhere.delivery().arrivingSource().name()).isEqualTo("remote-node");
    assertThat(elsewhere.ingress().allowed()).isFalse();
    assertThat(v.outcome()).isEqualTo(Outcome.PARTIAL);

    Verdict outside = c.trace("app/client", OUTSIDE, 80, SOCKET_LB);
    assertThat(outside.destinations()).singleElement().satisfies(d -> {
      assertThat(d.delivery()).isNull();
      assertThat(d.identity().name()).isEqualTo("world");
    });
    assertThat(NoteText.sentences(outside.notes())).anyMatch(n -> n.contains("no node owns it"));
  }

  @Test
  void aLoadBalancerAddressWithIpModeProxyIsLeftToTheLoadBalancer() {
    TestCluster c = new TestCluster()
        .node("n1", N1)
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("web/web-1", "n1", "10.0.1.7", Map.of("app", "web"), port("http", 8080))
        .service("web/web", "10.96.0.20", Map.of("app", "web"), List.of(),
            List.of(new Service.LoadBalancerIngress("198.51.100.6", null, "Proxy")),
            servicePort(80, 8080));
    Verdict v = c.trace("app/client", "198.51.100.6", 80, KUBE_PROXY);
    assertThat(v.destinations()).singleElement()
        .satisfies(d -> assertThat(d.delivery()).isNull());
  }
}

package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.endpoint;
import static dev.nodeipam.policy.TestCluster.port;
import static dev.nodeipam.policy.TestCluster.servicePort;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Translation.Frontend;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.snapshot.Service;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Section 2 of the policy model: where Service translation happens, row by row. */
class TranslationTableTest {
  private static final String CLUSTER_IP = "10.96.0.20";
  private static final String OWN_NODE = "192.168.0.1";
  private static final String OTHER_NODE = "192.168.0.2";
  private static final String NOT_A_NODE = "203.0.113.9";
  private static final String LB_VIP = "198.51.100.5";
  private static final String LB_PROXY = "198.51.100.6";

  private static TestCluster cluster() {
    return new TestCluster()
        .node("n1", OWN_NODE)
        .node("n2", OTHER_NODE)
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("web/web-1", "n2", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
        .service(
            "web/web",
            CLUSTER_IP,
            Map.of("app", "web"),
            List.of(OWN_NODE, OTHER_NODE, NOT_A_NODE),
            List.of(
                new Service.LoadBalancerIngress(LB_VIP, null, "VIP"),
                new Service.LoadBalancerIngress(LB_PROXY, null, "Proxy")),
            servicePort(80, 8080));
  }

  private static void assertTranslated(Verdict v, Frontend frontend) {
    assertThat(v.translation().translated()).as(v.translation().reason()).isTrue();
    assertThat(v.translation().frontend()).isEqualTo(frontend);
    assertThat(v.translation().service()).isEqualTo("web/web");
    assertThat(v.destinations())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.endpoint()).isEqualTo("web/web-1");
              assertThat(d.identity().isPod()).isTrue();
              assertThat(d.port()).isEqualTo(8080);
            });
  }

  private static void assertNotTranslated(Verdict v, String identity) {
    assertThat(v.translation().translated()).as(v.translation().reason()).isFalse();
    DestinationVerdict d = v.destinations().get(0);
    // Cilium's policy sees the address itself; a next hop may deliver it to a backend later
    // (NextHopDeliveryTest).
    assertThat(d.egressPeer().name()).isEqualTo(identity);
    assertThat(d.delivery() == null ? d.port() : d.delivery().dialledPort()).isEqualTo(80);
  }

  private static final String[] SOCKET_LB = {"kube-proxy-replacement", "true"};
  private static final String[] HOSTNS_ONLY = {
    "kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true"
  };
  private static final String[] NO_SOCKET_LB = {
    "kube-proxy-replacement", "true", "bpf-lb-sock", "false"
  };
  /** Kube-proxy replacement off, Cilium 1.18: LoadBalancer and externalIP frontends are not installed. */
  private static final String[] KPR_FALSE =
      {"kube-proxy-replacement", "false", "cilium-version", "1.18"};

  /** Kube-proxy replacement off, Cilium 1.19: they are (reflectors/conversions.go). */
  private static final String[] KPR_FALSE_119 =
      {"kube-proxy-replacement", "false", "cilium-version", "1.19"};

  @Test
  void row1_clusterIpIsTranslatedUnderEveryDatapath() {
    TestCluster c = cluster();
    for (String[] s : List.of(SOCKET_LB, HOSTNS_ONLY, NO_SOCKET_LB, KPR_FALSE)) {
      assertTranslated(c.trace("app/client", CLUSTER_IP, 80, s), Frontend.CLUSTER_IP);
    }
  }

  @Test
  void row2_loadBalancerVipIsTranslatedWithKubeProxyReplacementOnly() {
    TestCluster c = cluster();
    for (String[] s : List.of(SOCKET_LB, HOSTNS_ONLY, NO_SOCKET_LB)) {
      assertTranslated(c.trace("app/client", LB_VIP, 80, s), Frontend.LOAD_BALANCER);
    }
    assertNotTranslated(c.trace("app/client", LB_VIP, 80, KPR_FALSE), "world");
  }

  @Test
  void row3_loadBalancerWithIpModeProxyIsNeverTranslated() {
    TestCluster c = cluster();
    for (String[] s : List.of(SOCKET_LB, HOSTNS_ONLY, NO_SOCKET_LB, KPR_FALSE)) {
      Verdict v = c.trace("app/client", LB_PROXY, 80, s);
      assertNotTranslated(v, "world");
      assertThat(v.translation().reason()).contains("ipMode: Proxy");
    }
  }

  @Test
  void row4_externalIpOfTheClientsOwnNodeIsTranslatedWithKubeProxyReplacement() {
    TestCluster c = cluster();
    for (String[] s : List.of(SOCKET_LB, HOSTNS_ONLY, NO_SOCKET_LB)) {
      assertTranslated(c.trace("app/client", OWN_NODE, 80, s), Frontend.EXTERNAL_IP);
    }
    assertNotTranslated(c.trace("app/client", OWN_NODE, 80, KPR_FALSE), "host");
  }

  @Test
  void row5_externalIpNotOnTheClientsNodeIsLeftAloneBySocketLb_cveMitigation() {
    TestCluster c = cluster();
    Verdict other = c.trace("app/client", OTHER_NODE, 80, SOCKET_LB);
    assertNotTranslated(other, "remote-node");
    assertThat(other.translation().reason()).contains("CVE-2020-8554");
    assertNotTranslated(c.trace("app/client", NOT_A_NODE, 80, SOCKET_LB), "world");
  }

  @Test
  void row5_externalIpNotOnTheClientsNodeIsTranslatedWhenTheMitigationIsDisabled() {
    TestCluster c = cluster();
    assertTranslated(
        c.trace(
            "app/client",
            NOT_A_NODE,
            80,
            "kube-proxy-replacement",
            "true",
            "disable-external-ip-mitigation",
            "true"),
        Frontend.EXTERNAL_IP);
  }

  @Test
  void row5_externalIpNotOnTheClientsNodeIsTranslatedByThePerPacketLoadBalancer() {
    TestCluster c = cluster();
    assertTranslated(c.trace("app/client", NOT_A_NODE, 80, HOSTNS_ONLY), Frontend.EXTERNAL_IP);
    assertTranslated(c.trace("app/client", OTHER_NODE, 80, NO_SOCKET_LB), Frontend.EXTERNAL_IP);
  }

  @Test
  void row5_externalIpIsNotTranslatedWithoutKubeProxyReplacement() {
    assertNotTranslated(cluster().trace("app/client", NOT_A_NODE, 80, KPR_FALSE), "world");
  }

  @Test
  void kubeProxyReplacementDefaultsToFalseAndOldValuesMapToTrueOrFalse() {
    TestCluster c = cluster();
    assertNotTranslated(c.trace("app/client", LB_VIP, 80, "cilium-version", "1.18"), "world");
    assertTranslated(
        c.trace("app/client", LB_VIP, 80, "kube-proxy-replacement", "strict"),
        Frontend.LOAD_BALANCER);
    for (String old : List.of("partial", "probe", "disabled")) {
      assertNotTranslated(
          c.trace("app/client", LB_VIP, 80, "kube-proxy-replacement", old, "cilium-version",
              "1.18"), "world");
    }
  }

  /**
   * Cilium 1.19's {@code convertService} ({@code pkg/loadbalancer/reflectors/conversions.go})
   * installs LoadBalancer and externalIP frontends whatever {@code kube-proxy-replacement} says
   * (only NodePort frontends need it), and the pod's per-packet load balancer translates them:
   * reported after 1.18 to 1.19 upgrades as kubermatic/kubermatic#15939.
   */
  @Test
  void cilium119TranslatesLoadBalancerAndExternalIpFrontendsEvenWithoutKubeProxyReplacement() {
    TestCluster c = cluster();
    assertTranslated(c.trace("app/client", LB_VIP, 80, KPR_FALSE_119), Frontend.LOAD_BALANCER);
    assertTranslated(c.trace("app/client", NOT_A_NODE, 80, KPR_FALSE_119), Frontend.EXTERNAL_IP);
    assertThat(c.trace("app/client", LB_VIP, 80, KPR_FALSE_119).translation().reason())
        .contains("kubermatic/kubermatic#15939");
    assertNotTranslated(c.trace("app/client", LB_PROXY, 80, KPR_FALSE_119), "world");
  }

  @Test
  void aFrontendOnAnotherPortIsNotTranslated() {
    Verdict v = cluster().trace("app/client", CLUSTER_IP, 443, SOCKET_LB);
    assertThat(v.translation().translated()).isFalse();
    assertThat(v.translation().reason()).contains("not for port 443");
  }

  @Test
  void namedTargetPortIsResolvedOnEachBackendsOwnContainerPorts() {
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE)
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod("web/web-1", "n1", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
            .pod("web/web-2", "n1", "10.0.2.8", Map.of("app", "web"), port("http", 9090))
            .service(
                "web/web",
                CLUSTER_IP,
                Map.of("app", "web"),
                List.of(),
                List.of(),
                servicePort("http", 80, "http"));
    Verdict v = c.trace("app/client", CLUSTER_IP, 80);
    assertThat(v.destinations())
        .extracting(DestinationVerdict::endpoint, DestinationVerdict::port)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("web/web-1", 8080),
            org.assertj.core.groups.Tuple.tuple("web/web-2", 9090));
  }

  @Test
  void backendsComeFromReadyEndpointSliceEndpointsWhenTheInputHasSlices() {
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE)
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod("web/web-1", "n1", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
            .pod("web/web-2", "n1", "10.0.2.8", Map.of("app", "web"), port("http", 8080))
            .pod("web/manual", "n1", "10.0.2.9", Map.of("app", "other"), port("http", 8080))
            .service(
                "web/web",
                CLUSTER_IP,
                Map.of("app", "web"),
                List.of(),
                List.of(),
                servicePort(80, 8080))
            .slice(
                "web/web",
                8080,
                endpoint("10.0.2.7", "web-1", true),
                endpoint("10.0.2.8", "web-2", false),
                endpoint("10.0.2.9", "manual", true));
    assertThat(c.trace("app/client", CLUSTER_IP, 80).destinations())
        .extracting(DestinationVerdict::endpoint)
        .containsExactlyInAnyOrder("web/web-1", "web/manual");
  }

  /**
   * A Service without a selector: its EndpointSlices' ports are the backends' ports, whatever
   * spec.ports[].targetPort says (Cilium takes backend ports from the slices, convertEndpoints in
   * pkg/loadbalancer/reflectors/conversions.go), even when the endpoint is a pod of the input.
   */
  @Test
  void aSelectorlessServiceTakesItsTargetPortsFromItsEndpointSlices() {
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE)
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod("web/db", "n1", "10.0.2.7", Map.of("app", "db"), port("pg", 5432))
            .service("web/db", CLUSTER_IP, null, List.of(), List.of(), servicePort(80, 8080))
            .slice("web/db", 5432, endpoint("10.0.2.7", "db", true));
    assertThat(c.trace("app/client", CLUSTER_IP, 80).destinations())
        .singleElement()
        .satisfies(d -> assertThat(d.port()).isEqualTo(5432));
  }

  /**
   * {@code enable-envoy-config} compiles ENABLE_L7_LB, and with it ENABLE_PER_PACKET_LB, into the
   * pod's datapath ({@code bpf/bpf_lxc.c}): an externalIP that socket LB leaves alone (CVE-2020-8554
   * mitigation) is translated per packet. {@code enable-sctp} does the same (ENABLE_SCTP).
   */
  @Test
  void enableEnvoyConfigAndEnableSctpTranslateTheExternalIpSocketLbSkipped() {
    TestCluster c = cluster();
    assertNotTranslated(c.trace("app/client", NOT_A_NODE, 80, SOCKET_LB), "world");
    for (String key : List.of("enable-envoy-config", "enable-sctp")) {
      Verdict v = c.trace("app/client", NOT_A_NODE, 80, "kube-proxy-replacement", "true", key,
          "true");
      assertTranslated(v, Frontend.EXTERNAL_IP);
      assertThat(v.translation().reason()).contains(key + "=true");
    }
  }

  /**
   * {@code internalTrafficPolicy: Local}: in-cluster clients reach only the backends on their own
   * node (the service's internal scope, convertService in
   * pkg/loadbalancer/reflectors/conversions.go; agent option enable-internal-traffic-policy,
   * default true); none there means the connection fails for lack of a backend, not by policy.
   */
  @Test
  void internalTrafficPolicyLocalKeepsClientsOnTheirNodesBackends() {
    Service local = Service.builder()
        .namespace("web")
        .name("web")
        .type("ClusterIP")
        .clusterIps(List.of(CLUSTER_IP))
        .ports(List.of(servicePort(80, 8080)))
        .selector(Map.of("app", "web"))
        .source("test")
        .internalTrafficPolicy("Local")
        .build();
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE)
            .node("n2", OTHER_NODE)
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod("app/far", "n2", "10.0.2.5", Map.of("app", "client"))
            .pod("web/web-1", "n1", "10.0.1.7", Map.of("app", "web"), port("http", 8080))
            .service(local);
    assertThat(c.trace("app/client", CLUSTER_IP, 80, SOCKET_LB).destinations())
        .extracting(DestinationVerdict::endpoint).containsExactly("web/web-1");
    Verdict far = c.trace("app/far", CLUSTER_IP, 80, SOCKET_LB);
    assertThat(far.destinations()).isEmpty();
    assertThat(far.dropReason()).isNull();
    assertThat(far.notes()).anyMatch(n -> n.contains("internalTrafficPolicy: Local"));
    assertThat(c.trace("app/far", CLUSTER_IP, 80, "kube-proxy-replacement", "true",
        "enable-internal-traffic-policy", "false").destinations()).hasSize(1);
  }

  @Test
  void backendsThatDisagreeGivePartial() {
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE)
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod(
                "web/web-1",
                "n1",
                "10.0.2.7",
                Map.of("app", "web", "tier", "a"),
                port("http", 8080))
            .pod(
                "web/web-2",
                "n1",
                "10.0.2.8",
                Map.of("app", "web", "tier", "b"),
                port("http", 8080))
            .service(
                "web/web",
                CLUSTER_IP,
                Map.of("app", "web"),
                List.of(),
                List.of(),
                servicePort(80, 8080))
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: only-a, namespace: app}
                spec:
                  endpointSelector: {}
                  egress:
                  - toEndpoints:
                    - matchLabels: {k8s:io.kubernetes.pod.namespace: web, tier: a}
                """);
    Verdict v = c.trace("app/client", CLUSTER_IP, 80);
    assertThat(v.outcome()).isEqualTo(Outcome.PARTIAL);
    assertThat(v.dropReason()).isNull();
  }

  @Test
  void aTranslatedServiceWithoutReadyBackendsIsDeniedWithANote() {
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE)
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .service(
                "web/web",
                CLUSTER_IP,
                Map.of("app", "web"),
                List.of(),
                List.of(),
                servicePort(80, 8080));
    Verdict v = c.trace("app/client", CLUSTER_IP, 80);
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.destinations()).isEmpty();
    assertThat(v.notes()).anyMatch(n -> n.contains("no ready backend"));
  }

  @Test
  void nodeIpamLoadBalancerAddressOfAnotherNodeIsTranslatedUnderKubeProxyReplacement() {
    // After migrating off externalIPs the same node address is a LoadBalancer ingress IP: the
    // CVE mitigation for externalIPs no longer applies, so the trap becomes certain.
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE)
            .node("n2", OTHER_NODE)
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod("web/web-1", "n2", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
            .service(
                "web/web",
                CLUSTER_IP,
                Map.of("app", "web"),
                List.of(),
                List.of(new Service.LoadBalancerIngress(OTHER_NODE, null, "VIP")),
                servicePort(80, 8080));
    assertTranslated(c.trace("app/client", OTHER_NODE, 80, SOCKET_LB), Frontend.LOAD_BALANCER);
    assertNotTranslated(c.trace("app/client", OTHER_NODE, 80, KPR_FALSE), "remote-node");
  }

  @Test
  void aBackendWithoutTheNamedTargetPortIsLeftOutWithANote() {
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE)
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod("web/web-1", "n1", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
            .pod("web/web-2", "n1", "10.0.2.8", Map.of("app", "web"), port("metrics", 9090))
            .service(
                "web/web",
                CLUSTER_IP,
                Map.of("app", "web"),
                List.of(),
                List.of(),
                servicePort("http", 80, "http"));
    Verdict v = c.trace("app/client", CLUSTER_IP, 80);
    assertThat(v.destinations())
        .extracting(DestinationVerdict::endpoint)
        .containsExactly("web/web-1");
    assertThat(v.notes()).anyMatch(n -> n.contains("web/web-2") && n.contains("\"http\""));
  }

  @Test
  void dualStack_anIpv6ClusterIpIsTranslatedToIpv6Backends() {
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE, "fd00::1")
            .pod("app/client", "n1", "10.0.1.5,fd00:10::5", Map.of("app", "client"))
            .pod("web/web-1", "n1", "10.0.2.7,fd00:10::7", Map.of("app", "web"), port("http", 8080))
            .service(
                "web/web",
                CLUSTER_IP + ",fd00:96::20",
                Map.of("app", "web"),
                List.of(),
                List.of(),
                servicePort(80, 8080));
    Verdict v = c.trace("app/client", "fd00:96::20", 80);
    assertThat(v.translation().translated()).isTrue();
    assertThat(v.destinations())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.endpoint()).isEqualTo("web/web-1");
              assertThat(d.port()).isEqualTo(8080);
              assertThat(d.identity().address().toCanonicalString()).isEqualTo("fd00:10::7");
            });
  }

  /**
   * A pod dialling a nodePort on its own or another node's address: socket LB looks the port up
   * as a wildcard NodePort frontend for host and remote-node addresses ({@code
   * sock4_wildcard_lookup} in {@code bpf/bpf_sock.c}), so policy sees the backends; without kube-proxy
   * replacement Cilium installs no NodePort frontend ({@code convertService}, {@code
   * pkg/loadbalancer/reflectors/conversions.go}) and the node itself is judged.
   */
  @Test
  void aNodePortOnANodeAddressIsTranslatedBySocketLb() {
    TestCluster c =
        new TestCluster()
            .node("n1", OWN_NODE)
            .node("n2", OTHER_NODE)
            .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
            .pod("web/web-1", "n2", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
            .service(
                "web/web",
                CLUSTER_IP,
                Map.of("app", "web"),
                List.of(),
                List.of(),
                new Service.ServicePort(
                    null, "TCP", 80, dev.nodeipam.snapshot.PortRef.of(8080), 30080));
    for (String node : List.of(OTHER_NODE, OWN_NODE)) {
      Verdict v = c.trace("app/client", node, 30080, SOCKET_LB);
      assertTranslated(v, Frontend.NODE_PORT);
      assertThat(v.destinations()).singleElement()
          .satisfies(d -> assertThat(d.port()).isEqualTo(8080));
      assertThat(v.translation().reason()).contains("sock4_wildcard_lookup");
    }
    for (Verdict v : List.of(c.trace("app/client", OTHER_NODE, 30080, KPR_FALSE),
        c.trace("app/client", OTHER_NODE, 30081, SOCKET_LB))) {
      assertThat(v.translation().translated()).isFalse();
      assertThat(v.destinations()).singleElement()
          .satisfies(d -> assertThat(d.egressPeer().name()).isEqualTo("remote-node"));
    }
  }
}

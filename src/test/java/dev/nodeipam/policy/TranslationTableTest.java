package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.endpoint;
import static dev.nodeipam.policy.TestCluster.port;
import static dev.nodeipam.policy.TestCluster.servicePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Translation.Frontend;
import dev.nodeipam.policy.explanation.TranslationReason.Balancer;
import dev.nodeipam.policy.explanation.TranslationReason.Kind;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.render.text.NoteText;
import dev.nodeipam.render.text.TranslationText;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Section 2 of the policy model: where Service translation happens, row by row. */
class TranslationTableTest {
  private static final String CLUSTER_IP = "10.96.0.20";
  private static final String OWN_NODE = "192.168.0.1";
  private static final String OTHER_NODE = "192.168.0.2";
  private static final String NOT_A_NODE = "203.0.113.9";
  private static final String LB_VIP = "198.51.100.5";
  private static final String LB_PROXY = "198.51.100.6";
  private static final Map<String, String> WEB = Map.of("app", "web");

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

  /** Node n1 (OWN_NODE) with the client pod app/client on it. */
  private static TestCluster clientOnOneNode() {
    return new TestCluster()
        .node("n1", OWN_NODE)
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"));
  }

  private static void assertTranslated(Verdict v, Frontend frontend) {
    assertThat(v.translation().translated()).as(TranslationText.sentence(v.translation().reason())).isTrue();
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
    assertThat(v.translation().translated()).as(TranslationText.sentence(v.translation().reason())).isFalse();
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

  /** The reason a row expects: its kind and, where it names one, the load balancer. */
  private record Because(Kind kind, Balancer balancer) {}

  /** One row of the table: a client of node n1 dials {@code address}:80 under {@code settings}. */
  private record Row(
      String name,
      Supplier<TestCluster> cluster,
      String address,
      String[] settings,
      Frontend frontend,
      String peer,
      Because reason) {
    /** The flow is translated to web/web-1:8080 through {@code frontend}. */
    static Row translated(String name, String address, String[] settings, Frontend frontend) {
      return new Row(name, TranslationTableTest::cluster, address, settings, frontend, null, null);
    }

    /** The flow is not translated: policy judges {@code peer}, the identity of the address. */
    static Row untranslated(String name, String address, String[] settings, String peer) {
      return new Row(name, TranslationTableTest::cluster, address, settings, null, peer, null);
    }

    /** The translation table decides by the row {@code kind}. */
    Row because(Kind kind) {
      return because(kind, null);
    }

    /** The translation table decides by the row {@code kind}, naming {@code balancer}. */
    Row because(Kind kind, Balancer balancer) {
      return new Row(name, cluster, address, settings, frontend, peer,
          new Because(kind, balancer));
    }

    Row in(Supplier<TestCluster> other) {
      return new Row(name, other, address, settings, frontend, peer, reason);
    }

    @Override
    public String toString() {
      StringBuilder set = new StringBuilder();
      for (int i = 0; i + 1 < settings.length; i += 2) {
        set.append(set.isEmpty() ? "" : ",").append(settings[i]).append('=')
            .append(settings[i + 1]);
      }
      return name + " [" + (set.isEmpty() ? "defaults" : set) + "]";
    }
  }

  private static String[] settings(String... keysAndValues) {
    return keysAndValues;
  }

  static Stream<Row> rows() {
    Stream.Builder<Row> rows = Stream.builder();
    for (String[] s : List.of(SOCKET_LB, HOSTNS_ONLY, NO_SOCKET_LB, KPR_FALSE)) {
      rows.add(Row.translated("row 1: clusterIP, every datapath", CLUSTER_IP, s,
          Frontend.CLUSTER_IP));
    }
    for (String[] s : List.of(SOCKET_LB, HOSTNS_ONLY, NO_SOCKET_LB)) {
      rows.add(Row.translated("row 2: LoadBalancer VIP, kube-proxy replacement", LB_VIP, s,
          Frontend.LOAD_BALANCER));
    }
    rows.add(Row.untranslated("row 2: LoadBalancer VIP, no kube-proxy replacement", LB_VIP,
        KPR_FALSE, "world"));
    for (String[] s : List.of(SOCKET_LB, HOSTNS_ONLY, NO_SOCKET_LB, KPR_FALSE)) {
      rows.add(Row.untranslated("row 3: LoadBalancer with ipMode Proxy, never", LB_PROXY, s,
          "world").because(Kind.LOAD_BALANCER_PROXY));
    }
    for (String[] s : List.of(SOCKET_LB, HOSTNS_ONLY, NO_SOCKET_LB)) {
      rows.add(Row.translated("row 4: externalIP of the client's own node", OWN_NODE, s,
          Frontend.EXTERNAL_IP));
    }
    rows.add(Row.untranslated("row 4: externalIP of the client's own node, no kube-proxy "
        + "replacement", OWN_NODE, KPR_FALSE, "host"));
    rows.add(Row.untranslated("row 5: externalIP of another node, socket LB's CVE mitigation",
        OTHER_NODE, SOCKET_LB, "remote-node").because(Kind.EXTERNAL_IP_MITIGATED));
    rows.add(Row.untranslated("row 5: externalIP of no node, socket LB's CVE mitigation",
        NOT_A_NODE, SOCKET_LB, "world"));
    rows.add(Row.translated("row 5: externalIP of no node, the mitigation disabled", NOT_A_NODE,
        settings("kube-proxy-replacement", "true", "disable-external-ip-mitigation", "true"),
        Frontend.EXTERNAL_IP));
    rows.add(Row.translated("row 5: externalIP of no node, the per-packet load balancer",
        NOT_A_NODE, HOSTNS_ONLY, Frontend.EXTERNAL_IP));
    rows.add(Row.translated("row 5: externalIP of another node, the per-packet load balancer",
        OTHER_NODE, NO_SOCKET_LB, Frontend.EXTERNAL_IP));
    rows.add(Row.untranslated("row 5: externalIP, no kube-proxy replacement", NOT_A_NODE,
        KPR_FALSE, "world"));
    // kube-proxy-replacement defaults to false; old values map to true or false.
    rows.add(Row.untranslated("kube-proxy-replacement unset means false", LB_VIP,
        settings("cilium-version", "1.18"), "world"));
    rows.add(Row.translated("kube-proxy-replacement=strict means true", LB_VIP,
        settings("kube-proxy-replacement", "strict"), Frontend.LOAD_BALANCER));
    for (String old : List.of("partial", "probe", "disabled")) {
      rows.add(Row.untranslated("kube-proxy-replacement=" + old + " means false", LB_VIP,
          settings("kube-proxy-replacement", old, "cilium-version", "1.18"), "world"));
    }
    // Cilium 1.19's convertService (pkg/loadbalancer/reflectors/conversions.go) installs
    // LoadBalancer and externalIP frontends whatever kube-proxy-replacement says (only NodePort
    // frontends need it), and the pod's per-packet load balancer translates them: reported after
    // 1.18 to 1.19 upgrades as kubermatic/kubermatic#15939.
    rows.add(Row.translated("Cilium 1.19: LoadBalancer VIP without kube-proxy replacement",
        LB_VIP, KPR_FALSE_119, Frontend.LOAD_BALANCER).because(Kind.LOAD_BALANCER_WITHOUT_KPR));
    rows.add(Row.translated("Cilium 1.19: externalIP without kube-proxy replacement", NOT_A_NODE,
        KPR_FALSE_119, Frontend.EXTERNAL_IP));
    rows.add(Row.untranslated("Cilium 1.19: ipMode Proxy without kube-proxy replacement",
        LB_PROXY, KPR_FALSE_119, "world"));
    // enable-envoy-config compiles ENABLE_L7_LB, and with it ENABLE_PER_PACKET_LB, into the pod's
    // datapath (bpf/bpf_lxc.c): an externalIP that socket LB leaves alone (CVE-2020-8554
    // mitigation) is translated per packet. enable-sctp does the same (ENABLE_SCTP).
    rows.add(Row.untranslated("externalIP socket LB skips, without envoy or SCTP", NOT_A_NODE,
        SOCKET_LB, "world"));
    for (Map.Entry<String, Balancer> key : List.of(
        Map.entry("enable-envoy-config", Balancer.POD_ENVOY),
        Map.entry("enable-sctp", Balancer.POD_SCTP))) {
      rows.add(Row.translated("externalIP socket LB skips, translated per packet by "
          + key.getKey(), NOT_A_NODE, settings("kube-proxy-replacement", "true", key.getKey(),
          "true"), Frontend.EXTERNAL_IP).because(Kind.EXTERNAL_IP, key.getValue()));
    }
    // After migrating off externalIPs the same node address is a LoadBalancer ingress IP: the
    // CVE mitigation for externalIPs no longer applies, so the trap becomes certain.
    rows.add(Row.translated("Node IPAM LoadBalancer address of another node", OTHER_NODE,
        SOCKET_LB, Frontend.LOAD_BALANCER).in(TranslationTableTest::nodeIpamCluster));
    rows.add(Row.untranslated("Node IPAM LoadBalancer address of another node, no kube-proxy "
        + "replacement", OTHER_NODE, KPR_FALSE, "remote-node")
        .in(TranslationTableTest::nodeIpamCluster));
    return rows.build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void translationTable(Row row) {
    // The case's name heads any failure: the XML report shows only its index.
    assertAll(
        row.toString(),
        () -> {
            Verdict v = row.cluster().get().trace("app/client", row.address(), 80, row.settings());
            if (row.frontend() != null) {
              assertTranslated(v, row.frontend());
            } else {
              assertNotTranslated(v, row.peer());
            }
            if (row.reason() != null) {
              assertThat(v.translation().reason().kind()).isEqualTo(row.reason().kind());
              if (row.reason().balancer() != null) {
                assertThat(v.translation().reason().balancer())
                    .isEqualTo(row.reason().balancer());
              }
            }
        });
  }

  @Test
  void aFrontendOnAnotherPortIsNotTranslated() {
    Verdict v = cluster().trace("app/client", CLUSTER_IP, 443, SOCKET_LB);
    assertThat(v.translation().translated()).isFalse();
    assertThat(v.translation().reason().kind()).isEqualTo(Kind.OTHER_PORT);
    assertThat(v.translation().reason().port()).isEqualTo(443);
  }

  @Test
  void namedTargetPortIsResolvedOnEachBackendsOwnContainerPorts() {
    TestCluster c =
        clientOnOneNode()
            .pod("web/web-1", "n1", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
            .pod("web/web-2", "n1", "10.0.2.8", Map.of("app", "web"), port("http", 9090))
            .service(
                "web/web", CLUSTER_IP, WEB, List.of(), List.of(), servicePort("http", 80, "http"));
    Verdict v = c.trace("app/client", CLUSTER_IP, 80);
    assertThat(v.destinations())
        .extracting(DestinationVerdict::endpoint, DestinationVerdict::port)
        .containsExactlyInAnyOrder(
            Tuple.tuple("web/web-1", 8080),
            Tuple.tuple("web/web-2", 9090));
  }

  @Test
  void backendsComeFromReadyEndpointSliceEndpointsWhenTheInputHasSlices() {
    TestCluster c =
        clientOnOneNode()
            .pod("web/web-1", "n1", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
            .pod("web/web-2", "n1", "10.0.2.8", Map.of("app", "web"), port("http", 8080))
            .pod("web/manual", "n1", "10.0.2.9", Map.of("app", "other"), port("http", 8080))
            .service("web/web", CLUSTER_IP, WEB, List.of(), List.of(), servicePort(80, 8080))
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
        clientOnOneNode()
            .pod("web/db", "n1", "10.0.2.7", Map.of("app", "db"), port("pg", 5432))
            .service("web/db", CLUSTER_IP, null, List.of(), List.of(), servicePort(80, 8080))
            .slice("web/db", 5432, endpoint("10.0.2.7", "db", true));
    assertThat(c.trace("app/client", CLUSTER_IP, 80).destinations())
        .singleElement()
        .satisfies(d -> assertThat(d.port()).isEqualTo(5432));
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
        .type(ServiceType.CLUSTER_IP)
        .clusterIps(List.of(CLUSTER_IP))
        .ports(List.of(servicePort(80, 8080)))
        .selector(Map.of("app", "web"))
        .source("test")
        .internalTrafficPolicy(TrafficPolicy.LOCAL)
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
    assertThat(NoteText.sentences(far.notes())).anyMatch(n -> n.contains("internalTrafficPolicy: Local"));
    assertThat(c.trace("app/far", CLUSTER_IP, 80, "kube-proxy-replacement", "true",
        "enable-internal-traffic-policy", "false").destinations()).hasSize(1);
  }

  @Test
  void backendsThatDisagreeGivePartial() {
    TestCluster c =
        clientOnOneNode()
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
            .service("web/web", CLUSTER_IP, WEB, List.of(), List.of(), servicePort(80, 8080))
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
        clientOnOneNode()
            .service("web/web", CLUSTER_IP, WEB, List.of(), List.of(), servicePort(80, 8080));
    Verdict v = c.trace("app/client", CLUSTER_IP, 80);
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.destinations()).isEmpty();
    assertThat(NoteText.sentences(v.notes())).anyMatch(n -> n.contains("no ready backend"));
  }

  /** The Service after migration: node n2's address is its LoadBalancer ingress IP. */
  private static TestCluster nodeIpamCluster() {
    return new TestCluster()
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
  }

  @Test
  void aBackendWithoutTheNamedTargetPortIsLeftOutWithANote() {
    TestCluster c =
        clientOnOneNode()
            .pod("web/web-1", "n1", "10.0.2.7", Map.of("app", "web"), port("http", 8080))
            .pod("web/web-2", "n1", "10.0.2.8", Map.of("app", "web"), port("metrics", 9090))
            .service(
                "web/web", CLUSTER_IP, WEB, List.of(), List.of(), servicePort("http", 80, "http"));
    Verdict v = c.trace("app/client", CLUSTER_IP, 80);
    assertThat(v.destinations())
        .extracting(DestinationVerdict::endpoint)
        .containsExactly("web/web-1");
    assertThat(NoteText.sentences(v.notes())).anyMatch(n -> n.contains("web/web-2") && n.contains("\"http\""));
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
                    null, "TCP", 80, PortRef.of(8080), 30080));
    for (String node : List.of(OTHER_NODE, OWN_NODE)) {
      Verdict v = c.trace("app/client", node, 30080, SOCKET_LB);
      assertTranslated(v, Frontend.NODE_PORT);
      assertThat(v.destinations()).singleElement()
          .satisfies(d -> assertThat(d.port()).isEqualTo(8080));
      assertThat(v.translation().reason().kind()).isEqualTo(Kind.NODE_PORT);
      assertThat(v.translation().reason().balancer()).isEqualTo(Balancer.SOCKET_LB);
    }
    for (Verdict v : List.of(c.trace("app/client", OTHER_NODE, 30080, KPR_FALSE),
        c.trace("app/client", OTHER_NODE, 30081, SOCKET_LB))) {
      assertThat(v.translation().translated()).isFalse();
      assertThat(v.destinations()).singleElement()
          .satisfies(d -> assertThat(d.egressPeer().name()).isEqualTo("remote-node"));
    }
  }
}

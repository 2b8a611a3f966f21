package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.TranslationReason.Balancer;
import dev.nodeipam.policy.explanation.TranslationReason.Kind;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.render.text.TranslationText;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pod dialling {@code <node address>:<nodePort>} when socket LB does not translate for pods
 * (kube-proxy replacement on, socket LB off or {@code bpf-lb-sock-hostns-only=true}).
 *
 * <p>Cilium 1.20 load-balances it at the client pod's per-packet load balancer for non-DSR
 * services too (cilium/cilium#44507; the 1.20 upgrade notes, "Changes to Features": "in-cluster
 * connections to NodePort services by regular pods are now immediately load-balanced when network
 * traffic leaves the client pod"): egress needs the backends, the backend's ingress the client.
 * Before, the pod's load balancer had no wildcard NodePort lookup for another node's address
 * ({@code lb4_lookup_wildcard_nodeport_service} in {@code bpf/lib/lb.h}, used in {@code
 * bpf_lxc.c} for DSR services only since #41963): egress saw that node (remote-node, the
 * nodePort), and that node's NodePort load balancer delivered it; #44507's description says the
 * backends had to "allow WORLD for serving in-cluster clients". The client's own node's address
 * has an exact NodePort frontend in every release ({@code 1.1.1.1:30781} in {@code
 * pkg/loadbalancer/tests/testdata/nodeport.txtar}); socket LB's wildcard lookup ({@code
 * sock4_wildcard_lookup}, {@code bpf/bpf_sock.c}) translates for pods in every release, and for
 * hostNetwork clients also with hostns-only. The bpf test {@code bpf/tests/tc_lxc_lb4_nodeport.c}
 * ("Pod -> Remote NodePort -> Local backend") is the 1.20 case.
 */
class NodePortSourceLbTest {
  private static final String OWN = "192.168.0.1";
  private static final String OTHER = "192.168.0.2";
  private static final String THIRD = "192.168.0.3";
  private static final String[] SOCKET_LB = {};
  private static final String[] HOSTNS_ONLY = {"bpf-lb-sock-hostns-only", "true"};
  private static final String[] NO_SOCKET_LB = {"bpf-lb-sock", "false"};

  /**
   * Client pods on n1 (one regular, one hostNetwork), the backend on n2, n3 with neither. The
   * client may send only to the web pods; web admits only the client pod. With {@code nodeView} the policies
   * are what an author wrote for the pre-1.20 path instead: egress to remote-node, ingress from
   * world.
   */
  private static TestCluster cluster(boolean nodeView) {
    TestCluster c = new TestCluster()
        .node("n1", OWN)
        .node("n2", OTHER)
        .node("n3", THIRD)
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("app/host-client", "n1", OWN, Map.of("app", "client"), "default", true)
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
    c.policy("""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: client-out, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: client}}
          egress:
          - %s
        """.formatted(nodeView
        ? "toEntities: [remote-node]"
        : "toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: web, app: web}}]\n"
            + "    toPorts: [{ports: [{port: \"8080\", protocol: TCP}]}]"));
    c.policy("""
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web-in, namespace: web}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress:
          - %s
            toPorts: [{ports: [{port: "8080", protocol: TCP}]}]
        """.formatted(nodeView
        ? "fromEntities: [world]"
        : "fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: app, app: client}}]"));
    return c;
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // socket LB for pods: translated at connect() in both releases
        Arguments.of("1.19", "socket LB", SOCKET_LB, "app/client", OTHER,
            Kind.NODE_PORT, Balancer.SOCKET_LB, Outcome.ALLOWED),
        Arguments.of("1.20", "socket LB", SOCKET_LB, "app/client", OTHER,
            Kind.NODE_PORT, Balancer.SOCKET_LB, Outcome.ALLOWED),
        // hostns-only: 1.19 leaves another node's nodePort to that node, 1.20 translates
        Arguments.of("1.19", "hostns-only", HOSTNS_ONLY, "app/client", OTHER,
            Kind.NODE_PORT_AT_NODE, Balancer.POD_HOSTNS_ONLY, Outcome.DENIED),
        Arguments.of("1.20", "hostns-only", HOSTNS_ONLY, "app/client", OTHER,
            Kind.NODE_PORT, Balancer.POD_HOSTNS_ONLY, Outcome.ALLOWED),
        Arguments.of("1.19", "off", NO_SOCKET_LB, "app/client", OTHER,
            Kind.NODE_PORT_AT_NODE, Balancer.POD_NO_SOCKET_LB, Outcome.DENIED),
        Arguments.of("1.20", "off", NO_SOCKET_LB, "app/client", OTHER,
            Kind.NODE_PORT, Balancer.POD_NO_SOCKET_LB, Outcome.ALLOWED),
        Arguments.of("1.14", "off", NO_SOCKET_LB, "app/client", OTHER,
            Kind.NODE_PORT_AT_NODE, Balancer.POD_NO_SOCKET_LB, Outcome.DENIED),
        // the client's own node's address: an exact NodePort frontend in every release
        Arguments.of("1.19", "hostns-only", HOSTNS_ONLY, "app/client", OWN,
            Kind.NODE_PORT, Balancer.POD_HOSTNS_ONLY, Outcome.ALLOWED),
        Arguments.of("1.19", "off", NO_SOCKET_LB, "app/client", OWN,
            Kind.NODE_PORT, Balancer.POD_NO_SOCKET_LB, Outcome.ALLOWED),
        // hostNetwork clients are no "regular pods": socket LB in the host namespace translates
        // for them, and web admits no node identity, in both releases
        Arguments.of("1.19", "hostns-only", HOSTNS_ONLY, "app/host-client", OTHER,
            Kind.NODE_PORT, Balancer.SOCKET_LB, Outcome.DENIED),
        Arguments.of("1.20", "hostns-only", HOSTNS_ONLY, "app/host-client", OTHER,
            Kind.NODE_PORT, Balancer.SOCKET_LB, Outcome.DENIED),
        Arguments.of("1.19", "socket LB", SOCKET_LB, "app/host-client", OTHER,
            Kind.NODE_PORT, Balancer.SOCKET_LB, Outcome.DENIED));
  }

  private static String[] settings(String version, String[] mode) {
    return Stream.concat(Stream.of("kube-proxy-replacement", "true", "cilium-version", version),
        Stream.of(mode)).toArray(String[]::new);
  }

  @ParameterizedTest(name = "Cilium {0}, socket LB {1}, {3} -> {4}:30080")
  @MethodSource("table")
  void whereTheNodePortIsTranslatedDecidesTheVerdict(String version, String mode,
      String[] modeSettings, String client, String address, Kind kind, Balancer balancer,
      Outcome outcome) {
    Verdict v = cluster(false).trace(client, address, 30080, settings(version, modeSettings));
    assertThat(v.translation().reason().kind()).isEqualTo(kind);
    assertThat(v.translation().reason().balancer()).isEqualTo(balancer);
    assertThat(v.translation().translated()).isEqualTo(kind == Kind.NODE_PORT);
    assertThat(v.outcome()).isEqualTo(outcome);
    assertThat(TranslationText.sentence(v.translation().reason()))
        .contains(kind == Kind.NODE_PORT_AT_NODE ? "before Cilium 1.20" : "nodePort 30080");
    if (kind == Kind.NODE_PORT) {
      assertThat(v.destinations()).singleElement().satisfies(d -> {
        assertThat(d.endpoint()).isEqualTo("web/web-2");
        assertThat(d.port()).isEqualTo(8080);
      });
    } else {
      // Before 1.20: egress judged on the node and the nodePort, then delivered by n2.
      DestinationVerdict d = v.destinations().get(0);
      assertThat(d.egressPeer().name()).isEqualTo("remote-node");
      assertThat(d.delivery().dialledPort()).isEqualTo(30080);
      assertThat(d.delivery().by()).contains("NodePort load balancer on node n2");
      assertThat(d.egress().allowed()).isFalse();
    }
  }

  /**
   * The upgrade note's consequence: policies written for the pre-1.20 path (egress to
   * remote-node, ingress from world) allow the flow before 1.20 and drop it from 1.20, when the
   * client's egress must allow the backends and their ingress the client. The dialled node n3
   * has no backend: its NodePort load balancer SNATs the flow to web-2 on n2, which sees world
   * (#44507's description); a backend on the dialled node itself sees the client (no SNAT).
   */
  @ParameterizedTest(name = "Cilium {0}, socket LB {1}")
  @MethodSource("perPacket")
  void policiesWrittenForTheNodeSeeTheChange(String version, String mode, String[] modeSettings,
      Outcome outcome) {
    Verdict v = cluster(true).trace("app/client", THIRD, 30080, settings(version, modeSettings));
    assertThat(v.outcome()).isEqualTo(outcome);
    if (outcome == Outcome.ALLOWED) {
      DestinationVerdict d = v.destinations().get(0);
      assertThat(d.endpoint()).isEqualTo("web/web-2");
      assertThat(d.delivery().arrivingSource().name()).isEqualTo("world");
      assertThat(d.delivery().by()).isEqualTo("Cilium's NodePort load balancer on node n3");
      assertThat(d.port()).isEqualTo(8080);
    }
    Verdict onBackendNode =
        cluster(true).trace("app/client", OTHER, 30080, settings(version, modeSettings));
    assertThat(onBackendNode.outcome()).isEqualTo(Outcome.DENIED);
    onBackendNode.destinations().stream().filter(d -> d.delivery() != null).forEach(d ->
        assertThat(d.delivery().arrivingSource().isPod()).isTrue());
  }

  /**
   * #44507 changes the path of "regular pods" only (the upgrade note's words): a hostNetwork
   * client is judged alike by 1.19 and 1.20 under every socket LB setting, on either address.
   * (Where a hostNetwork client's nodePort is translated with socket LB off altogether is not
   * what #44507 changes; the engine's answer for it is the same in both releases.)
   */
  @ParameterizedTest(name = "socket LB {0}, hostNetwork client -> {2}")
  @MethodSource("hostClient")
  void aHostNetworkClientIsJudgedAlikeBeforeAndAfter(String mode, String[] modeSettings,
      String address) {
    for (boolean nodeView : List.of(false, true)) {
      Verdict before = cluster(nodeView).trace("app/host-client", address, 30080,
          settings("1.19", modeSettings));
      Verdict after = cluster(nodeView).trace("app/host-client", address, 30080,
          settings("1.20", modeSettings));
      assertThat(after.translation()).isEqualTo(before.translation());
      assertThat(after.outcome()).isEqualTo(before.outcome());
      assertThat(after.destinations()).extracting(DestinationVerdict::endpoint)
          .isEqualTo(before.destinations().stream().map(DestinationVerdict::endpoint).toList());
    }
  }

  static Stream<Arguments> hostClient() {
    return Stream.of(SOCKET_LB, HOSTNS_ONLY, NO_SOCKET_LB).flatMap(m -> Stream.of(OWN, OTHER,
        THIRD).map(a -> Arguments.of(m.length == 0 ? "on" : m[0] + "=" + m[1], m, a)));
  }

  static Stream<Arguments> perPacket() {
    return Stream.of(
        Arguments.of("1.19", "hostns-only", HOSTNS_ONLY, Outcome.ALLOWED),
        Arguments.of("1.19", "off", NO_SOCKET_LB, Outcome.ALLOWED),
        Arguments.of("1.20", "hostns-only", HOSTNS_ONLY, Outcome.DENIED),
        Arguments.of("1.20", "off", NO_SOCKET_LB, Outcome.DENIED),
        Arguments.of("1.19", "socket LB", SOCKET_LB, Outcome.DENIED));
  }
}

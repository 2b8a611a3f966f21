package dev.nodeipam.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.diff.Diff;
import dev.nodeipam.diff.Item;
import dev.nodeipam.diff.ItemType;
import dev.nodeipam.diff.Locator;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.render.TraceRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.testing.YamlClusters;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A peer admits the world identity whenever the engine's matching selects it, whatever kind of
 * peer it is ({@link WorldPeer}): a negative-only endpoint selector the agent added no term to,
 * a {@code reserved:world} selector, the {@code all} entity, a rule with no L3 selector. For each
 * peer, {@code trace}'s {@code identityTrap}, the {@code audit} finding and {@code diff}'s
 * introduced trap say the same, and the release decides where the agent's added terms keep world
 * out. Sources: {@code getEndpointSelector} and {@code addClusterFilterByDefault} in {@code
 * pkg/k8s/apis/cilium.io/utils/utils.go} with {@code Test_ParseToCiliumRule} in its {@code
 * utils_test.go} (set-any-source-for-namespace, wildcard-to-from-endpoints-with-ccnp,
 * set-cluster-by-default); {@code parseNetworkPolicyPeer} in {@code pkg/k8s/network_policy.go}
 * and cilium/cilium#46949 (negative-only namespace selectors over-select non-endpoint
 * identities); the reserved identities' labels in {@code pkg/labels/labels.go} ({@code
 * reserved:world}) and {@code pkg/identity/numericidentity.go}; the entity {@code all} in {@code
 * pkg/policy/api/entity.go} ({@code EntitySelectorMapping}); the policy-default-local-cluster
 * default from 1.19 (cilium/cilium#40609).
 */
class WorldAdmittingPeerTrapTest {
  private static final String ADDRESS = "203.0.113.9";
  private static final String CLIENT = "app/client-0";

  private static final String SERVICE = TrapRulesTest.service(
      "type: LoadBalancer\n  loadBalancerClass: example.com/metal",
      "status: {loadBalancer: {ingress: [{ip: 203.0.113.9}]}}");

  /** A CiliumNetworkPolicy of the client pods in namespace app, with these rules. */
  private static String clientCnp(String rules) {
    return YamlClusters.APP_CILIUM_POLICY.formatted("client-out", "client", rules);
  }

  private static final String CLIENT_CCNP = """
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: client-out}
      spec:
        endpointSelector: {matchLabels: {app: client}}
        %s
      """;

  /** A NetworkPolicy of the client pods in namespace app, with these egress rules. */
  private static String clientNp(String egress) {
    return YamlClusters.EGRESS_NETWORK_POLICY.formatted("client-out", "client", egress);
  }

  private static final String WEB_CNP = """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: web-in, namespace: edge}
      spec:
        endpointSelector: {matchLabels: {app: web}}
        %s
      """;

  private static final String WEB_NP = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web-in, namespace: edge}
      spec:
        podSelector: {matchLabels: {app: web}}
        policyTypes: [Ingress]
        ingress:
        %s
      """;

  private static final String NS_NOT_IN_EDGE = "{matchExpressions: [{key: "
      + "io.kubernetes.pod.namespace, operator: NotIn, values: [edge]}]}";
  private static final String NS_AND_CLUSTER_NOT_IN = "{matchExpressions: [{key: "
      + "io.kubernetes.pod.namespace, operator: NotIn, values: [edge]}, {key: "
      + "io.cilium.k8s.policy.cluster, operator: NotIn, values: [other]}]}";

  /**
   * A policy, the release and settings, the trapped side (null: none), and the source the row
   * follows.
   */
  record Row(String source, String policy, String version, String[] set, String side) {
    @Override
    public String toString() {
      return source + " @" + version + (set.length > 0 ? " " + String.join("=", set) : "")
          + ": " + (side == null ? "no trap" : side + " trap");
    }
  }

  private static Row row(String source, String policy, String version, String side,
      String... set) {
    return new Row(source, policy, version, set, side);
  }

  static Stream<Row> rows() {
    String nsNotIn = clientCnp("egress:\n  - toEndpoints: [" + NS_NOT_IN_EDGE + "]");
    String nsGone = clientCnp("egress:\n  - toEndpoints: [{matchExpressions: [{key: "
        + "k8s:io.kubernetes.pod.namespace, operator: DoesNotExist}]}]");
    String bothNotIn =
        clientCnp("egress:\n  - toEndpoints: [" + NS_AND_CLUSTER_NOT_IN + "]");
    String pinned = clientCnp("egress:\n  - toEndpoints: [{matchExpressions: [{key: "
        + "app, operator: NotIn, values: [web]}]}]");
    String ccnpWild = CLIENT_CCNP.formatted("egress:\n  - toEndpoints: [{}]");
    String ccnpNotIn = CLIENT_CCNP.formatted("egress:\n  - toEndpoints: [" + NS_NOT_IN_EDGE + "]");
    String reservedWorld = clientCnp(
        "egress:\n  - toEndpoints: [{matchLabels: {reserved:world: \"\"}}]");
    String allOn443 = clientCnp(
        "egress:\n  - toEntities: [all]\n    toPorts: [{ports: [{port: \"443\"}]}]");
    String allDenyWeb = clientCnp("egress:\n  - toEntities: [all]\n"
        + "  egressDeny:\n  - toEndpoints: [{matchLabels: {app: web, "
        + "k8s:io.kubernetes.pod.namespace: edge}}]");
    String clusterOnly = clientCnp("egress:\n  - toEntities: [cluster]\n"
        + "    toPorts: [{ports: [{port: \"443\"}]}]");
    String noTo = clientNp("- ports: [{port: 443}]");
    String npNsNotIn = clientNp("- to: [{namespaceSelector: {matchExpressions: [{key: "
        + "kubernetes.io/metadata.name, operator: NotIn, values: [edge]}]}}]");
    String webAllDenyClient = WEB_CNP.formatted("ingress:\n  - fromEntities: [all]\n"
        + "  ingressDeny:\n  - fromEndpoints: [{matchLabels: {app: client, "
        + "k8s:io.kubernetes.pod.namespace: app}}]");
    String webNotApp = WEB_CNP.formatted("ingress:\n  - fromEndpoints: [{matchExpressions: "
        + "[{key: io.kubernetes.pod.namespace, operator: NotIn, values: [app]}]}]");
    String webNpNotApp = WEB_NP.formatted("- from: [{namespaceSelector: {matchExpressions: [{key: "
        + "kubernetes.io/metadata.name, operator: NotIn, values: [app]}]}}]");
    String local = "policy-default-local-cluster";
    String e = "egress";
    String i = "ingress";
    return Stream.of(
        row("set-any-source-for-namespace: a namespace key stops the namespace term", nsNotIn,
            "1.18", e),
        row("set-any-source-for-namespace, 1.14", nsNotIn, "1.14", e),
        row("set-cluster-by-default: 1.19 adds the cluster term world lacks", nsNotIn, "1.19",
            null),
        row("set-cluster-by-default: 1.20 adds the cluster term world lacks", nsNotIn, "1.20",
            null),
        row("policy-default-local-cluster turned off (#40609)", nsNotIn, "1.20", e, local,
            "false"),
        row("policy-default-local-cluster opted in on 1.18 (#39338)", nsNotIn, "1.18", null,
            local, "true"),
        row("cluster key negative too: no cluster term (#46949 case 2)", bothNotIn, "1.20", e),
        row("namespace DoesNotExist: only identities without a namespace", nsGone, "1.18", e),
        row("parse-in-namespace: no namespace key, pinned to app", pinned, "1.18", null),
        row("wildcard-to-from-endpoints-with-ccnp: namespace Exists, never world", ccnpWild,
            "1.20", null),
        row("CCNP peer with namespace NotIn: no Exists term", ccnpNotIn, "1.18", e),
        row("reserved:world label (pkg/labels), no term added", reservedWorld, "1.20", e),
        row("entity all on 443, backend on 8443", allOn443, "1.20", e),
        row("entity all with a deny of the backend", allDenyWeb, "1.16", e),
        row("entity cluster excludes world", clusterOnly, "1.20", null),
        row("NetworkPolicy egress rule without to: every peer", noTo, "1.20", e),
        row("NetworkPolicy negative-only namespaceSelector (#46949 case 1)", npNsNotIn, "1.18",
            e),
        row("NetworkPolicy negative-only namespaceSelector, cluster term of 1.19", npNsNotIn,
            "1.19", null),
        row("backend admits all, denies the client", webAllDenyClient, "1.20", i),
        row("backend admits namespaces but app: world too before 1.19", webNotApp, "1.18", i),
        row("backend admits namespaces but app, cluster term of 1.19", webNotApp, "1.19", null),
        row("backend NetworkPolicy namespaceSelector NotIn (#46949 case 1)", webNpNotApp, "1.17",
            i),
        row("backend NetworkPolicy namespaceSelector NotIn, 1.20", webNpNotApp, "1.20", null));
  }

  static ClusterSnapshot cluster(String... policies) {
    List<String> docs = new ArrayList<>(List.of(TrapRulesTest.NODES,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: app}",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: edge}", SERVICE,
        TrapRulesTest.pod("edge", "web-1", "web", "n2", "10.0.2.10", ""),
        TrapRulesTest.pod("app", "client-0", "client", "n1", "10.0.1.10", "")));
    docs.addAll(List.of(policies));
    return Clusters.yaml(docs.toArray(String[]::new));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void traceAuditAndDiffAgreeOnAPeerAdmittingWorld(Row r) {
    List<String> set = new ArrayList<>(List.of("kube-proxy-replacement", "true",
        "cilium-version", r.version()));
    set.addAll(List.of(r.set()));
    Map<String, String> overrides = Clusters.settings(set.toArray(String[]::new));
    ClusterSnapshot cluster = cluster(r.policy());
    Set<String> expected = r.side() == null ? Set.of() : Set.of(r.side());

    // trace: the definition and the document's identityTrap.
    PolicyEngine engine = PolicyEngine.of(cluster);
    DatapathSettings now = engine.settings(overrides);
    Pod client = cluster.pods().stream().filter(p -> p.key().equals(CLIENT)).findFirst()
        .orElseThrow();
    Flow flow = new Flow(client, new IPAddressString(ADDRESS).getAddress(), 443, Protocol.TCP);
    IdentityTrap trap =
        IdentityTrap.of(engine, flow, now, IdentityTrap.translating(engine, overrides));
    Set<String> traced = new TreeSet<>();
    trap.sides().forEach(s -> traced.add(s.direction() == Direction.EGRESS ? "egress" : "ingress"));
    assertThat(traced).as(r + ": the definition").isEqualTo(expected);
    Verdict verdict = engine.verdict(flow, now);
    Verdict asAddress = engine.verdictAsAddress(flow, now);
    assertThat(TraceRenderer.document(verdict, asAddress, trap, null).get("identityTrap"))
        .as(r + ": trace identityTrap").isEqualTo(!expected.isEmpty());

    // audit: the finding, naming the peer that admits world.
    AuditReport report = Audit.run(cluster, overrides, AuditOptions.defaults());
    Set<String> audited = new TreeSet<>();
    for (Finding f : Clusters.traps(report)) {
      if (f.source().equals(CLIENT) && f.address().equals(ADDRESS) && f.port() == 443) {
        audited.add(f.direction());
        assertThat(f.active()).as(r + ": active").isTrue();
      }
    }
    assertThat(audited).as(r + ": audit").isEqualTo(expected);

    // diff: the trap the policy introduces into the same cluster without it.
    Diff diff = StateDiff.run(new StateDiff.State("before", cluster(), Locator.NONE),
        new StateDiff.State("after", cluster, Locator.NONE),
        new StateDiff.Settings(overrides, AuditOptions.defaults()));
    Set<String> introduced = new TreeSet<>();
    for (Item item : diff.of(ItemType.TRAP_INTRODUCED)) {
      if (item.sources().contains(CLIENT) && ADDRESS.equals(item.address())) {
        introduced.add(item.direction());
      }
    }
    assertThat(introduced).as(r + ": diff").isEqualTo(expected);
  }
}

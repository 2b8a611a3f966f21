package dev.nodeipam.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which source identities the trap search judges as one class ({@code SourceClasses}, section 6
 * of the policy model): identities every rule selects alike and every ingress peer matches alike.
 * The base cluster has {@code app/client-1}, selected by an egress NetworkPolicy, and {@code
 * edge/web-1}, selected by none; each case adds two more workloads and says which pods share a
 * class.
 */
class SourceClassesTest {
  private static final String OTHERS = String.join("\n---\n",
      TrapRulesTest.pod("app", "other-1", "other", "n1", "10.0.1.20", ""),
      TrapRulesTest.pod("app", "third-1", "third", "n2", "10.0.1.21", ""));

  private static final String INGRESS_FROM_OTHER = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: web-from-other, namespace: edge}
      spec:
        podSelector: {matchLabels: {app: web}}
        policyTypes: [Ingress]
        ingress:
        - from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: other}}}]
      """;

  private static final String EGRESS_OF_OTHER = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: other-egress, namespace: app}
      spec:
        podSelector: {matchLabels: {app: other}}
        policyTypes: [Egress]
        egress:
        - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
          ports: [{port: 443, protocol: TCP}]
      """;

  private static final String EVERYONE = """
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: everyone-443}
      spec:
        endpointSelector: {}
        egress:
        - toCIDR: [0.0.0.0/0]
          toPorts: [{ports: [{port: "443", protocol: TCP}]}]
      """;

  private static final String HOST_NETWORK =
      TrapRulesTest.pod("app", "agent-1", "agent", "n1", "192.0.2.10", "hostNetwork: true");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no rule tells the unselected apart, whatever their namespace",
            List.of(OTHERS), Map.of(),
            "[[app/client-1], [app/other-1, app/third-1, edge/web-1]]"),
        Arguments.of("an ingress peer matching one tells it apart, and its subject",
            List.of(OTHERS, INGRESS_FROM_OTHER), Map.of(),
            "[[app/client-1], [app/other-1], [app/third-1], [edge/web-1]]"),
        Arguments.of("another rule selecting one tells it apart from the first rule's",
            List.of(OTHERS, EGRESS_OF_OTHER), Map.of(),
            "[[app/client-1], [app/other-1], [app/third-1, edge/web-1]]"),
        Arguments.of("a rule selecting everyone tells nobody apart",
            List.of(OTHERS, EVERYONE), Map.of(),
            "[[app/client-1], [app/other-1, app/third-1, edge/web-1]]"),
        Arguments.of("a hostNetwork pod is its node: never merged",
            List.of(OTHERS, HOST_NETWORK), Map.of(),
            "[[app/agent-1], [app/client-1], [app/other-1, app/third-1, edge/web-1]]"),
        Arguments.of("CIDR peers matching pods by address: every identity judged alone",
            List.of(OTHERS), Map.of("policy-cidr-match-mode", "pods"),
            "[[app/client-1], [app/other-1], [app/third-1], [edge/web-1]]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void identitiesNoRuleTellsApartShareAClass(String name, List<String> docs,
      Map<String, String> settings, String classes) {
    ClusterSnapshot cluster = TrapRulesTest.cluster(docs.toArray(String[]::new));
    assertThat(classesOf(cluster, settings).toString()).isEqualTo(classes);
  }

  /** The search's classes as sets of pod keys, sorted. */
  static Set<List<String>> classesOf(ClusterSnapshot cluster, Map<String, String> settings) {
    Map<String, String> overrides = new HashMap<>(settings);
    overrides.put("kube-proxy-replacement", "true");
    overrides.putIfAbsent("cilium-version", "1.20");
    PolicyEngine engine = PolicyEngine.of(cluster);
    TrapSearch search = new TrapSearch(engine, engine.settings(overrides),
        IdentityTrap.translating(engine, overrides), true);
    Set<List<String>> out = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    for (SourceGroup g : search.groups()) {
      List<String> keys = new ArrayList<>(g.pods().stream().map(Pod::key).sorted().toList());
      out.add(keys);
    }
    return out;
  }
}

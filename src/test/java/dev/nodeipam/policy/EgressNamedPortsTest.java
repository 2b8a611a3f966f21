package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Egress named ports by Cilium version. Before cilium/cilium#44429 an agent resolves an egress
 * name on one map of the named ports of all pods ({@code NamedPortMultiMap.GetNamedPort}, {@code
 * pkg/policy/types}): the one number every pod gives it, allowed to every selected peer; a name two
 * pods give different numbers is {@code ErrDuplicateNamedPorts} and the rule installs no port
 * (cilium/cilium#12567, #30003). From 1.20 (#44429, merged on main after the 1.19 branch) the name
 * is resolved on the selected destination's own named ports. Ingress names always resolve on the
 * receiving endpoint.
 */
class EgressNamedPortsTest {
  private static final String POLICY = """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: to-db, namespace: app}
      spec:
        endpointSelector: {matchLabels: {app: client}}
        egress:
        - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: db, app: pg}}]
          toPorts: [{ports: [{port: pg, protocol: TCP}]}]
        - toCIDR: [203.0.113.0/24]
          toPorts: [{ports: [{port: pg, protocol: TCP}]}]
      """;

  /** pg is 5432 on db/pg; {@code otherPg} (null = no such pod) gives the name another number. */
  private static TestCluster cluster(Integer otherPg) {
    TestCluster c = new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("db/pg", "n1", "10.0.2.7", Map.of("app", "pg"), port("pg", 5432))
        .policy(POLICY);
    if (otherPg != null) {
      c.pod("legacy/pg", "n1", "10.0.3.9", Map.of("app", "old-pg"), port("pg", otherPg));
    }
    return c;
  }

  @Test
  void before120AUniqueNameIsItsClusterWideNumberForEverySelectedPeerWorldIncluded() {
    TestCluster c = cluster(null);
    for (String v : new String[] {"1.14", "1.17", "1.19"}) {
      assertThat(c.trace("app/client", "10.0.2.7", 5432, "cilium-version", v).outcome())
          .as(v).isEqualTo(Outcome.ALLOWED);
      // The CIDR peer has no container ports, but the name resolved cluster-wide covers it.
      assertThat(c.trace("app/client", "203.0.113.5", 5432, "cilium-version", v).outcome())
          .as(v).isEqualTo(Outcome.ALLOWED);
      assertThat(c.trace("app/client", "203.0.113.5", 5433, "cilium-version", v).outcome())
          .as(v).isEqualTo(Outcome.DENIED);
    }
    // From 1.20 the name is the destination identity's: a world address has none.
    assertThat(c.trace("app/client", "203.0.113.5", 5432, "cilium-version", "1.20").outcome())
        .isEqualTo(Outcome.DENIED);
    assertThat(c.trace("app/client", "10.0.2.7", 5432, "cilium-version", "1.20").outcome())
        .isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void before120ANameWithTwoNumbersAcrossTheClusterAllowsNothingAndTheVerdictSaysWhy() {
    TestCluster c = cluster(15432);
    Verdict old = c.trace("app/client", "10.0.2.7", 5432, "cilium-version", "1.19");
    assertThat(old.outcome()).isEqualTo(Outcome.DENIED);
    String why = old.destinations().get(0).egress().notMatching().toString();
    assertThat(why).contains("[5432, 15432]").contains("cilium/cilium#12567");
    // The pod that gave the name the other number is not selected, yet it breaks the rule.
    assertThat(c.trace("app/client", "10.0.3.9", 15432, "cilium-version", "1.19").outcome())
        .isEqualTo(Outcome.DENIED);
    // Per destination (1.20+), db/pg's own pg = 5432 is allowed again.
    assertThat(c.trace("app/client", "10.0.2.7", 5432, "cilium-version", "1.20").outcome())
        .isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void aNameNoPodDeclaresAllowsNothingInEitherVersion() {
    TestCluster c = new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("db/pg", "n1", "10.0.2.7", Map.of("app", "pg"), port("postgres", 5432))
        .policy(POLICY);
    for (String v : new String[] {"1.19", "1.20"}) {
      assertThat(c.trace("app/client", "10.0.2.7", 5432, "cilium-version", v).outcome())
          .as(v).isEqualTo(Outcome.DENIED);
    }
  }

  @Test
  void ingressNamesResolveOnTheReceivingEndpointInEveryVersion() {
    TestCluster c = cluster(15432).policy("""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: pg-in, namespace: db}
        spec:
          podSelector: {matchLabels: {app: pg}}
          policyTypes: [Ingress]
          ingress:
          - ports: [{port: pg}]
        """);
    // Egress of app/client would be ambiguous before 1.20; judge ingress from a client without
    // egress policy: the ingress name is db/pg's own 5432 whatever the cluster says.
    c.pod("app/free", "n1", "10.0.1.6", Map.of("app", "free"));
    for (String v : new String[] {"1.19", "1.20"}) {
      Verdict in = c.trace("app/free", "10.0.2.7", 5432, "cilium-version", v);
      assertThat(in.outcome()).as(v).isEqualTo(Outcome.ALLOWED);
      assertThat(in.destinations().get(0).ingress().allowedBy()).as(v).isNotEmpty();
    }
  }
}

package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.NotMatching;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.explanation.Verdict;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the explanation says about the rules that did and did not match. */
class ExplanationTest {
  private static TestCluster cluster() {
    return new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("db/pg", "n1", "10.0.2.7", Map.of("app", "pg"))
        .policy(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: a-dns, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - ports: [{port: 53, protocol: UDP}]
            """)
        .policy(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: b-internet, namespace: app}
            spec:
              podSelector: {}
              policyTypes: [Egress]
              egress:
              - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
                ports: [{port: 5432}]
            """);
  }

  @Test
  void rulesWithAnEntryForThePortAreExplainedFirst() {
    SideVerdict egress =
        cluster().trace("app/client", "10.0.2.7", 5432).destinations().get(0).egress();
    assertThat(egress.notMatching())
        .extracting(n -> n.policy().name())
        .containsExactly("b-internet", "a-dns");
    NotMatching first = egress.notMatching().get(0);
    assertThat(first.why()).contains("never a pod").doesNotContain("do not cover");
    assertThat(egress.notMatching().get(1).why()).contains("do not cover 5432/TCP");
  }

  @Test
  void bothPoliciesCauseTheDefaultDenyAndNeitherAllows() {
    Verdict v = cluster().trace("app/client", "10.0.2.7", 5432);
    SideVerdict egress = v.destinations().get(0).egress();
    assertThat(egress.defaultDenyBy())
        .extracting(p -> p.name())
        .containsExactly("a-dns", "b-internet");
    assertThat(egress.allowedBy()).isEmpty();
    assertThat(egress.matches()).isEmpty();
    assertThat(egress.reason()).contains("egress is default-deny and no allow rule matches");
  }

  @Test
  void matchedEntriesNameTheEntryThePeerAndThePorts() {
    SideVerdict egress =
        cluster().trace("app/client", "8.8.8.8", 5432).destinations().get(0).egress();
    assertThat(egress.matches())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.policy().name()).isEqualTo("b-internet");
              assertThat(m.entry()).isEqualTo("spec.egress[0]");
              assertThat(m.peer()).isEqualTo("ipBlock 0.0.0.0/0");
              assertThat(m.ports()).isEqualTo("5432/TCP");
            });
  }
}

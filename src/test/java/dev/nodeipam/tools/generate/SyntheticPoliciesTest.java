package dev.nodeipam.tools.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SyntheticPoliciesTest {
  private static final ClusterShape SMALL =
      ClusterShape.defaults()
          .withNodes(30)
          .withServices(60)
          .withPodsPerService(3)
          .withNamespaces(4);

  @Test
  void generatesTheAskedNumberOfEachKindDeterministically() {
    ClusterSnapshot a = SyntheticCluster.generate(SMALL, List.of(SyntheticPolicies.of(400)));
    ClusterSnapshot b = SyntheticCluster.generate(SMALL, List.of(SyntheticPolicies.of(400)));
    assertThat(a.policies()).hasSize(400).isEqualTo(b.policies());
    Map<String, Long> kinds =
        a.policies().stream()
            .collect(Collectors.groupingBy(RawObject::kind, Collectors.counting()));
    assertThat(kinds).containsOnlyKeys(PolicyRef.NETWORK_POLICY, PolicyRef.CNP, PolicyRef.CCNP);
    assertThat(kinds.get(PolicyRef.NETWORK_POLICY)).isGreaterThan(kinds.get(PolicyRef.CCNP));
  }

  @Test
  void everyGeneratedPolicyParsesAndTracesGiveVerdicts() {
    ClusterSnapshot c = SyntheticCluster.generate(SMALL, List.of(SyntheticPolicies.of(400)));
    PolicyEngine engine = PolicyEngine.of(c);
    assertThat(engine.rules()).hasSizeGreaterThanOrEqualTo(400);
    var settings = engine.settings(Map.of("kube-proxy-replacement", "true"));
    List<Flow> flows = PolicyTraceBench.flows(c, 200, new Random(3));
    List<Verdict> verdicts = flows.stream().map(f -> engine.verdict(f, settings)).toList();
    // The mix has selective policies: some flows are allowed, some denied.
    assertThat(verdicts).anyMatch(Verdict::allowed).anyMatch(Verdict::denied);
  }
}

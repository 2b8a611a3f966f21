package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.tools.generate.ClusterShape;
import dev.nodeipam.tools.generate.PolicyTraceBench;
import dev.nodeipam.tools.generate.SyntheticCluster;
import dev.nodeipam.tools.generate.SyntheticPolicies;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Laws that hold for every flow of a synthetic cluster with a few hundred mixed policies: an
 * additive companion never takes anything away, {@code enable-policy=always} never allows more than
 * {@code default}, {@code never} allows everything, and an allow-all never overrides a deny.
 */
class PolicyInvariantsTest {
  private static final ClusterShape SHAPE =
      ClusterShape.defaults()
          .withNodes(40)
          .withServices(80)
          .withPodsPerService(3)
          .withNamespaces(5);

  private static ClusterSnapshot cluster(RawObject... extra) {
    SyntheticCluster.Addition add = (base, random, out) -> List.of(extra).forEach(out::policy);
    return SyntheticCluster.generate(SHAPE, List.of(SyntheticPolicies.of(300), add));
  }

  private static RawObject allowAllEgress() {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("endpointSelector", Map.of());
    spec.put("enableDefaultDeny", Map.of("egress", false, "ingress", false));
    spec.put("egress", List.of(Map.of("toEntities", List.of("all"))));
    spec.put("ingress", List.of(Map.of("fromEntities", List.of("all"))));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("apiVersion", "cilium.io/v2");
    body.put("kind", "CiliumClusterwideNetworkPolicy");
    body.put("metadata", Map.of("name", "allow-all"));
    body.put("spec", spec);
    return new RawObject(
        "cilium.io/v2", "CiliumClusterwideNetworkPolicy", null, "allow-all", body, "test");
  }

  private static List<Flow> flows(ClusterSnapshot c) {
    return PolicyTraceBench.flows(c, 300, new Random(5));
  }

  @Test
  void anAdditiveAllowAllTurnsEveryFlowAllowedExceptWhereADenyRuleMatches() {
    ClusterSnapshot plain = cluster();
    ClusterSnapshot withCompanion = cluster(allowAllEgress());
    PolicyEngine before = PolicyEngine.of(plain);
    PolicyEngine after = PolicyEngine.of(withCompanion);
    DatapathSettings s = before.settings(Map.of("kube-proxy-replacement", "true"));
    List<Flow> flows = flows(plain);
    List<Flow> same = flows(withCompanion);
    int changed = 0;
    for (int i = 0; i < flows.size(); i++) {
      Verdict b = before.verdict(flows.get(i), s);
      Verdict a = after.verdict(same.get(i), s);
      if (b.outcome() == Outcome.ALLOWED) {
        assertThat(a.outcome()).as(flows.get(i).destinationText()).isEqualTo(Outcome.ALLOWED);
      }
      a.destinations()
          .forEach(
              d -> {
                boolean denyRule =
                    !d.egress().deniedBy().isEmpty() || !d.ingress().deniedBy().isEmpty();
                assertThat(d.outcome() == Outcome.ALLOWED).isEqualTo(!denyRule);
                if (denyRule) {
                  assertThat(d.dropReason()).isEqualTo(181);
                }
              });
      changed += b.outcome() != a.outcome() ? 1 : 0;
    }
    assertThat(changed)
        .as("the synthetic policies deny some flows the companion then allows")
        .isPositive();
  }

  @Test
  void enablePolicyAlwaysNeverAllowsMoreThanDefaultAndNeverAllowsEverything() {
    ClusterSnapshot c = cluster();
    PolicyEngine engine = PolicyEngine.of(c);
    DatapathSettings byDefault = engine.settings(Map.of());
    DatapathSettings always = engine.settings(Map.of("enable-policy", "always"));
    DatapathSettings never = engine.settings(Map.of("enable-policy", "never"));
    int alwaysStricter = 0;
    for (Flow f : flows(c)) {
      Outcome d = engine.verdict(f, byDefault).outcome();
      Outcome a = engine.verdict(f, always).outcome();
      if (a == Outcome.ALLOWED) {
        assertThat(d).isEqualTo(Outcome.ALLOWED);
      }
      alwaysStricter += d == Outcome.ALLOWED && a != Outcome.ALLOWED ? 1 : 0;
      Verdict n = engine.verdict(f, never);
      if (!n.destinations().isEmpty()) {
        assertThat(n.outcome()).isEqualTo(Outcome.ALLOWED);
      }
    }
    assertThat(alwaysStricter).isPositive();
  }
}

package dev.nodeipam.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cilium 1.20.0 and 1.20.1 miss the set-up of {@code enable-non-default-deny-policies} from the
 * agent's configuration (cilium/cilium#48391, fixed in 1.20.2 by the backport #48418): on those
 * patch releases the automatic companion scope does not rely on {@code enableDefaultDeny: false}
 * (a clusterwide companion with {@code endpointSelector: {}}), and the reason names the bug. A
 * release known only as {@code 1.20} may be any patch and keeps the clusterwide choice.
 */
class NonDefaultDenySetupBugTest {
  @ParameterizedTest(name = "Cilium {0}: {1}")
  @CsvSource({
    "1.20.0, SOURCES, true",
    "1.20.1, SOURCES, true",
    "1.20.2, CLUSTER, false",
    "1.20, CLUSTER, false",
    "1.19.3, CLUSTER, false",
  })
  void theAutomaticCompanionScopeAvoidsTheBuggyPatchReleases(
      String version, CompanionScope expected, boolean named) {
    PolicyEngine engine = PolicyEngine.of(ClusterSnapshot.builder().build());
    DatapathSettings s = engine.settings(Map.of("cilium-version", version));
    CompanionScope.Choice choice = CompanionScope.choose(null, s);
    assertThat(choice.scope()).as(version).isEqualTo(expected);
    assertThat(s.nonDefaultDenySetupBug()).as(version).isEqualTo(named);
    assertThat(choice.why().contains("cilium/cilium#48391")).as(choice.why())
        .isEqualTo(named);
    // Verdicts follow the configured value: the opt-out is honoured as configured (default true).
    assertThat(s.honoursDefaultDenyOptOut()).as(version).isTrue();
  }
}

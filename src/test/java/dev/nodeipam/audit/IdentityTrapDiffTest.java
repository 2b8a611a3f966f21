package dev.nodeipam.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.diff.Diff;
import dev.nodeipam.diff.ItemType;
import dev.nodeipam.diff.Locator;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code diff} follows the identity trap as {@code audit} does ({@link FilteredLabelTrapTest},
 * {@link HeadlessTrapTest}): a change that makes a peer select by a label the agent's filter drops
 * ({@code pkg/labelsfilter/filter.go}; {@code controller-uid} from 1.16, cilium/cilium#31964)
 * introduces a trap, and a Service turned headless ({@code isHeadless} in {@code
 * pkg/loadbalancer/reflectors/conversions.go}, {@code headless.txtar}) removes one, since it has
 * no frontend left.
 */
class IdentityTrapDiffTest {
  private static final String PLAIN = "metadata: {name: web, namespace: edge}";
  private static final String LABELLED =
      "metadata: {name: web, namespace: edge, labels: {service.kubernetes.io/headless: \"\"}}";

  static Stream<Arguments> cases() {
    ClusterSnapshot kept = FilteredLabelTrapTest.cluster("job-name");
    ClusterSnapshot uid = FilteredLabelTrapTest.cluster("controller-uid");
    ClusterSnapshot plain = HeadlessTrapTest.cluster(PLAIN, "10.96.0.50");
    return Stream.of(
        Arguments.of("peer moves to controller-uid, 1.16", kept, uid, "1.16", 1, 0),
        Arguments.of("peer moves to controller-uid, 1.15 (an identity label)", kept, uid, "1.15",
            0, 0),
        Arguments.of("peer moves back to job-name, 1.19", uid, kept, "1.19", 0, 1),
        Arguments.of("Service made headless: clusterIP None", plain,
            HeadlessTrapTest.cluster(PLAIN, "None"), "1.19", 0, 1),
        Arguments.of("Service labelled headless", plain,
            HeadlessTrapTest.cluster(LABELLED, "10.96.0.50"), "1.14", 0, 1),
        Arguments.of("headless Service given a ClusterIP", HeadlessTrapTest.cluster(PLAIN, "None"),
            plain, "1.19", 1, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theDiffReportsTheTrapTheChangeMakesOrClears(String name, ClusterSnapshot before,
      ClusterSnapshot after, String version, int introduced, int removed) {
    Map<String, String> overrides = new HashMap<>(
        Map.of("kube-proxy-replacement", "true", "cilium-version", version));
    Diff d = StateDiff.run(new StateDiff.State("before", before, Locator.NONE),
        new StateDiff.State("after", after, Locator.NONE),
        new StateDiff.Settings(overrides, AuditOptions.defaults()));
    assertThat(d.of(ItemType.TRAP_INTRODUCED)).as(name + ": introduced").hasSize(introduced);
    assertThat(d.of(ItemType.TRAP_REMOVED)).as(name + ": removed").hasSize(removed);
    // What the diff reports is what auditing each side says.
    assertThat(Clusters.traps(Clusters.audit(after, "kube-proxy-replacement", "true",
        "cilium-version", version)).size()
        - Clusters.traps(Clusters.audit(before, "kube-proxy-replacement", "true",
            "cilium-version", version)).size())
        .as(name + ": audit counts").isEqualTo(introduced - removed);
  }
}

package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.Outcome;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A selector on a label the agent's label filter drops ({@code pkg/labelsfilter/filter.go}) matches
 * no identity: as a peer it allows nothing, as a subject it selects no pod (cilium/cilium#18878).
 * The labels and the releases that drop them follow {@code defaultLabelPrefixCfg} and
 * cilium/cilium#28003, #28897, #31964.
 */
class IdentityLabelSelectorTest {
  static Stream<Arguments> labels() {
    return Stream.of(
        Arguments.of("pod-template-hash", "1.14", true),
        Arguments.of("controller-revision-hash", "1.20", true),
        Arguments.of("statefulset.kubernetes.io/pod-name", "1.14", false),
        Arguments.of("statefulset.kubernetes.io/pod-name", "1.15", true),
        Arguments.of("batch.kubernetes.io/job-completion-index", "1.15", true),
        Arguments.of("controller-uid", "1.15", false),
        Arguments.of("controller-uid", "1.16", true),
        Arguments.of("batch.kubernetes.io/controller-uid", "1.20", true),
        Arguments.of("job-name", "1.20", false),
        Arguments.of("app.kubernetes.io/name", "1.20", false));
  }

  private static TestCluster cluster(String key, String policy) {
    return new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client", key, "v1"))
        .pod("db/pg", "n1", "10.0.2.7", Map.of("app", "pg", key, "v1"))
        .policy(policy);
  }

  @ParameterizedTest(name = "peer {0} in {1}: filtered={2}")
  @MethodSource("labels")
  void aPeerOnAFilteredLabelAllowsNothing(String key, String version, boolean filtered) {
    String policy = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: to-db, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: client}}
          egress:
          - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: db, "%s": v1}}]
        """.formatted(key);
    Outcome o = cluster(key, policy).trace("app/client", "10.0.2.7", 5432, "cilium-version", version)
        .outcome();
    assertThat(o).isEqualTo(filtered ? Outcome.DENIED : Outcome.ALLOWED);
  }

  @ParameterizedTest(name = "subject {0} in {1}: filtered={2}")
  @MethodSource("labels")
  void aSubjectOnAFilteredLabelSelectsNoPod(String key, String version, boolean filtered) {
    String policy = """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: lock-db, namespace: db}
        spec:
          endpointSelector: {matchLabels: {"%s": v1}}
          ingress: [{}]
        """.formatted(key);
    Outcome o = cluster(key, policy).trace("app/client", "10.0.2.7", 5432, "cilium-version", version)
        .outcome();
    assertThat(o).isEqualTo(filtered ? Outcome.ALLOWED : Outcome.DENIED);
  }
}

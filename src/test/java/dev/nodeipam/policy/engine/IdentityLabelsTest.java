package dev.nodeipam.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.settings.CiliumVersion;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's default label filter ({@code pkg/labelsfilter/filter.go}) by release. The first rows
 * are Cilium's own {@code TestDefaultFilterLabels} ({@code pkg/labelsfilter/filter_test.go}, the
 * default list in every release); the release rows follow the exclusions added by
 * cilium/cilium#28003 and #28897 (1.15) and #31964 (1.16).
 */
class IdentityLabelsTest {
  static Stream<Arguments> everyRelease() {
    return Stream.of(
        // TestDefaultFilterLabels: dropped
        Arguments.of("io.kubernetes.container.hash", false),
        Arguments.of("io.kubernetes.container.name", false),
        Arguments.of("io.kubernetes.container.restartCount", false),
        Arguments.of("io.kubernetes.container.terminationMessagePath", false),
        Arguments.of("io.kubernetes.pod.name", false),
        Arguments.of("io.kubernetes.pod.terminationGracePeriod", false),
        Arguments.of("io.kubernetes.pod.uid", false),
        Arguments.of("kubernetes.io.foo", false),
        Arguments.of("beta.kubernetes.io.foo", false),
        Arguments.of("annotation.kubectl.kubernetes.io", false),
        Arguments.of("annotation.hello", false),
        Arguments.of("annotation.kubernetes.io/config.seen", false),
        Arguments.of("controller-revision-hash", false),
        // TestDefaultFilterLabels: kept
        Arguments.of("io.kubernetes.pod.namespace", true),
        Arguments.of("app.kubernetes.io", true),
        Arguments.of("ioXkubernetes", true),
        Arguments.of("ignore", true),
        Arguments.of("ignorE", true),
        Arguments.of("reserved:host", true),
        Arguments.of("id.lizards", true),
        Arguments.of("id.lizards.k8s", true),
        // The rest of the default list (defaultLabelPrefixCfg), every release.
        Arguments.of("pod-template-hash", false),
        Arguments.of("pod-template-generation", false),
        Arguments.of("kubernetes.io/hostname", false),
        Arguments.of("failure-domain.beta.kubernetes.io/zone", false),
        Arguments.of("k8s.io/foo", false),
        Arguments.of("etcd_node", false),
        Arguments.of("app.kubernetes.io/name", true),
        Arguments.of("io.cilium.k8s.namespace.labels.team", true),
        // Not at the start of the key: the patterns are anchored (filter.go, matches).
        Arguments.of("topology.kubernetes.io/zone", true),
        // job-name is in no release's list (cilium/cilium#31964 added only the controller UIDs).
        Arguments.of("job-name", true),
        Arguments.of("batch.kubernetes.io/job-name", true),
        Arguments.of("app", true),
        Arguments.of("k8s-app", true),
        Arguments.of("helm.sh/chart", true));
  }

  @ParameterizedTest(name = "{0} kept={1}")
  @MethodSource("everyRelease")
  void defaultFilterLabels_sameInEveryRelease(String key, boolean kept) {
    for (String v : new String[] {"1.14", "1.15", "1.16", "1.17", "1.18", "1.19", "1.20"}) {
      assertThat(IdentityLabels.isIdentityLabel(key, CiliumVersion.parse(v)))
          .as(key + " in " + v).isEqualTo(kept);
    }
  }

  static Stream<Arguments> byRelease() {
    return Stream.of(
        // cilium/cilium#28003 (1.15)
        Arguments.of("statefulset.kubernetes.io/pod-name", "1.15"),
        Arguments.of("apps.kubernetes.io/pod-index", "1.15"),
        // cilium/cilium#28897 (1.15)
        Arguments.of("batch.kubernetes.io/job-completion-index", "1.15"),
        // cilium/cilium#31964 (1.16)
        Arguments.of("controller-uid", "1.16"),
        Arguments.of("batch.kubernetes.io/controller-uid", "1.16"));
  }

  @ParameterizedTest(name = "{0} dropped from {1}")
  @MethodSource("byRelease")
  void exclusionsAddedByRelease(String key, String firstDropped) {
    CiliumVersion first = CiliumVersion.parse(firstDropped);
    for (String v : new String[] {"1.14", "1.15", "1.16", "1.17", "1.18", "1.19", "1.20"}) {
      CiliumVersion release = CiliumVersion.parse(v);
      boolean dropped = release.atLeast(first.major(), first.minor());
      assertThat(IdentityLabels.isIdentityLabel(key, release)).as(key + " in " + v)
          .isEqualTo(!dropped);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyRelease")
  void ofKeepsExactlyTheIdentityLabels(String key, boolean kept) {
    Map<String, String> pod = new LinkedHashMap<>();
    pod.put("tier", "web");
    pod.put(key, "x");
    Map<String, String> identity = IdentityLabels.of(pod, CiliumVersion.parse("1.20"));
    assertThat(identity).containsEntry("tier", "web").hasSize(kept ? 2 : 1);
  }
}

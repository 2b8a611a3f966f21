package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.settings.AgentVersion;
import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.Setting;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.DaemonSetImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Cilium release as an input, and the settings whose meaning depends on it. */
class CiliumVersionTest {
  private static DatapathSettings settings(Map<String, String> set, ClusterSnapshot s) {
    return DatapathSettings.resolve(Optional.empty(), set, true, false, AgentVersion.of(s));
  }

  private static ClusterSnapshot withDaemonSets(DaemonSetImages... sets) {
    ClusterSnapshot.Builder b = ClusterSnapshot.builder();
    for (DaemonSetImages d : sets) {
      b.daemonSet(d);
    }
    return b.build();
  }

  @Test
  void versionFlagWinsOverTheAgentImageWhichWinsOverTheNewestModelled() {
    ClusterSnapshot cluster = withDaemonSets(new DaemonSetImages("kube-system", "cilium",
        List.of("quay.io/cilium/cilium:v1.16.5@sha256:abc", "quay.io/cilium/cilium-envoy:v1.31"),
        "ds.yaml"));
    Setting flag = settings(Map.of(DatapathSettings.CILIUM_VERSION, "1.17"), cluster)
        .versionSetting();
    assertThat(flag.value()).isEqualTo("1.17");
    assertThat(flag.from()).isEqualTo("--cilium-version");
    Setting image = settings(Map.of(), cluster).versionSetting();
    assertThat(image.value()).isEqualTo("1.16.5");
    assertThat(image.from()).contains("DaemonSet kube-system/cilium");
    assertThat(image.isAssumed()).isFalse();
    Setting newest = settings(Map.of(), ClusterSnapshot.empty()).versionSetting();
    assertThat(newest.value()).isEqualTo(CiliumVersion.NEWEST.toString());
    assertThat(newest.isAssumed()).isTrue();
  }

  @Test
  void anyDaemonSetRunningTheAgentImageCountsTheOldestWhenSeveralRun() {
    ClusterSnapshot cluster = withDaemonSets(
        new DaemonSetImages("net", "agents-a", List.of("mirror.local:5000/cilium/cilium:1.17.2"),
            "a.yaml"),
        new DaemonSetImages("net", "agents-b", List.of("mirror.local:5000/cilium/cilium:v1.16.0"),
            "b.yaml"),
        new DaemonSetImages("kube-system", "cilium-envoy", List.of("quay.io/cilium/cilium-envoy:v1.15"),
            "c.yaml"));
    assertThat(settings(Map.of(), cluster).version()).isEqualTo(new CiliumVersion(1, 16, 0));
    assertThat(CiliumVersion.fromImage("registry:5000/cilium/cilium")).isEmpty();
  }

  @Test
  void aBadVersionIsOneLineNamingTheFlag() {
    assertThatThrownBy(() -> settings(Map.of(DatapathSettings.CILIUM_VERSION, "latest"),
        ClusterSnapshot.empty()))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("--cilium-version: ");
  }

  /**
   * {@code enableDefaultDeny} exists from 1.16 (cilium/cilium#30572); from 1.17 {@code
   * enable-non-default-deny-policies=false} (cilium/cilium#34940) makes {@code Rule.Sanitize}
   * ({@code pkg/policy/api/rule_validation.go}) force it to true.
   */
  @Test
  void enableNonDefaultDenyPoliciesDecidesWhetherTheOptOutCounts() {
    ClusterSnapshot none = ClusterSnapshot.empty();
    assertThat(settings(Map.of(DatapathSettings.CILIUM_VERSION, "1.15"), none)
        .honoursDefaultDenyOptOut()).isFalse();
    assertThat(settings(Map.of(DatapathSettings.CILIUM_VERSION, "1.16",
        DatapathSettings.NON_DEFAULT_DENY, "false"), none).honoursDefaultDenyOptOut()).isTrue();
    assertThat(settings(Map.of(DatapathSettings.CILIUM_VERSION, "1.17"), none)
        .honoursDefaultDenyOptOut()).isTrue();
    assertThat(settings(Map.of(DatapathSettings.CILIUM_VERSION, "1.17",
        DatapathSettings.NON_DEFAULT_DENY, "False"), none).honoursDefaultDenyOptOut()).isFalse();
  }

  /** Agent options are read with Go's {@code strconv.ParseBool}. */
  @Test
  void booleansAreParsedAsGoParseBoolParsesThem() {
    for (String yes : List.of("1", "t", "T", "TRUE", "true", "True")) {
      assertThat(settings(Map.of(DatapathSettings.HOSTNS_ONLY, yes), ClusterSnapshot.empty())
          .socketLbHostnsOnly()).as(yes).isTrue();
    }
    for (String no : List.of("0", "f", "F", "FALSE", "false", "False")) {
      assertThat(settings(Map.of(DatapathSettings.HOSTNS_ONLY, no), ClusterSnapshot.empty())
          .socketLbHostnsOnly()).as(no).isFalse();
    }
    assertThatThrownBy(() -> settings(Map.of(DatapathSettings.HOSTNS_ONLY, "yes"),
        ClusterSnapshot.empty())).isInstanceOf(BadInputException.class)
        .hasMessageContaining("bpf-lb-sock-hostns-only");
  }

  /** A value the agent would refuse is one line naming the file the ConfigMap came from. */
  @Test
  void aBadBooleanInCiliumConfigNamesItsFile(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("cilium-config.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cilium-config, namespace: kube-system}
        data: {enable-sctp: "yes"}
        """);
    ClusterSnapshot s = ManifestLoader.load(List.of(dir));
    assertThatThrownBy(() -> PolicyEngine.lazy(s).settings(Map.of()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("cilium-config.yaml")
        .hasMessageContaining("kube-system/cilium-config enable-sctp")
        .hasMessageContaining("strconv.ParseBool");
    assertThat(PolicyEngine.lazy(s)
        .settings(Map.of("enable-sctp", "T")).sctp()).isTrue();
  }

  /** The DaemonSet loader reads the agent's image, so the version comes from the input. */
  @Test
  void theManifestLoaderReadsTheAgentDaemonSetsImage(
      @TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("cilium.yaml"), """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: cilium, namespace: kube-system}
        spec:
          selector: {matchLabels: {k8s-app: cilium}}
          template:
            metadata: {labels: {k8s-app: cilium}}
            spec:
              initContainers: [{name: config, image: "quay.io/cilium/cilium:v1.16.3"}]
              containers: [{name: cilium-agent, image: "quay.io/cilium/cilium:v1.16.3"}]
        """);
    ClusterSnapshot s = ManifestLoader.load(List.of(dir));
    assertThat(s.daemonSets()).singleElement().satisfies(d -> assertThat(d.images()).hasSize(2));
    assertThat(s.workloads()).extracting(w -> w.key()).containsExactly("kube-system/cilium");
    Setting v = PolicyEngine.lazy(s).settings(Map.of()).versionSetting();
    assertThat(v.value()).isEqualTo("1.16.3");
    assertThat(v.from()).contains("DaemonSet kube-system/cilium");
  }

  /**
   * {@code bpf/bpf_lxc.c} defines ENABLE_PER_PACKET_LB also for ENABLE_L7_LB
   * ({@code enable-envoy-config}) and ENABLE_SCTP, so the pod's datapath translates what socket LB
   * skipped.
   */
  @Test
  void envoyConfigAndSctpCompilePerPacketLbIntoThePod() {
    Map<String, String> kpr = Map.of(DatapathSettings.KPR, "true");
    assertThat(settings(kpr, ClusterSnapshot.empty()).perPacketLbAtPod()).isFalse();
    assertThat(settings(Map.of(DatapathSettings.KPR, "true", DatapathSettings.ENVOY_CONFIG, "true"),
        ClusterSnapshot.empty()).perPacketLbAtPod()).isTrue();
    assertThat(settings(Map.of(DatapathSettings.KPR, "true", DatapathSettings.SCTP, "true"),
        ClusterSnapshot.empty()).perPacketLbAtPod()).isTrue();
  }
}

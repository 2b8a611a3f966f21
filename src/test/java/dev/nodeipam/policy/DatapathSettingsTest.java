package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.EnablePolicy;
import dev.nodeipam.policy.settings.Setting;
import dev.nodeipam.snapshot.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Datapath settings: cilium-config, --set, and Cilium's defaults. */
class DatapathSettingsTest {
  private static DatapathSettings resolve(Map<String, String> config, Map<String, String> set) {
    return DatapathSettings.resolve(Optional.ofNullable(config), set, true, false);
  }

  @Test
  void absentKeysTakeCiliumsDefaultsAndAreListedAsAssumed() {
    DatapathSettings s = resolve(null, Map.of());
    assertThat(s.kubeProxyReplacement()).isFalse();
    assertThat(s.socketLb()).isFalse();
    assertThat(s.socketLbHostnsOnly()).isFalse();
    assertThat(s.externalIpMitigationDisabled()).isFalse();
    assertThat(s.cidrMatchesNodes()).isFalse();
    assertThat(s.enablePolicy()).isEqualTo(EnablePolicy.DEFAULT);
    assertThat(s.clusterName()).isEqualTo("default");
    List<String> assumed = new ArrayList<>(List.of(DatapathSettings.CILIUM_VERSION));
    assumed.addAll(DatapathSettings.KEYS);
    assertThat(s.assumed()).extracting(Setting::key).containsExactlyElementsOf(assumed);
  }

  @Test
  void bpfLbSockFollowsKubeProxyReplacementWhenAbsent() {
    assertThat(resolve(Map.of("kube-proxy-replacement", "true"), Map.of()).socketLb()).isTrue();
    assertThat(
            resolve(Map.of("kube-proxy-replacement", "true", "bpf-lb-sock", "false"), Map.of())
                .socketLb())
        .isFalse();
  }

  @Test
  void setOverridesTheConfigMapAndRecordsItsOrigin() {
    DatapathSettings s =
        resolve(
            Map.of("kube-proxy-replacement", "true"), Map.of("kube-proxy-replacement", "false"));
    assertThat(s.kubeProxyReplacement()).isFalse();
    assertThat(s.settings().get("kube-proxy-replacement").origin()).isEqualTo(Setting.Origin.FLAG);
    assertThat(s.assumed()).extracting(Setting::key).doesNotContain("kube-proxy-replacement");
  }

  @Test
  void oldKubeProxyReplacementValuesMapToTrueAndFalse() {
    assertThat(resolve(Map.of("kube-proxy-replacement", "strict"), Map.of()).kubeProxyReplacement())
        .isTrue();
    for (String v : new String[] {"partial", "probe", "disabled"}) {
      assertThat(resolve(Map.of("kube-proxy-replacement", v), Map.of()).kubeProxyReplacement())
          .isFalse();
    }
  }

  @Test
  void invalidValuesAreBadInputNamingWhereTheyCameFrom() {
    assertThatThrownBy(() -> resolve(Map.of("enable-policy", "sometimes"), Map.of()))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("kube-system/cilium-config enable-policy")
        .hasMessageContaining("\"sometimes\"");
    // "pods" is a value from Cilium 1.20 (the newest modelled): KeyReleasesTest rejects it before.
    assertThatThrownBy(() -> resolve(null, Map.of("policy-cidr-match-mode", "everything")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--set policy-cidr-match-mode");
  }

  @Test
  void unknownOverrideKeysAreRejectedWithTheKnownOnes() {
    assertThatThrownBy(() -> resolve(null, Map.of("kpr", "true")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kube-proxy-replacement, bpf-lb-sock");
  }

  @Test
  void dualStackIsInferredFromTheClusterUnlessGiven() {
    DatapathSettings inferred = DatapathSettings.resolve(Optional.empty(), Map.of(), true, true);
    assertThat(inferred.dualStack()).isTrue();
    assertThat(inferred.settings().get("enable-ipv6").origin()).isEqualTo(Setting.Origin.INFERRED);
    DatapathSettings given =
        DatapathSettings.resolve(Optional.of(Map.of("enable-ipv6", "false")), Map.of(), true, true);
    assertThat(given.dualStack()).isFalse();
  }
}

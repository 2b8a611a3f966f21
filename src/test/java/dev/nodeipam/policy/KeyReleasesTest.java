package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.KeyReleases;
import dev.nodeipam.policy.settings.Setting;
import dev.nodeipam.snapshot.BadInputException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A release older than a key's first release ignores the key: a value given in cilium-config or
 * with {@code --set} is named as ignored in the datapath block, and the evaluation uses Cilium's
 * default. First releases: {@code policy-cidr-match-mode} 1.15 (cilium/cilium#27464, docs
 * #28421), {@code enable-non-default-deny-policies} 1.17 (cilium/cilium#34940), {@code
 * bpf-lb-enable-wildcard-entries} 1.19 (cilium/cilium#46647, a switch for #40684's entries).
 */
class KeyReleasesTest {
  static Stream<Arguments> keys() {
    Predicate<DatapathSettings> nodesMatched = DatapathSettings::cidrMatchesNodes;
    Predicate<DatapathSettings> optOutHonoured = DatapathSettings::honoursDefaultDenyOptOut;
    Predicate<DatapathSettings> wildcard = DatapathSettings::wildcardEntries;
    return Stream.of(
        // name, key, value, version, from config (else --set), ignored, what evaluation reads
        Arguments.of("1.14 ignores policy-cidr-match-mode", DatapathSettings.CIDR_MATCH_MODE,
            "nodes", "1.14", false, true, nodesMatched.negate()),
        Arguments.of("1.14 ignores it in cilium-config too", DatapathSettings.CIDR_MATCH_MODE,
            "nodes", "1.14.9", true, true, nodesMatched.negate()),
        Arguments.of("1.15 reads policy-cidr-match-mode", DatapathSettings.CIDR_MATCH_MODE,
            "nodes", "1.15", false, false, nodesMatched),
        Arguments.of("1.16 ignores enable-non-default-deny-policies",
            DatapathSettings.NON_DEFAULT_DENY, "false", "1.16", true, true, optOutHonoured),
        Arguments.of("1.17 reads enable-non-default-deny-policies",
            DatapathSettings.NON_DEFAULT_DENY, "false", "1.17", false, false,
            optOutHonoured.negate()),
        Arguments.of("1.18 ignores bpf-lb-enable-wildcard-entries",
            DatapathSettings.WILDCARD_ENTRIES, "false", "1.18", false, true, wildcard),
        Arguments.of("1.19 reads bpf-lb-enable-wildcard-entries",
            DatapathSettings.WILDCARD_ENTRIES, "false", "1.19", false, false,
            wildcard.negate()),
        Arguments.of("1.20 reads policy-cidr-match-mode=pods", DatapathSettings.CIDR_MATCH_MODE,
            "pods", "1.20", false, false,
            (Predicate<DatapathSettings>) DatapathSettings::cidrMatchesPods),
        Arguments.of("1.14 reads kube-proxy-replacement (every release)", DatapathSettings.KPR,
            "true", "1.14", false, false,
            (Predicate<DatapathSettings>) DatapathSettings::kubeProxyReplacement));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keys")
  void aReleaseOlderThanTheKeyIgnoresIt(String name, String key, String value, String version,
      boolean fromConfig, boolean ignored, Predicate<DatapathSettings> evaluation) {
    Map<String, String> set = new HashMap<>(Map.of(DatapathSettings.CILIUM_VERSION, version));
    Optional<Map<String, String>> config = Optional.empty();
    if (fromConfig) {
      config = Optional.of(Map.of(key, value));
    } else {
      set.put(key, value);
    }
    DatapathSettings s = DatapathSettings.resolve(config, set, true, false);
    Setting used = s.settings().get(key);
    assertThat(evaluation).accepts(s);
    if (ignored) {
      assertThat(used.origin()).isEqualTo(Setting.Origin.DEFAULT);
      assertThat(used.value()).isNotEqualTo(value);
      assertThat(used.from())
          .contains((fromConfig ? "kube-system/cilium-config" : "--set") + " gives " + key + "="
              + value)
          .contains("which Cilium " + version + " ignores: the key is read from "
              + KeyReleases.first(key).orElseThrow().release())
          .contains(KeyReleases.first(key).orElseThrow().source());
    } else {
      assertThat(used.value()).isEqualTo(value);
      assertThat(used.origin())
          .isEqualTo(fromConfig ? Setting.Origin.CONFIG : Setting.Origin.FLAG);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("podsBefore120")
  void podsModeIsAValueOnlyFrom120(String version) {
    assertThatThrownBy(() -> DatapathSettings.resolve(Optional.empty(),
        Map.of(DatapathSettings.CILIUM_VERSION, version, DatapathSettings.CIDR_MATCH_MODE,
            "pods"), true, false))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("--set policy-cidr-match-mode: \"pods\"")
        .hasMessageContaining("\"pods\" is read from 1.20, cilium/cilium#47227");
  }

  static Stream<String> podsBefore120() {
    return Stream.of("1.15", "1.19.6");
  }
}

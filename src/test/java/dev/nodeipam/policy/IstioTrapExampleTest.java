package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.TranslationReason.Kind;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The seed article's scenario, end to end from the YAML under examples/istio-trap. */
class IstioTrapExampleTest {
  private static final Path CLUSTER = Path.of("examples/istio-trap/cluster");
  private static final Path COMPANION = Path.of("examples/istio-trap/companion");

  private static final Map<List<Path>, ClusterSnapshot> LOADED = new HashMap<>();
  private static final Map<List<Path>, PolicyEngine> ENGINES = new HashMap<>();

  private static Verdict trace(List<Path> input, Map<String, String> set, String from) {
    ClusterSnapshot snapshot = LOADED.computeIfAbsent(input, ManifestLoader::load);
    PolicyEngine engine = ENGINES.computeIfAbsent(input, k -> PolicyEngine.of(snapshot));
    DatapathSettings settings = engine.settings(set);
    String[] parts = from.split("/");
    Pod source =
        snapshot.podsIn(parts[0]).stream()
            .filter(p -> p.name().equals(parts[1]))
            .findFirst()
            .orElseThrow();
    return engine.verdict(
        new Flow(source, IpText.parse("24.85.233.58"), 443, Protocol.TCP), settings);
  }

  @Test
  void externalIpTranslatedUnderHostnsOnlyDeniesTheIpBlockEgressWith133() {
    Verdict v = trace(List.of(CLUSTER), Map.of(), "hermes/hermes-atlas");

    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.dropReason()).isEqualTo(133);
    assertThat(v.translation().translated()).isTrue();
    assertThat(v.translation().frontend()).isEqualTo(Translation.Frontend.EXTERNAL_IP);
    assertThat(v.translation().service()).isEqualTo("istio-system/istio-ingressgateway");
    assertThat(v.destinations()).hasSize(2);
    for (DestinationVerdict d : v.destinations()) {
      assertThat(d.identity().isPod()).isTrue();
      assertThat(d.port()).isEqualTo(8443);
      assertThat(d.egress().defaultDeny()).isTrue();
      assertThat(d.egress().defaultDenyBy())
          .extracting(PolicyRef::name)
          .containsExactly("hermes-atlas-allow-egress");
      assertThat(d.egress().notMatching()).hasSize(1);
      assertThat(d.egress().notMatching().get(0).why())
          .contains("ipBlock 0.0.0.0/0")
          .contains("never a pod");
      assertThat(d.ingress().outcome()).isEqualTo(Outcome.ALLOWED);
    }
  }

  @Test
  void companionPolicyAllowsTheTranslatedFlow() {
    Verdict v = trace(List.of(CLUSTER, COMPANION), Map.of(), "hermes/hermes-atlas");

    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.dropReason()).isNull();
    assertThat(v.destinations())
        .allSatisfy(
            d ->
                assertThat(d.egress().allowedBy())
                    .extracting(PolicyRef::name)
                    .containsExactly("allow-egress-to-istio-ingressgateway"));
    assertThat(v.destinations().get(0).egress().matches())
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.entry()).isEqualTo("spec.egress[0]");
              assertThat(m.peer()).startsWith("toEndpoints").doesNotContain("any namespace");
              assertThat(m.deny()).isFalse();
            });
  }

  @Test
  void untranslatedExternalIpOnAnotherNodeIsWorldAndAllowedByTheIpBlock() {
    Verdict v =
        trace(List.of(CLUSTER), Map.of("bpf-lb-sock-hostns-only", "false"), "hermes/hermes-atlas");

    assertThat(v.translation().translated()).isFalse();
    assertThat(v.translation().reason().kind()).isEqualTo(Kind.EXTERNAL_IP_MITIGATED);
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.destinations())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.identity().name()).isEqualTo("world");
              assertThat(d.port()).isEqualTo(443);
              assertThat(d.egress().allowedBy())
                  .extracting(PolicyRef::name)
                  .containsExactly("hermes-atlas-allow-egress");
            });
  }

  @Test
  void everyIpBlockPolicyOfTheSevenIsTrappedForItsPods() {
    for (String pod :
        List.of(
            "hermes/hermes-atlas",
            "hermes/hermes-scribe",
            "hermes/hermes-relay",
            "coffee/brewer",
            "coffee/roaster",
            "monitoring/blackbox",
            "monitoring/uptime")) {
      assertThat(trace(List.of(CLUSTER), Map.of(), pod).outcome())
          .as(pod)
          .isEqualTo(Outcome.DENIED);
      assertThat(trace(List.of(CLUSTER, COMPANION), Map.of(), pod).outcome())
          .as(pod)
          .isEqualTo(Outcome.ALLOWED);
    }
  }

  @Test
  void readAsTheAddressItselfTheRulesAllowIt_theTrapsDefinition() {
    ClusterSnapshot snapshot = LOADED.computeIfAbsent(List.of(CLUSTER), ManifestLoader::load);
    PolicyEngine engine = PolicyEngine.of(snapshot);
    DatapathSettings settings = engine.settings(Map.of());
    Pod atlas =
        snapshot.podsIn("hermes").stream()
            .filter(p -> p.name().equals("hermes-atlas"))
            .findFirst()
            .orElseThrow();
    Flow flow = new Flow(atlas, IpText.parse("24.85.233.58"), 443, Protocol.TCP);

    Verdict pictured = engine.verdictAsAddress(flow, settings);
    Verdict actual = engine.verdict(flow, settings);

    assertThat(pictured.readAsAddress()).isTrue();
    assertThat(pictured.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(pictured.translation().translated()).isFalse();
    assertThat(pictured.destinations().get(0).identity().name()).isEqualTo("world");
    assertThat(pictured.destinations().get(0).port()).isEqualTo(443);
    assertThat(actual.outcome()).isEqualTo(Outcome.DENIED);
  }

  @Test
  void withoutKubeProxyReplacementTheExternalIpIsNotTranslatedAndAllowed() {
    Verdict v =
        trace(List.of(CLUSTER), Map.of("kube-proxy-replacement", "false", "cilium-version", "1.18"),
            "hermes/hermes-atlas");
    assertThat(v.translation().translated()).isFalse();
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
  }
}

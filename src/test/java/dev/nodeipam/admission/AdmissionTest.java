package dev.nodeipam.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.render.GuardWarnings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The guard's decision on the seed's change (examples/pr-externalip: the externalIP added). */
class AdmissionTest {
  private static final ClusterSnapshot BEFORE =
      ManifestLoader.load(List.of(Path.of("examples/pr-externalip/before")));
  private static final ClusterSnapshot AFTER =
      ManifestLoader.load(List.of(Path.of("examples/pr-externalip/after")));
  private static final StateDiff.Settings SETTINGS =
      new StateDiff.Settings(Map.of(), AuditOptions.defaults());

  @Test
  void theSeedsChangeTrapsTheGatewayAndWarnsWithinTheLimits() {
    List<TrappedGroup> groups = Admission.trapped(BEFORE, AFTER, SETTINGS);
    assertThat(groups).isNotEmpty();
    assertThat(groups).allSatisfy(g -> assertThat(g.target()).startsWith("24.85.233.58:443"));
    List<String> lines = GuardWarnings.lines(Admission.decide(groups, false, Map.of()),
        "istio-system");
    assertThat(lines).hasSizeBetween(2, GuardWarnings.MAX_GROUPS + 2);
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(120));
    assertThat(lines.get(lines.size() - 1)).endsWith("nodeipam audit -n istio-system");
    assertThat(lines.get(0)).contains("istio-system/").contains("24.85.233.58:443/TCP");
  }

  @Test
  void noChangeTrapsNothing() {
    assertThat(Admission.trapped(BEFORE, BEFORE, SETTINGS)).isEmpty();
    assertThat(GuardWarnings.lines(Admission.decide(List.of(), true, Map.of()), "x")).isEmpty();
  }

  @Test
  void aLabelChangeCannotTrapButAnExternalIpCan() {
    Service gw = BEFORE.services().stream().filter(s -> s.namespace().equals("istio-system"))
        .findFirst().orElseThrow();
    Service labelled = gw.toBuilder().labels(Map.of("team", "edge")).build();
    Service moved = gw.toBuilder().externalIps(List.of("192.0.2.1")).build();
    assertThat(Admission.mayTrap(gw, labelled)).isFalse();
    assertThat(Admission.mayTrap(gw, moved)).isTrue();
    assertThat(Admission.mayTrap(null, gw)).isTrue();
  }

  /** Every policy of the seed's cluster: relabelled it cannot trap; emptied it can. */
  @Test
  @SuppressWarnings("unchecked")
  void aPolicyWhoseMetadataAloneChangesCannotTrapButOneWhoseSpecChangesCan() {
    assertThat(BEFORE.policies()).hasSizeGreaterThanOrEqualTo(7);
    for (RawObject p : BEFORE.policies()) {
      Map<String, Object> meta =
          new LinkedHashMap<>((Map<String, Object>) p.body().get("metadata"));
      meta.put("labels", Map.of("team", "edge"));
      Map<String, Object> body = new LinkedHashMap<>(p.body());
      body.put("metadata", meta);
      RawObject relabelled = new RawObject(p.apiVersion(), p.kind(), p.namespace(), p.name(),
          body, p.source());
      Map<String, Object> changed = new LinkedHashMap<>(p.body());
      changed.put("spec", Map.of());
      RawObject rewritten = new RawObject(p.apiVersion(), p.kind(), p.namespace(), p.name(),
          changed, p.source());
      assertThat(Admission.mayTrap(p, relabelled)).as(p.key()).isFalse();
      assertThat(Admission.mayTrap(p, rewritten)).as(p.key()).isTrue();
      assertThat(Admission.mayTrap((RawObject) null, p)).isTrue();
    }
  }

  static Stream<Arguments> verdicts() {
    TrappedGroup g = new TrappedGroup("ns/web", "192.0.2.1:443/TCP", "egress", true, 3, "ns/c");
    Map<String, String> accepted = Map.of(Admission.ACCEPT_ANNOTATION, "hairpin goes away");
    Map<String, String> blank = Map.of(Admission.ACCEPT_ANNOTATION, " ");
    return Stream.of(
        Arguments.of("nothing trapped", List.of(), true, Map.of(), Verdict.Decision.ALLOW),
        Arguments.of("warn mode", List.of(g), false, Map.of(), Verdict.Decision.WARN),
        Arguments.of("enforced", List.of(g), true, Map.of(), Verdict.Decision.REFUSE),
        Arguments.of("enforced, accepted", List.of(g), true, accepted, Verdict.Decision.WARN),
        Arguments.of("enforced, blank reason", List.of(g), true, blank,
            Verdict.Decision.REFUSE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("verdicts")
  void decide(String name, List<TrappedGroup> groups, boolean enforce,
      Map<String, String> annotations, Verdict.Decision expected) {
    Verdict v = Admission.decide(groups, enforce, annotations);
    assertThat(v.decision()).isEqualTo(expected);
    assertThat(v.allowed()).isEqualTo(expected != Verdict.Decision.REFUSE);
    assertThat(v.groups()).isEqualTo(groups);
  }

  @Test
  void manyGroupsAreCountedAfterTheSeventh() {
    List<TrappedGroup> many = Stream.iterate(1, i -> i + 1).limit(12)
        .map(i -> new TrappedGroup("ns/web-with-a-rather-long-name-" + i,
            "2001:db8::" + i + ":443/TCP", "egress", false, 12345, "ns/Deployment/client-"
            + "x".repeat(80)))
        .toList();
    List<String> lines = GuardWarnings.lines(Admission.decide(many, false, Map.of()), "ns");
    assertThat(lines).hasSize(GuardWarnings.MAX_GROUPS + 2);
    assertThat(lines.get(GuardWarnings.MAX_GROUPS)).contains("and 5 more");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(120));
  }
}

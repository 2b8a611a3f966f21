package dev.nodeipam.ipam;

import static dev.nodeipam.testing.Objects.lb;
import static dev.nodeipam.testing.Objects.node;
import static dev.nodeipam.testing.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Options E6–E10, each by global flag and by the Service's own {@code nodeipam.dev/...} annotation.
 */
class NodeIpamOptionsTest {
  private static final NodeIpamOptions REFERENCE = NodeIpamOptions.reference();
  private static final Node INTERNAL_ONLY = node("n1").internal("10.0.0.1").build();
  private static final Node BOTH = node("n2").internal("10.0.0.2").external("42.0.0.2").build();

  private static IngressDecision decide(
      NodeIpamOptions options, Service s, List<Node> nodes, EndpointSlice... slices) {
    return new NodeIpam(options).decide(s, NodePool.of(nodes), List.of(slices));
  }

  // ---------------------------------------------------------------- E6 address policy

  @ParameterizedTest
  @MethodSource("addressPolicies")
  void e6_addressPolicyByFlag(AddressPolicy policy, List<String> expected) {
    IngressDecision d =
        decide(
            REFERENCE.withAddressPolicy(policy), lb("web").build(), List.of(INTERNAL_ONLY, BOTH));
    assertThat(d.ingress()).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest
  @MethodSource("addressPolicies")
  void e6_addressPolicyByAnnotation(AddressPolicy policy, List<String> expected) {
    Service s = lb("web").annotation(ServiceAnnotations.ADDRESS_POLICY, policy.text()).build();
    assertThat(decide(REFERENCE, s, List.of(INTERNAL_ONLY, BOTH)).ingress())
        .containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> addressPolicies() {
    return Stream.of(
        Arguments.of(AddressPolicy.EXTERNAL_THEN_INTERNAL, List.of("42.0.0.2")),
        Arguments.of(AddressPolicy.PER_NODE_FALLBACK, List.of("10.0.0.1", "42.0.0.2")),
        Arguments.of(AddressPolicy.EXTERNAL_ONLY, List.of("42.0.0.2")),
        Arguments.of(AddressPolicy.INTERNAL_ONLY, List.of("10.0.0.1", "10.0.0.2")));
  }

  @Test
  void e6_externalOnlyPublishesNothingWhenNoCandidateHasAnExternalIp() {
    IngressDecision d =
        decide(
            REFERENCE.withAddressPolicy(AddressPolicy.EXTERNAL_ONLY),
            lb("web").build(),
            List.of(INTERNAL_ONLY));
    assertThat(d.ingress()).isEmpty();
    assertThat(d.error()).isNull();
    assertThat(d.warnings()).singleElement().asString().contains("ExternalIP");
  }

  @Test
  void e6_perNodeFallbackChoosesPerNodeAndFamily() {
    // The choice is per node among the requested families: n2's IPv6 ExternalIP does not hide
    // its IPv4 InternalIP for an IPv4 Service.
    Node n2 = node("n2").internal("10.0.0.2").external("2001:db8::2").build();
    IngressDecision d =
        decide(
            REFERENCE.withAddressPolicy(AddressPolicy.PER_NODE_FALLBACK),
            lb("web").build(),
            List.of(n2, BOTH));
    assertThat(d.ingress()).containsExactly("10.0.0.2", "42.0.0.2");
  }

  @Test
  void e6_theAnnotationIsReadCaseInsensitivelyAndOverridesTheFlag() {
    Service s = lb("web").annotation(ServiceAnnotations.ADDRESS_POLICY, " internalonly ").build();
    IngressDecision d =
        decide(
            REFERENCE.withAddressPolicy(AddressPolicy.EXTERNAL_ONLY),
            s,
            List.of(INTERNAL_ONLY, BOTH));
    assertThat(d.ingress()).containsExactly("10.0.0.1", "10.0.0.2");
  }

  @Test
  void e6_anUnknownAddressPolicyAnnotationIsAnErrorForThatService() {
    Service s = lb("web").annotation(ServiceAnnotations.ADDRESS_POLICY, "Nearest").build();
    IngressDecision d = decide(REFERENCE, s, List.of(BOTH));
    assertThat(d.error()).contains(ServiceAnnotations.ADDRESS_POLICY).contains("Nearest");
    assertThat(d.ingress()).isNull();
    assertThatThrownBy(() -> AddressPolicy.parse("Nearest"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- E7 canonical order

  private static final List<Node> SPELLINGS =
      List.of(
          node("a").external("10.0.0.10").build(),
          node("b").external("10.0.0.2").build(),
          node("c").external("2001:0db8:0000::1").build(),
          node("d").external("2001:db8::1").build(),
          node("e").external("2001:db8::a").build(),
          node("f").external("2001:db8::9").build());

  @Test
  void e7_canonicalOrderByFlag() {
    IngressDecision v4first =
        decide(
            REFERENCE.withCanonicalOrder(true),
            lb("web").families(IpFamily.IPV4, IpFamily.IPV6).build(),
            SPELLINGS);
    assertThat(v4first.ingress())
        .containsExactly("10.0.0.2", "10.0.0.10", "2001:db8::1", "2001:db8::9", "2001:db8::a");
    IngressDecision v6first =
        decide(
            REFERENCE.withCanonicalOrder(true),
            lb("web").families(IpFamily.IPV6, IpFamily.IPV4).build(),
            SPELLINGS);
    assertThat(v6first.ingress())
        .containsExactly("2001:db8::1", "2001:db8::9", "2001:db8::a", "10.0.0.2", "10.0.0.10");
  }

  @Test
  void e7_canonicalOrderByAnnotation() {
    Service s =
        lb("web")
            .families(IpFamily.IPV4, IpFamily.IPV6)
            .annotation(ServiceAnnotations.CANONICAL_ORDER, "true")
            .build();
    assertThat(decide(REFERENCE, s, SPELLINGS).ingress())
        .containsExactly("10.0.0.2", "10.0.0.10", "2001:db8::1", "2001:db8::9", "2001:db8::a");
    Service off =
        lb("web")
            .families(IpFamily.IPV4, IpFamily.IPV6)
            .annotation(ServiceAnnotations.CANONICAL_ORDER, "FALSE")
            .build();
    assertThat(decide(REFERENCE.withCanonicalOrder(true), off, SPELLINGS).ingress())
        .as("the annotation turns the flag off for this Service: the reference order")
        .containsExactly(
            "10.0.0.10",
            "10.0.0.2",
            "2001:0db8:0000::1",
            "2001:db8::1",
            "2001:db8::9",
            "2001:db8::a");
  }

  // ---------------------------------------------------------------- E8 ready nodes only

  private static final List<Node> HEALTH =
      List.of(
          node("ok").internal("10.0.0.1").build(),
          node("down").internal("10.0.0.2").ready("False").build(),
          node("unknown").internal("10.0.0.3").ready("Unknown").build(),
          node("silent").internal("10.0.0.4").ready(null).build(),
          node("cordoned").internal("10.0.0.5").cordoned().build());

  @Test
  void e8_readyNodesOnlyByFlag() {
    IngressDecision d = decide(REFERENCE.withReadyNodesOnly(true), lb("web").build(), HEALTH);
    assertThat(d.ingress()).containsExactly("10.0.0.1");
    assertThat(d.excluded())
        .containsExactly(
            new Exclusion("cordoned", ExclusionReason.CORDONED),
            new Exclusion("down", ExclusionReason.NOT_READY),
            new Exclusion("silent", ExclusionReason.NOT_READY),
            new Exclusion("unknown", ExclusionReason.NOT_READY));
  }

  @Test
  void e8_readyNodesOnlyByAnnotationLeavesOtherServicesAlone() {
    Service strict = lb("strict").annotation(ServiceAnnotations.READY_NODES_ONLY, "true").build();
    Service plain = lb("plain").build();
    NodePool pool = NodePool.of(HEALTH);
    NodeIpam ipam = new NodeIpam(REFERENCE);
    assertThat(ipam.decide(strict, pool, List.of()).ingress()).containsExactly("10.0.0.1");
    assertThat(ipam.decide(plain, pool, List.of()).ingress()).hasSize(5);
    assertThat(ipam.decide(strict, pool, List.of()).ingress())
        .as("the shared pool's memo keeps the two apart")
        .containsExactly("10.0.0.1");
  }

  @Test
  void e8_readyNodesOnlyAppliesToLocalCandidates() {
    Service s = lb("web").local().annotation(ServiceAnnotations.READY_NODES_ONLY, "true").build();
    IngressDecision d = decide(REFERENCE, s, HEALTH, slice("web").on("ok").on("down").build());
    assertThat(d.nodes()).containsExactly("ok");
    assertThat(d.excluded()).containsExactly(new Exclusion("down", ExclusionReason.NOT_READY));
  }

  // ---------------------------------------------------------------- E9 terminating fallback

  @Test
  void e9_terminatingFallbackByFlag() {
    Node n1 = node("n1").internal("10.0.0.1").build();
    Node n2 = node("n2").internal("10.0.0.2").build();
    EndpointSlice s =
        slice("web").ready("n1").terminating("n2").endpoint("n2", false, false, true).build();
    assertThat(decide(REFERENCE, lb("web").local().build(), List.of(n1, n2), s).nodes())
        .containsExactly("n1");
    assertThat(
            decide(
                    REFERENCE.withTerminatingFallback(true),
                    lb("web").local().build(),
                    List.of(n1, n2),
                    s)
                .nodes())
        .containsExactly("n1", "n2");
  }

  @Test
  void e9_terminatingFallbackByAnnotationNeedsServingEndpoints() {
    Node n1 = node("n1").internal("10.0.0.1").build();
    Service web =
        lb("web").local().annotation(ServiceAnnotations.TERMINATING_FALLBACK, "true").build();
    assertThat(
            decide(REFERENCE, web, List.of(n1), slice("web").terminating("n1").build()).ingress())
        .containsExactly("10.0.0.1");
    assertThat(
            decide(
                    REFERENCE,
                    web,
                    List.of(n1),
                    slice("web").endpoint("n1", false, false, true).build())
                .ingress())
        .as("terminating but no longer serving: still nothing")
        .isEmpty();
  }

  // ---------------------------------------------------------------- E10 ipMode

  @ParameterizedTest
  @ValueSource(strings = {"VIP", "Proxy"})
  void e10_ipModeByFlagAndByAnnotation(String mode) {
    assertThat(decide(REFERENCE.withIpMode(mode), lb("web").build(), List.of(BOTH)).ipMode())
        .isEqualTo(mode);
    Service s = lb("web").annotation(ServiceAnnotations.IP_MODE, mode).build();
    IngressDecision d = decide(REFERENCE, s, List.of(BOTH));
    assertThat(d.ipMode()).isEqualTo(mode);
    assertThat(d.ingress()).containsExactly("42.0.0.2");
  }

  @Test
  void e10_anInvalidIpModeIsRejected() {
    Service s = lb("web").annotation(ServiceAnnotations.IP_MODE, "vip").build();
    assertThat(decide(REFERENCE, s, List.of(BOTH)).error()).contains(ServiceAnnotations.IP_MODE);
    assertThatThrownBy(() -> REFERENCE.withIpMode("Direct"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ---------------------------------------------------------------- annotations in general

  @Test
  void theExcludeLabelReadingCanBeChosenPerService() {
    Node labelledFalse =
        node("n3").label(NodeEligibility.EXCLUDE_LABEL, "false").internal("10.0.0.3").build();
    Service s =
        lb("web").annotation(ServiceAnnotations.EXCLUDE_LABEL_FALSE_KEEPS_NODE, "true").build();
    assertThat(decide(REFERENCE, s, List.of(labelledFalse)).nodes()).containsExactly("n3");
    assertThat(decide(REFERENCE, lb("web").build(), List.of(labelledFalse)).nodes()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "1", "", "on"})
  void aBooleanAnnotationThatIsNeitherTrueNorFalseIsAnError(String value) {
    Service s =
        lb("web")
            .annotation(ServiceAnnotations.READY_NODES_ONLY, value)
            .currentIngress("192.0.2.1")
            .build();
    IngressDecision d = decide(REFERENCE, s, List.of(BOTH));
    assertThat(d.handled()).isTrue();
    assertThat(d.error()).contains(ServiceAnnotations.READY_NODES_ONLY);
    assertThat(d.ingress()).isNull();
  }

  @Test
  void annotationsOnAServiceWeDoNotOwnAreNotEvenRead() {
    Service s =
        lb("web")
            .lbClass("example.com/metal")
            .annotation(ServiceAnnotations.IP_MODE, "bogus")
            .build();
    IngressDecision d = decide(REFERENCE, s, List.of(BOTH));
    assertThat(d.handled()).isFalse();
    assertThat(d.error()).isNull();
  }
}

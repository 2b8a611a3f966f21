package dev.nodeipam.ipam;

import static dev.nodeipam.testing.Objects.lb;
import static dev.nodeipam.testing.Objects.node;
import static dev.nodeipam.testing.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import dev.nodeipam.testing.Objects.ServiceBuilder;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Items R1–R25 and R27 of docs/spec/node-ipam.md, one test (or more) per item. */
class NodeIpamBehaviourTest {
  private static final NodeIpamOptions REFERENCE = NodeIpamOptions.reference();

  private static final Node PLAIN_1 = node("n1").internal("10.0.0.1").build();
  private static final Node PLAIN_2 = node("n2").internal("10.0.0.2").build();

  static IngressDecision decide(Service s, List<Node> nodes, EndpointSlice... slices) {
    return decide(REFERENCE, s, nodes, slices);
  }

  static IngressDecision decide(
      NodeIpamOptions options, Service s, List<Node> nodes, EndpointSlice... slices) {
    return new NodeIpam(options).decide(s, NodePool.of(nodes), List.of(slices));
  }

  // ---------------------------------------------------------------- which Services (R1–R5)

  @Test
  void r1_loadBalancerOfTheConfiguredClassIsHandled() {
    IngressDecision d = decide(lb("web").build(), List.of(PLAIN_1));
    assertThat(d.handled()).isTrue();
    assertThat(d.ingress()).containsExactly("10.0.0.1");

    Service custom = lb("web").lbClass("example.com/mine").build();
    assertThat(decide(custom, List.of(PLAIN_1)).handled()).isFalse();
    IngressDecision owned =
        decide(REFERENCE.withLoadBalancerClass("example.com/mine"), custom, List.of(PLAIN_1));
    assertThat(owned.handled()).isTrue();
    assertThat(owned.ingress()).containsExactly("10.0.0.1");
  }

  @Test
  void r2_classlessLoadBalancerIsHandledOnlyWithTheDefaultClassOption() {
    Service classless = lb("web").lbClass(null).build();
    IngressDecision off = decide(classless, List.of(PLAIN_1));
    assertThat(off.handled()).isFalse();
    assertThat(off.ingress()).isNull();
    IngressDecision on = decide(REFERENCE.withDefaultClass(true), classless, List.of(PLAIN_1));
    assertThat(on.handled()).isTrue();
    assertThat(on.ingress()).containsExactly("10.0.0.1");
  }

  @Test
  void r2_defaultClassDoesNotTakeOverAnotherClass() {
    Service other = lb("web").lbClass("example.com/metal").build();
    assertThat(decide(REFERENCE.withDefaultClass(true), other, List.of(PLAIN_1)).handled())
        .isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ClusterIP", "NodePort", "ExternalName"})
  void r3_anotherTypeWithOurClassIsNeverWritten(String type) {
    Service s = lb("web").type(ServiceType.fromWire(type)).currentIngress("192.0.2.1").build();
    IngressDecision d = decide(s, List.of(PLAIN_1));
    assertThat(d.handled()).isFalse();
    assertThat(d.ingress()).as("null ingress: the status is left exactly as it is").isNull();
    assertThat(d.notHandledReason()).contains(type);
  }

  @Test
  void r3_anotherClassIsNeverWrittenEvenWithDefaultClassOn() {
    Service s = lb("web").lbClass("example.com/metal").currentIngress("192.0.2.1").build();
    for (NodeIpamOptions o : List.of(REFERENCE, REFERENCE.withDefaultClass(true))) {
      IngressDecision d = decide(o, s, List.of(PLAIN_1));
      assertThat(d.handled()).isFalse();
      assertThat(d.ingress()).isNull();
      assertThat(d.notHandledReason()).contains("example.com/metal");
    }
  }

  @Test
  void r4_aServiceBeingDeletedIsNotReconciled() {
    IngressDecision d = decide(lb("web").deleting().build(), List.of(PLAIN_1));
    assertThat(d.handled()).isFalse();
    assertThat(d.ingress()).isNull();
  }

  @Test
  void r5_aServiceThatNoLongerExistsIsNoErrorOnlyAbsent() {
    // Its EndpointSlices may outlive it for a moment: nothing is decided for them, and nothing
    // fails.
    ClusterSnapshot snapshot =
        ClusterSnapshot.builder()
            .node(PLAIN_1)
            .endpointSlice(slice("gone").on("n1").build())
            .build();
    assertThat(ClusterPlan.compute(snapshot, REFERENCE)).isEmpty();
    assertThat(snapshot.service("default", "gone")).isEmpty();
  }

  // ---------------------------------------------------------------- which nodes (R6–R10)

  @Test
  void r6_aNodeBeingDeletedIsNeverUsed() {
    Node deleting = node("n3").external("42.0.0.3").deleting().build();
    IngressDecision cluster = decide(lb("web").build(), List.of(PLAIN_1, deleting));
    assertThat(cluster.ingress()).containsExactly("10.0.0.1");
    assertThat(cluster.excluded()).containsExactly(new Exclusion("n3", ExclusionReason.DELETING));

    IngressDecision local =
        decide(
            lb("web").local().build(),
            List.of(PLAIN_1, deleting),
            slice("web").on("n1").on("n3").build());
    assertThat(local.ingress()).containsExactly("10.0.0.1");
    assertThat(local.nodes()).containsExactly("n1");
    assertThat(local.excluded()).containsExactly(new Exclusion("n3", ExclusionReason.DELETING));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "true", "false", "False", "no", "anything"})
  void r7_excludeLabelExcludesWhateverItsValue(String value) {
    Node labelled =
        node("n3").label(NodeEligibility.EXCLUDE_LABEL, value).external("42.0.0.3").build();
    IngressDecision d = decide(lb("web").build(), List.of(PLAIN_1, labelled));
    assertThat(d.ingress()).containsExactly("10.0.0.1");
    assertThat(d.excluded()).containsExactly(new Exclusion("n3", ExclusionReason.EXCLUDE_LABEL));
  }

  @Test
  void r7_optionUpstreamReadingKeepsANodeLabelledFalse() {
    NodeIpamOptions upstream = REFERENCE.withExcludeLabelFalseKeepsNode(true);
    Node labelledFalse =
        node("n3").label(NodeEligibility.EXCLUDE_LABEL, "false").external("42.0.0.3").build();
    Node labelledEmpty =
        node("n4").label(NodeEligibility.EXCLUDE_LABEL, "").external("42.0.0.4").build();
    IngressDecision d =
        decide(upstream, lb("web").build(), List.of(PLAIN_1, labelledFalse, labelledEmpty));
    assertThat(d.ingress()).containsExactly("42.0.0.3");
    assertThat(d.excluded()).containsExactly(new Exclusion("n4", ExclusionReason.EXCLUDE_LABEL));
  }

  @ParameterizedTest
  @MethodSource("autoscalerTaints")
  void r8_autoscalerTaintExcludesWithAnyValueAndEffect(String value, String effect) {
    Node tainted =
        node("n3")
            .taint(NodeEligibility.TO_BE_DELETED_TAINT, value, effect)
            .external("42.0.0.3")
            .build();
    IngressDecision d = decide(lb("web").build(), List.of(PLAIN_1, tainted));
    assertThat(d.ingress()).containsExactly("10.0.0.1");
    assertThat(d.excluded())
        .containsExactly(new Exclusion("n3", ExclusionReason.TO_BE_DELETED_TAINT));
  }

  static Stream<Arguments> autoscalerTaints() {
    return Stream.of(
        Arguments.of("1700000000", "NoSchedule"),
        Arguments.of(null, "NoExecute"),
        Arguments.of("", "PreferNoSchedule"),
        Arguments.of("x", null));
  }

  @Test
  void r9_notReadyUnknownCordonedAndOtherwiseTaintedNodesAreUsed() {
    List<Node> nodes =
        List.of(
            node("n1").internal("10.0.0.1").ready("False").build(),
            node("n2").internal("10.0.0.2").ready("Unknown").build(),
            node("n3").internal("10.0.0.3").ready(null).build(),
            node("n4").internal("10.0.0.4").cordoned().build(),
            node("n5").internal("10.0.0.5").taint("dedicated", "gpu", "NoSchedule").build(),
            node("n6")
                .internal("10.0.0.6")
                .taint("node.kubernetes.io/unreachable", null, "NoExecute")
                .build());
    IngressDecision d = decide(lb("web").build(), nodes);
    assertThat(d.ingress())
        .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6");
    assertThat(d.excluded()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Cluster", ""})
  void r10_withoutSelectorAndClusterPolicyEveryEligibleNodeIsACandidate(String etp) {
    Node excluded = node("n3").internal("10.0.0.3").deleting().build();
    IngressDecision d = decide(lb("web").etp(etp.isEmpty() ? null : TrafficPolicy.fromWire(etp)).build(), List.of(PLAIN_1, PLAIN_2, excluded));
    assertThat(d.nodes()).containsExactly("n1", "n2");
    assertThat(d.ingress()).containsExactly("10.0.0.1", "10.0.0.2");
  }

  @Test
  void r10_anAbsentPolicyIsClusterToo() {
    IngressDecision d = decide(lb("web").etp(null).build(), List.of(PLAIN_1, PLAIN_2));
    assertThat(d.nodes()).containsExactly("n1", "n2");
  }

  // ---------------------------------------------------------------- selector (R11–R14)

  @ParameterizedTest
  @MethodSource("selectorForms")
  void r11_selectorStringPicksOnlyMatchingNodes(String selector, List<String> expectedNodes) {
    List<Node> nodes =
        List.of(
            node("n1").label("zone", "a").label("ssd", "").internal("10.0.0.1").build(),
            node("n2").label("zone", "b").internal("10.0.0.2").build(),
            node("n3").label("zone", "c").label("ssd", "").internal("10.0.0.3").build(),
            node("n4").internal("10.0.0.4").build());
    IngressDecision d = decide(lb("web").selector(selector).build(), nodes);
    assertThat(d.error()).isNull();
    assertThat(d.nodes()).containsExactlyElementsOf(expectedNodes);
    assertThat(d.unselectedNodes()).isEqualTo(4 - expectedNodes.size());
  }

  static Stream<Arguments> selectorForms() {
    return Stream.of(
        Arguments.of("zone=a", List.of("n1")),
        Arguments.of("zone==b", List.of("n2")),
        Arguments.of("zone!=a", List.of("n2", "n3", "n4")),
        Arguments.of("zone in (a,c)", List.of("n1", "n3")),
        Arguments.of("zone notin (a)", List.of("n2", "n3", "n4")),
        Arguments.of("ssd", List.of("n1", "n3")),
        Arguments.of("!ssd", List.of("n2", "n4")),
        Arguments.of("ssd,zone!=a", List.of("n3")),
        Arguments.of("zone in (a,b,c),!ssd", List.of("n2")));
  }

  /** The reference's selector table: three nodes with InternalIPs only. */
  @ParameterizedTest
  @MethodSource("selectorTable")
  void r11_referenceSelectorTable(String selector, List<String> expected) {
    List<Node> nodes =
        List.of(
            node("node-1")
                .label("all", "true")
                .label("ingress-ready", "true")
                .label("group", "first")
                .internal("10.0.0.1")
                .build(),
            node("node-2")
                .label("all", "true")
                .label("group", "notfirst")
                .label("test/label", "is-good")
                .internal("10.0.0.2")
                .build(),
            node("node-3")
                .label("all", "true")
                .label("group", "notfirst")
                .internal("10.0.0.3")
                .build());
    IngressDecision d = decide(lb("web").selector(selector).build(), nodes);
    if (expected == null) {
      assertThat(d.error()).contains("io.cilium.nodeipam/match-node-labels");
      assertThat(d.ingress()).isNull();
    } else {
      assertThat(d.error()).isNull();
      assertThat(d.nodes()).containsExactlyElementsOf(expected);
      assertThat(d.ingress())
          .containsExactlyElementsOf(
              expected.stream().map(n -> "10.0.0." + n.substring(5)).toList());
    }
  }

  static Stream<Arguments> selectorTable() {
    return Stream.of(
        Arguments.of("all=true", List.of("node-1", "node-2", "node-3")),
        Arguments.of("ingress-ready=true", List.of("node-1")),
        Arguments.of("group=notfirst", List.of("node-2", "node-3")),
        Arguments.of("group notin (first),test/label=is-good", List.of("node-2")),
        Arguments.of("-12,52/d", null));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t"})
  void r12_anEmptySelectorMeansNoFilter(String selector) {
    IngressDecision d = decide(lb("web").selector(selector).build(), List.of(PLAIN_1, PLAIN_2));
    assertThat(d.error()).isNull();
    assertThat(d.nodes()).containsExactly("n1", "n2");
    assertThat(d.unselectedNodes()).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"zone in (a", "zone=a,", "=a", "zone=a b", "Zone_=x", "k=v=w", "a,,b", "x in a"})
  void r13_anUnparsableSelectorIsAnErrorAndLeavesTheStatus(String selector) {
    Service s = lb("web").selector(selector).currentIngress("192.0.2.50").build();
    IngressDecision d = decide(s, List.of(PLAIN_1));
    assertThat(d.handled()).isTrue();
    assertThat(d.isError()).isTrue();
    assertThat(d.error())
        .contains("io.cilium.nodeipam/match-node-labels")
        .contains(selector.trim());
    assertThat(d.ingress()).as("null: the status is not written").isNull();
  }

  @Test
  void r13_anUnparsableSelectorIsAnErrorWithLocalPolicyToo() {
    IngressDecision d =
        decide(
            lb("web").local().selector("zone in (a").build(),
            List.of(PLAIN_1),
            slice("web").on("n1").build());
    assertThat(d.isError()).isTrue();
    assertThat(d.ingress()).isNull();
  }

  @Test
  void r14_aSelectorThatMatchesNoNodePublishesAnEmptyListWithAWarning() {
    IngressDecision d = decide(lb("web").selector("zone=mars").build(), List.of(PLAIN_1, PLAIN_2));
    assertThat(d.error()).isNull();
    assertThat(d.ingress()).isEmpty();
    assertThat(d.warnings()).singleElement().asString().contains("zone=mars");
  }

  // ---------------------------------------------------------------- externalTrafficPolicy
  // (R15–R19)

  @Test
  void r15_localUsesTheNodesNamedByTheServicesOwnSlices() {
    Node n3 = node("n3").internal("10.0.0.3").build();
    Service web = lb("web").namespace("shop").local().build();
    EndpointSlice own = slice("web").named("web-1").build();
    own = withNamespace(slice("web").named("web-1").on("n1").build(), "shop");
    EndpointSlice sameNameOtherNamespace = slice("web").named("web-2").on("n2").build();
    EndpointSlice otherService =
        withNamespace(slice("api").named("api-1").on("n3").build(), "shop");
    ClusterSnapshot snapshot =
        ClusterSnapshot.builder()
            .node(PLAIN_1)
            .node(PLAIN_2)
            .node(n3)
            .service(web)
            .endpointSlice(own)
            .endpointSlice(sameNameOtherNamespace)
            .endpointSlice(otherService)
            .build();
    IngressDecision d = ClusterPlan.compute(snapshot, REFERENCE).get(0).decision();
    assertThat(d.nodes()).containsExactly("n1");
    assertThat(d.ingress()).containsExactly("10.0.0.1");
  }

  @Test
  void r15_localUnionsEveryEndpointSliceOfTheService() {
    IngressDecision d =
        decide(
            lb("web").local().build(),
            List.of(PLAIN_1, PLAIN_2, node("n3").internal("10.0.0.3").build()),
            slice("web").named("web-a").on("n1").build(),
            slice("web").named("web-b").on("n2").on("n1").build());
    assertThat(d.nodes()).containsExactly("n1", "n2");
    assertThat(d.ingress()).containsExactly("10.0.0.1", "10.0.0.2");
  }

  @Test
  void r15_aLocalServicesSelectorStillFiltersItsEndpointNodes() {
    Node a = node("n1").label("zone", "a").internal("10.0.0.1").build();
    Node b = node("n2").label("zone", "b").internal("10.0.0.2").build();
    Node c = node("n3").label("zone", "a").internal("10.0.0.3").build();
    IngressDecision d =
        decide(
            lb("web").local().selector("zone=a").build(),
            List.of(a, b, c),
            slice("web").on("n1").on("n2").build());
    assertThat(d.nodes()).containsExactly("n1");
    assertThat(d.ingress()).containsExactly("10.0.0.1");
    assertThat(d.excluded())
        .containsExactly(new Exclusion("n2", ExclusionReason.SELECTOR_MISMATCH));
    assertThat(d.unselectedNodes()).as("nodes without endpoints are not counted").isZero();
  }

  @Test
  void r16_aNotReadyEndpointDoesNotCountButAnAbsentReadyDoes() {
    Node n3 = node("n3").internal("10.0.0.3").build();
    IngressDecision d =
        decide(
            lb("web").local().build(),
            List.of(PLAIN_1, PLAIN_2, n3),
            slice("web").on("n1").notReady("n2").ready("n3").build());
    assertThat(d.nodes()).containsExactly("n1", "n3");
    assertThat(d.ingress()).containsExactly("10.0.0.1", "10.0.0.3");
    assertThat(d.excluded())
        .containsExactly(new Exclusion("n2", ExclusionReason.NO_READY_ENDPOINT));
  }

  @Test
  void r16_servingAndTerminatingAreIgnored() {
    Node n3 = node("n3").internal("10.0.0.3").build();
    IngressDecision d =
        decide(
            lb("web").local().build(),
            List.of(PLAIN_1, PLAIN_2, n3),
            slice("web")
                .endpoint("n1", true, false, true) // ready though terminating: counts
                .endpoint("n2", null, false, null) // ready absent, not serving: counts
                .terminating("n3") // serving but terminating, not ready: does not count
                .build());
    assertThat(d.nodes()).containsExactly("n1", "n2");
  }

  @Test
  void r16_oneReadyEndpointOnANodeIsEnough() {
    IngressDecision d =
        decide(
            lb("web").local().build(),
            List.of(PLAIN_1),
            slice("web").notReady("n1").ready("n1").build());
    assertThat(d.nodes()).containsExactly("n1");
  }

  @Test
  void r17_anEndpointWithoutNodeNameOrNamingAnUnknownNodeIsIgnored() {
    IngressDecision d =
        decide(
            lb("web").local().build(),
            List.of(PLAIN_1, PLAIN_2),
            slice("web").on(null).on("ghost").on("n2").build());
    assertThat(d.error()).isNull();
    assertThat(d.nodes()).containsExactly("n2");
    assertThat(d.ingress()).containsExactly("10.0.0.2");
    assertThat(d.excluded()).containsExactly(new Exclusion("ghost", ExclusionReason.UNKNOWN_NODE));
  }

  @Test
  void r18_localWithoutAQualifyingEndpointPublishesAnEmptyList() {
    Service web = lb("web").local().build();
    IngressDecision noSlices = decide(web, List.of(PLAIN_1, PLAIN_2));
    assertThat(noSlices.error()).isNull();
    assertThat(noSlices.ingress()).isEmpty();
    assertThat(noSlices.warnings()).singleElement().asString().contains("Local");

    IngressDecision onlyNotReady =
        decide(web, List.of(PLAIN_1, PLAIN_2), slice("web").notReady("n1").build());
    assertThat(onlyNotReady.ingress()).isEmpty();
    IngressDecision onlyExcluded =
        decide(
            web,
            List.of(PLAIN_1, node("n9").internal("10.0.0.9").deleting().build()),
            slice("web").on("n9").build());
    assertThat(onlyExcluded.ingress()).isEmpty();
  }

  @Test
  void r19_changesToPolicySlicesOrServiceArePickedUpByTheNextDecision() {
    Node n3 = node("n3").label("zone", "c").internal("10.0.0.3").build();
    List<Node> nodes = List.of(PLAIN_1, PLAIN_2, n3);
    EndpointSlice onN1 = slice("web").on("n1").build();
    assertThat(decide(lb("web").build(), nodes, onN1).ingress())
        .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
    assertThat(decide(lb("web").local().build(), nodes, onN1).ingress())
        .containsExactly("10.0.0.1");
    assertThat(decide(lb("web").local().build(), nodes, slice("web").on("n2").build()).ingress())
        .containsExactly("10.0.0.2");
    assertThat(decide(lb("web").selector("zone=c").build(), nodes, onN1).ingress())
        .containsExactly("10.0.0.3");
    assertThat(decide(lb("web").local().build(), nodes, onN1).ingress())
        .as("the same inputs again give the same answer: nothing is remembered")
        .containsExactly("10.0.0.1");
  }

  // ---------------------------------------------------------------- addresses (R20–R25)

  @Test
  void r20_onlyExternalAndInternalAddressesThatAreIpsAreUsed() {
    Node n =
        node("n1")
            .address("Hostname", "10.9.9.9")
            .address("InternalDNS", "10.9.9.8")
            .address("ExternalDNS", "42.9.9.9")
            .internal("node-1.example")
            .internal("10.0.0.1/24")
            .internal(" 10.0.0.7")
            .internal("")
            .internal("10.0.0.1")
            .build();
    assertThat(decide(lb("web").build(), List.of(n)).ingress()).containsExactly("10.0.0.1");
  }

  @Test
  void r20_anExternalEntryThatIsNoIpDoesNotHideInternalIps() {
    Node n = node("n1").external("lb.example.com").internal("10.0.0.1").build();
    assertThat(decide(lb("web").build(), List.of(n)).ingress()).containsExactly("10.0.0.1");
  }

  @Test
  void r21_onlyTheServicesFamiliesAreUsed() {
    Node n = node("n1").internal("10.0.0.1").internal("fd00::1").build();
    assertThat(decide(lb("web").families(IpFamily.IPV4).build(), List.of(n)).ingress())
        .containsExactly("10.0.0.1");
    assertThat(decide(lb("web").families(IpFamily.IPV6).build(), List.of(n)).ingress())
        .containsExactly("fd00::1");
    assertThat(decide(lb("web").families(IpFamily.IPV4, IpFamily.IPV6).build(), List.of(n)).ingress())
        .containsExactly("10.0.0.1", "fd00::1");
    assertThat(decide(lb("web").families().build(), List.of(n)).ingress())
        .as("no family requested, nothing published")
        .isEmpty();
  }

  @Test
  void r22_externalIpsOfAnyCandidateHideEveryInternalIp() {
    Node internalOnly = node("n1").internal("10.0.0.1").build();
    Node withExternal = node("n2").internal("10.0.0.2").external("42.0.0.2").build();
    IngressDecision d = decide(lb("web").build(), List.of(internalOnly, withExternal));
    assertThat(d.ingress())
        .as("one decision for the whole Service, not per node")
        .containsExactly("42.0.0.2");
    assertThat(d.nodes()).containsExactly("n1", "n2");
  }

  @Test
  void r22_familyFilterComesBeforeTheExternalChoice() {
    // n2's only ExternalIP is IPv6: for an IPv4 Service it does not count, so InternalIPs are used.
    Node n1 = node("n1").internal("10.0.0.1").build();
    Node n2 = node("n2").internal("10.0.0.2").external("2001:db8::2").build();
    assertThat(decide(lb("web").families(IpFamily.IPV4).build(), List.of(n1, n2)).ingress())
        .containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(decide(lb("web").families(IpFamily.IPV6).build(), List.of(n1, n2)).ingress())
        .containsExactly("2001:db8::2");
    assertThat(decide(lb("web").families(IpFamily.IPV4, IpFamily.IPV6).build(), List.of(n1, n2)).ingress())
        .as("dual stack: the IPv6 ExternalIP hides the IPv4 InternalIPs too")
        .containsExactly("2001:db8::2");
  }

  @Test
  void r23_theSameAddressOnSeveralNodesIsPublishedOnce() {
    Node n1 = node("n1").external("42.0.0.9").internal("10.0.0.1").build();
    Node n2 = node("n2").external("42.0.0.9").build();
    Node n3 = node("n3").internal("10.0.0.1").internal("10.0.0.1").build();
    assertThat(decide(lb("web").build(), List.of(n1, n2)).ingress()).containsExactly("42.0.0.9");
    assertThat(
            decide(lb("web").build(), List.of(n3, node("n4").internal("10.0.0.1").build()))
                .ingress())
        .containsExactly("10.0.0.1");
  }

  @Test
  void r24_plainStringSortWithTheTextKeptAsTheNodeHasIt() {
    List<Node> nodes =
        List.of(
            node("a").internal("10.0.0.2").build(),
            node("b").internal("10.0.0.10").build(),
            node("c").internal("2001:0000::1").build(),
            node("d").internal("9.0.0.1").build(),
            node("e").internal("100.0.0.1").build());
    IngressDecision d = decide(lb("web").families(IpFamily.IPV4, IpFamily.IPV6).build(), nodes);
    assertThat(d.ingress())
        .containsExactly("10.0.0.10", "10.0.0.2", "100.0.0.1", "2001:0000::1", "9.0.0.1");
  }

  @Test
  void r24_anIpv6StringMayComeFirst() {
    List<Node> nodes =
        List.of(node("a").external("42.0.0.1").build(), node("b").external("2001:db8::1").build());
    assertThat(decide(lb("web").families(IpFamily.IPV4, IpFamily.IPV6).build(), nodes).ingress())
        .containsExactly("2001:db8::1", "42.0.0.1");
  }

  @Test
  void r24_differentSpellingsOfOneAddressAreDifferentEntries() {
    List<Node> nodes =
        List.of(
            node("a").external("2001:db8::1").build(), node("b").external("2001:0db8::1").build());
    assertThat(decide(lb("web").families(IpFamily.IPV6).build(), nodes).ingress())
        .containsExactly("2001:0db8::1", "2001:db8::1");
  }

  @Test
  void r25_eachEntryIsAnAddressOnlyWithoutIpModeByDefault() {
    IngressDecision d = decide(lb("web").build(), List.of(PLAIN_1));
    assertThat(d.ipMode()).isNull();
    assertThat(d.ingress()).containsExactly("10.0.0.1");
  }

  // ---------------------------------------------------------------- R27

  @Test
  void r27_noCandidateGivesAnEmptyListAndNoError() {
    Node excluded = node("n1").internal("10.0.0.1").deleting().build();
    for (IngressDecision d :
        List.of(
            decide(lb("web").build(), List.of()),
            decide(lb("web").build(), List.of(excluded)),
            decide(lb("web").selector("zone=none").build(), List.of(PLAIN_1)),
            decide(lb("web").local().build(), List.of(PLAIN_1)))) {
      assertThat(d.handled()).isTrue();
      assertThat(d.error()).isNull();
      assertThat(d.ingress()).isNotNull().isEmpty();
      assertThat(d.warnings()).isNotEmpty();
    }
  }

  @Test
  void r27_candidatesWithoutAnAddressOfTheFamilyAlsoGiveAnEmptyList() {
    IngressDecision d = decide(lb("web").families(IpFamily.IPV6).build(), List.of(PLAIN_1));
    assertThat(d.nodes()).containsExactly("n1");
    assertThat(d.ingress()).isEmpty();
    assertThat(d.error()).isNull();
    assertThat(d.warnings()).singleElement().asString().contains("IPv6");
  }

  // ---------------------------------------------------------------- the reference test table

  @Nested
  class ReferenceTable {
    final List<Node> nodes =
        List.of(
            node("node-1").internal("10.0.0.1").external("2001:0000::1").build(),
            node("node-2").internal("fc00::2").external("42.0.0.2").build(),
            node("node-3").external("2001:0000::3").external("42.0.0.3").build(),
            node("node-4").external("42.0.0.4").internal("10.0.0.4").deleting().build(),
            node("node-5").label(NodeEligibility.EXCLUDE_LABEL, "").external("42.0.0.5").build(),
            node("node-6")
                .taint(NodeEligibility.TO_BE_DELETED_TAINT, "1700000000", "NoSchedule")
                .external("42.0.0.6")
                .build());

    IngressDecision run(ServiceBuilder service, EndpointSlice... slices) {
      return decide(service.build(), nodes, slices);
    }

    @Test
    void ipv4LocalOnNode1AndANotReadyNode2PublishesNode1sInternalIp() {
      assertThat(
              run(
                      lb("s").local().families(IpFamily.IPV4),
                      slice("s").on("node-1").notReady("node-2").build())
                  .ingress())
          .containsExactly("10.0.0.1");
    }

    @Test
    void ipv4LocalOnNodes1And2PublishesNode2sExternalIp() {
      assertThat(
              run(lb("s").local().families(IpFamily.IPV4), slice("s").on("node-1").on("node-2").build())
                  .ingress())
          .containsExactly("42.0.0.2");
    }

    @Test
    void ipv6LocalOnNode2PublishesItsInternalIp() {
      assertThat(run(lb("s").local().families(IpFamily.IPV6), slice("s").on("node-2").build()).ingress())
          .containsExactly("fc00::2");
    }

    @Test
    void ipv6LocalOnNodes1And2PublishesNode1sExternalIpAsWritten() {
      assertThat(
              run(lb("s").local().families(IpFamily.IPV6), slice("s").on("node-1").on("node-2").build())
                  .ingress())
          .containsExactly("2001:0000::1");
    }

    @Test
    void dualStackLocalWithAnUnknownNodePublishesBothExternalIps() {
      assertThat(
              run(
                      lb("s").local().families(IpFamily.IPV4, IpFamily.IPV6),
                      slice("s").on("node-1").on("node-2").on("node-unknown").build())
                  .ingress())
          .containsExactly("2001:0000::1", "42.0.0.2");
    }

    @Test
    void ipv4ClusterPublishesTheIpv4ExternalIpsOfTheEligibleNodes() {
      IngressDecision d = run(lb("s").families(IpFamily.IPV4));
      assertThat(d.ingress()).containsExactly("42.0.0.2", "42.0.0.3");
      assertThat(d.excluded())
          .containsExactly(
              new Exclusion("node-4", ExclusionReason.DELETING),
              new Exclusion("node-5", ExclusionReason.EXCLUDE_LABEL),
              new Exclusion("node-6", ExclusionReason.TO_BE_DELETED_TAINT));
    }

    @Test
    void excludedNodesNamedByLocalEndpointsAreStillLeftOut() {
      IngressDecision d =
          run(
              lb("s").local().families(IpFamily.IPV4),
              slice("s").on("node-4").on("node-5").on("node-6").build());
      assertThat(d.ingress()).isEmpty();
      assertThat(d.excluded())
          .extracting(Exclusion::node)
          .containsExactly("node-4", "node-5", "node-6");
    }
  }

  private static EndpointSlice withNamespace(EndpointSlice s, String namespace) {
    return new EndpointSlice(
        namespace,
        s.name(),
        s.serviceName(),
        s.addressType(),
        s.endpoints(),
        s.ports(),
        s.source());
  }
}

package dev.nodeipam.reconcile;

import static dev.nodeipam.testing.Objects.lb;
import static dev.nodeipam.testing.Objects.node;
import static dev.nodeipam.testing.Objects.slice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.ipam.PublishStatus;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceCondition;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code nodeipam.dev/AddressesPublished} condition (docs/controller.md, "Status
 * conditions"): which status and reason each situation gets, what its message names, that it is
 * written only when what it says changes, its transition time, and its removal under E11.
 */
class StatusConditionTest {
  private static final NodeIpamOptions OPTIONS = NodeIpamOptions.reference();
  private static final Node A = node("a").internal("10.0.0.1").label("pool", "blue").build();
  private static final Node B = node("b").internal("10.0.0.2").label("pool", "blue").build();
  private static final Node EXCLUDED =
      node("c").internal("10.0.0.3").label(NodeEligibility.EXCLUDE_LABEL, "").build();
  private static final Node DELETING = node("d").internal("10.0.0.4").deleting().build();

  /** One situation and the condition it must give. */
  record Row(
      String name,
      Service service,
      List<Node> nodes,
      List<EndpointSlice> slices,
      String status,
      String reason,
      List<String> says) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> situations() {
    return Stream.of(
        new Row("published", lb("web").build(), List.of(A, B, EXCLUDED), List.of(), "True",
            "Published", List.of("Published 2 addresses (IPv4) from 2 nodes.")),
        new Row("one address, one node", lb("web").selector("pool=blue").build(),
            List.of(A), List.of(), "True", "Published",
            List.of("Published 1 address (IPv4) from 1 node.")),
        new Row("selector matches nothing", lb("web").selector("pool=red").build(),
            List.of(A, B), List.of(), "False", "NoNodeMatchesSelector",
            List.of("\"pool=red\"", "IPv4", "2 not matched by the selector")),
        new Row("selector does not parse", lb("web").selector("pool in (").build(),
            List.of(A), List.of(), "False", "InvalidSelector",
            List.of("does not parse", "status left as it is", "pool in (")),
        new Row("option annotation does not parse",
            lb("web").annotation(ServiceAnnotations.ADDRESS_POLICY, "bogus").build(), List.of(A),
            List.of(), "False", "InvalidAnnotation", List.of("bogus")),
        new Row("Local without a ready endpoint", lb("web").local().build(), List.of(A, B),
            List.of(slice("web").notReady("a").build()), "False", "NoReadyEndpoints",
            List.of("externalTrafficPolicy Local", "1 no-ready-endpoint")),
        new Row("no address of the family", lb("web").families(IpFamily.IPV6).build(),
            List.of(A, B), List.of(), "False", "NoAddressOfFamily",
            List.of("2 candidate nodes have no address of the families IPv6")),
        new Row("every node left out", lb("web").build(), List.of(EXCLUDED, DELETING), List.of(),
            "False", "AllNodesExcluded",
            List.of("Selector none", "1 deleting", "1 exclude-label")),
        new Row("every matching node left out", lb("web").selector("pool=blue").build(),
            List.of(node("e").internal("10.0.0.5").label("pool", "blue")
                .label(NodeEligibility.EXCLUDE_LABEL, "").build(), EXCLUDED),
            List.of(), "False", "AllNodesExcluded",
            List.of("\"pool=blue\"", "1 exclude-label", "1 not matched by the selector")),
        new Row("no node at all", lb("web").build(), List.of(), List.of(), "False", "NoNodes",
            List.of("The cluster has no node")));
  }

  private static ReconcileAction decide(Service service, List<Node> nodes, List<EndpointSlice> s) {
    return new ServiceReconcile(OPTIONS, false)
        .decide(
            new Observed(
                service.key(),
                service,
                NodePool.of(nodes),
                s,
                false,
                Reported.NONE,
                Role.WRITER,
                false));
  }

  private static ServiceCondition written(ReconcileAction action) {
    assertThat(action.write()).as("a write").isNotNull();
    return StatusConditions.find(action.write().conditions());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("situations")
  void eachSituationHasItsReasonAndAMessageThatSaysWhy(Row row) {
    Service service = row.service().toBuilder().generation(3).build();
    ServiceCondition c = written(decide(service, row.nodes(), row.slices()));
    assertThat(c.type()).isEqualTo(PublishStatus.TYPE);
    assertThat(c.status()).isEqualTo(row.status());
    assertThat(c.reason()).isEqualTo(row.reason());
    assertThat(c.observedGeneration()).isEqualTo(3);
    assertThat(c.lastTransitionTime()).as("stamped by the writer").isNull();
    assertThat(row.says()).allSatisfy(text -> assertThat(c.message()).contains(text));
  }

  @Test
  void aConditionThatSaysTheSameIsNotWrittenAgainAndKeepsItsTransitionTime() {
    Service pending = lb("web").selector("pool=red").build();
    ServiceCondition first = written(decide(pending, List.of(A), List.of()));
    Service shown =
        pending.toBuilder()
            .conditions(List.of(first.withLastTransitionTime("2026-01-01T00:00:00Z")))
            .build();
    assertThat(decide(shown, List.of(A), List.of()).write()).as("nothing new").isNull();

    // Another node that does not match either: the message changes, the status does not.
    ServiceCondition second = written(decide(shown, List.of(A, B), List.of()));
    assertThat(second.message()).contains("2 not matched");
    assertThat(second.lastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");

    // The selector now matches: True, and a new transition time.
    Service matching =
        shown.toBuilder()
            .annotations(Map.of(ServiceAnnotations.MATCH_NODE_LABELS, "pool=blue"))
            .build();
    ServiceCondition third = written(decide(matching, List.of(A), List.of()));
    assertThat(third.status()).isEqualTo("True");
    assertThat(third.lastTransitionTime()).isNull();
  }

  @Test
  void otherControllersConditionsAreKept() {
    ServiceCondition theirs =
        new ServiceCondition("io.cilium/IPAMRequestSatisfied", "True", "satisfied", "", 1, "t");
    Service service = lb("web").build().toBuilder().conditions(List.of(theirs)).build();
    List<ServiceCondition> written = decide(service, List.of(A), List.of()).write().conditions();
    assertThat(written).hasSize(2).contains(theirs);
  }

  @Test
  void aStandbyOrADryRunWritesNoCondition() {
    Service pending = lb("web").selector("pool=red").build();
    for (Role role : List.of(Role.STANDBY, Role.DRY_RUN)) {
      ReconcileAction action =
          new ServiceReconcile(OPTIONS, false)
              .decide(
                  new Observed(
                      pending.key(), pending, NodePool.of(List.of(A)), List.of(), false,
                      Reported.NONE, role, false));
      assertThat(action.write()).as(role.name()).isNull();
    }
  }

  @Test
  void e11_theConditionLeavesWithTheService() {
    Service ours = lb("web").selector("pool=red").build();
    ServiceCondition shown =
        written(decide(ours, List.of(A), List.of())).withLastTransitionTime("t");
    Service released =
        ours.toBuilder().loadBalancerClass("example.com/metal").conditions(List.of(shown)).build();
    ReconcileAction action =
        new ServiceReconcile(OPTIONS, true)
            .decide(
                new Observed(
                    released.key(), released, NodePool.of(List.of(A)), List.of(), true,
                    Reported.NONE, Role.WRITER, false));
    assertThat(action.outcome()).isEqualTo(Outcome.CLEARED);
    assertThat(action.write().ingress()).as("no address to clear").isNull();
    assertThat(action.write().conditions()).isEmpty();
  }
}

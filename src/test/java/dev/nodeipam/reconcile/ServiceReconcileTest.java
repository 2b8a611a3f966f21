package dev.nodeipam.reconcile;

import static dev.nodeipam.testing.Objects.lb;
import static dev.nodeipam.testing.Objects.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every branch of the controller's decision for one Service (E2, E4, E10, E11, R4, R5, R13 of
 * docs/controller.md), without an API server: what it writes, which Events it emits, what it
 * remembers. The real-server tests (ControllerWritesTest, ControllerTriggersTest) check that the
 * executor carries the actions out.
 */
class ServiceReconcileTest {
  private static final NodeIpamOptions OPTIONS = NodeIpamOptions.reference();
  private static final NodePool POOL =
      NodePool.of(
          List.of(
              node("n1").internal("10.0.0.1").build(), node("n2").internal("10.0.0.2").build()));
  private static final String BAD_SELECTOR = "kubernetes.io/hostname in (";
  private static final String NO_NODE = "nodeipam-test=nowhere";
  private static final List<LoadBalancerIngress> BOTH =
      List.of(ingress("10.0.0.1", null), ingress("10.0.0.2", null));

  private static final Reported SAID_ALL =
      new Reported("an old error", "an old reason", "an old refusal", BOTH);

  /**
   * One row of the table.
   *
   * @param write the addresses written (empty: cleared), or null when nothing is written
   * @param events the reasons of the Events emitted before any write
   * @param announced whether a dry run logs and announces the change
   * @param problem whether a problem is logged for the first time
   */
  record Row(
      String name,
      Service service,
      boolean clearReleased,
      boolean released,
      Reported reported,
      Role role,
      Outcome outcome,
      List<String> write,
      List<String> events,
      boolean releasedAfter,
      Reported reportedAfter,
      boolean announced,
      boolean problem) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Row row(
      String name, Service service, Role role, Reported reported, Outcome outcome,
      List<String> write, List<String> events, Reported after) {
    return new Row(
        name, service, true, false, reported, role, outcome, write, events, false, after, false,
        false);
  }

  private static Row released(Row r, boolean clearReleased, boolean releasedAfter) {
    return new Row(
        r.name(), r.service(), clearReleased, true, r.reported(), r.role(), r.outcome(), r.write(),
        r.events(), releasedAfter, r.reportedAfter(), r.announced(), r.problem());
  }

  private static Row flagged(Row r, boolean announced, boolean problem) {
    return new Row(
        r.name(), r.service(), r.clearReleased(), r.released(), r.reported(), r.role(),
        r.outcome(), r.write(), r.events(), r.releasedAfter(), r.reportedAfter(), announced,
        problem);
  }

  static Stream<Arguments> table() {
    Service owned = lb("web").build();
    Service current = lb("web").currentIngress("10.0.0.1", "10.0.0.2").build();
    Service otherClass = lb("web").lbClass("example.com/metal").currentIngress("10.0.0.1").build();
    Service otherClassEmpty = lb("web").lbClass("example.com/metal").build();
    Service deleting = lb("web").deleting().currentIngress("10.0.0.1").build();
    Service badSelector = lb("web").selector(BAD_SELECTOR).build();
    Service badPolicy = lb("web").annotation(ServiceAnnotations.ADDRESS_POLICY, "bogus").build();
    Service noNode = lb("web").selector(NO_NODE).build();
    Service noNodeWasPublished = lb("web").selector(NO_NODE).currentIngress("10.0.0.1").build();
    List<String> both = List.of("10.0.0.1", "10.0.0.2");
    Reported none = Reported.NONE;
    Reported noError = SAID_ALL.withInvalid(null);
    return Stream.of(
            // R5: gone, everything said about it forgotten.
            row("gone", null, Role.WRITER, SAID_ALL, Outcome.GONE, null, List.of(), none),
            // R1: not ours, nothing written; a remembered error is dropped.
            row("another class", otherClass, Role.WRITER, SAID_ALL, Outcome.NOT_HANDLED, null,
                List.of(), noError),
            // R4: a Service being deleted is left alone.
            row("being deleted", deleting, Role.WRITER, none, Outcome.NOT_HANDLED, null,
                List.of(), none),
            // E11: left our ownership while watched: cleared once, by the leader only.
            released(row("released, leader clears", otherClass, Role.WRITER, none,
                Outcome.CLEARED, List.of(), List.of(), none), true, false),
            released(row("released, standby", otherClass, Role.STANDBY, none,
                Outcome.NOT_HANDLED, null, List.of(), none), true, false),
            released(row("released, dry run", otherClass, Role.DRY_RUN, none,
                Outcome.NOT_HANDLED, null, List.of(), none), true, false),
            released(row("released, nothing to clear", otherClassEmpty, Role.WRITER, none,
                Outcome.NOT_HANDLED, null, List.of(), none), true, false),
            released(row("released, flag off", otherClass, Role.WRITER, none,
                Outcome.NOT_HANDLED, null, List.of(), none), false, true),
            released(row("released, ours again", current, Role.WRITER, none,
                Outcome.UNCHANGED, null, List.of(), none), true, false),
            // E2: unchanged status, no write; a dry run's memory of it is dropped.
            row("unchanged", current, Role.WRITER, SAID_ALL, Outcome.UNCHANGED, null, List.of(),
                new Reported(null, null, "an old refusal", null)),
            row("changed, leader writes", owned, Role.WRITER, none, Outcome.WRITTEN, both,
                List.of(), none),
            row("changed, standby waits", owned, Role.STANDBY, none, Outcome.UNCHANGED, null,
                List.of(), none),
            flagged(row("changed, dry run says it", owned, Role.DRY_RUN, none, Outcome.DRY_RUN,
                null, List.of(), none.withDryRunPublished(BOTH)), true, false),
            row("changed, dry run said it already", owned, Role.DRY_RUN, none.withDryRunPublished(
                BOTH), Outcome.DRY_RUN, null, List.of(), none.withDryRunPublished(BOTH)),
            // R13: a bad annotation: one Warning per distinct error, status left as it is.
            flagged(row("invalid selector", badSelector, Role.WRITER, none, Outcome.INVALID, null,
                List.of(Notice.INVALID_SELECTOR), null), false, true),
            flagged(row("invalid annotation", badPolicy, Role.WRITER, none, Outcome.INVALID, null,
                List.of(Notice.INVALID_ANNOTATION), null), false, true),
            flagged(row("invalid selector, standby", badSelector, Role.STANDBY, none,
                Outcome.INVALID, null, List.of(), null), false, true),
            // E4: nothing to publish: one Warning per reason, by the leader, written or not.
            row("nothing to publish", noNode, Role.WRITER, none, Outcome.UNCHANGED, null,
                List.of(Notice.UNAVAILABLE), null),
            row("nothing to publish, standby", noNode, Role.STANDBY, none, Outcome.UNCHANGED,
                null, List.of(), none),
            row("nothing left to publish", noNodeWasPublished, Role.WRITER, none,
                Outcome.WRITTEN, List.of(), List.of(Notice.UNAVAILABLE), null))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decides(Row row) {
    ReconcileAction action =
        new ServiceReconcile(OPTIONS, row.clearReleased())
            .decide(observed(row.service(), row.released(), row.reported(), row.role(), false));

    assertThat(action.outcome()).isEqualTo(row.outcome());
    assertThat(action.write() == null ? null : action.write().ingress().stream()
            .map(LoadBalancerIngress::ip).toList())
        .as("written").isEqualTo(row.write());
    assertThat(action.events()).extracting(Notice::reason).isEqualTo(row.events());
    assertThat(action.events()).allMatch(Notice::warning);
    assertThat(action.released()).as("released after").isEqualTo(row.releasedAfter());
    assertThat(action.dryRunChange() != null).as("announced").isEqualTo(row.announced());
    assertThat(action.newProblem() != null).as("problem logged").isEqualTo(row.problem());
    if (row.reportedAfter() != null) {
      assertThat(action.reported()).isEqualTo(row.reportedAfter());
    }
    if (action.write() != null) {
      Change change = action.write().change();
      assertThat(change.before()).isEqualTo(row.service().ingressAddresses());
      boolean cleared = row.outcome() == Outcome.CLEARED;
      assertThat(change.after()).isEqualTo(cleared ? null : row.write());
      assertThat(action.write().event() == null).isEqualTo(cleared);
    }
  }

  static Stream<Arguments> writes() {
    return Stream.of(
        Arguments.of(
            "published", lb("web").build(), lb("web").currentIngress("10.0.0.1", "10.0.0.2").build(),
            false),
        Arguments.of(
            "emptied", lb("web").selector(NO_NODE).currentIngress("10.0.0.1").build(),
            lb("web").selector(NO_NODE).build(), false),
        Arguments.of(
            "cleared (E11)", lb("web").lbClass("example.com/metal").currentIngress("10.0.0.1").build(),
            lb("web").lbClass("example.com/metal").build(), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writes")
  void aDecisionOnTheWrittenStatusWritesNothing(
      String name, Service before, Service written, boolean released) {
    ServiceReconcile decision = new ServiceReconcile(OPTIONS, true);
    ReconcileAction first =
        decision.decide(observed(before, released, Reported.NONE, Role.WRITER, false));
    assertThat(first.write()).isNotNull();
    assertThat(written.ingress()).isEqualTo(first.write().ingress());
    // E2: once the write landed, the next reconcile (a heartbeat, a resync) writes nothing.
    ReconcileAction second =
        decision.decide(observed(written, first.released(), first.reported(), Role.WRITER, false));
    assertThat(second.write()).isNull();
    assertThat(second.events()).as("each Event once").isEmpty();
  }

  @Test
  void theUpdatedEventNamesBothLists() {
    Service was = lb("web").currentIngress("10.0.0.9").build();
    ReconcileAction action =
        new ServiceReconcile(OPTIONS, false)
            .decide(observed(was, false, Reported.NONE, Role.WRITER, false));
    assertThat(action.write().event())
        .isEqualTo(
            new Notice(
                false,
                Notice.UPDATED,
                "Node IPAM published [10.0.0.1, 10.0.0.2] (was [10.0.0.9])"));
  }

  static Stream<Arguments> ipModes() {
    return Stream.of(
        // E10: the mode is written on every entry, so a status without it is a change...
        Arguments.of(false, Outcome.WRITTEN, "VIP"),
        // ...unless the server was seen dropping it: then it is neither written nor compared.
        Arguments.of(true, Outcome.UNCHANGED, null));
  }

  @ParameterizedTest(name = "server drops ipMode: {0}")
  @MethodSource("ipModes")
  void ipModeIsWrittenUnlessTheServerDropsIt(boolean omit, Outcome outcome, String mode) {
    ReconcileAction action =
        new ServiceReconcile(OPTIONS.withIpMode("VIP"), false)
            .decide(
                observed(
                    lb("web").currentIngress("10.0.0.1", "10.0.0.2").build(), false,
                    Reported.NONE, Role.WRITER, omit));
    assertThat(action.outcome()).isEqualTo(outcome);
    if (mode != null) {
      assertThat(action.write().ingress()).extracting(LoadBalancerIngress::ipMode)
          .containsOnly(mode);
      assertThat(action.write().setsIpMode()).isTrue();
    }
  }

  static Stream<Arguments> rejections() {
    Service web = lb("web").build();
    Reported said = Reported.NONE.withRejected("denied");
    return Stream.of(
        Arguments.of("first refusal", web, Reported.NONE, "denied", Role.WRITER, true, true),
        Arguments.of("same refusal", web, said, "denied", Role.WRITER, false, false),
        Arguments.of("another refusal", web, said, "too long", Role.WRITER, true, true),
        Arguments.of("standby", web, Reported.NONE, "denied", Role.STANDBY, false, true),
        Arguments.of("dry run", web, Reported.NONE, "denied", Role.DRY_RUN, false, true),
        Arguments.of("gone meanwhile", null, Reported.NONE, "denied", Role.WRITER, false, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void aRefusedStatusIsReportedOncePerMessage(
      String name, Service service, Reported reported, String message, Role role,
      boolean event, boolean logged) {
    ReconcileAction action = ServiceReconcile.rejected(service, reported, message, role);
    assertThat(action.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(action.outcome().retry()).isTrue();
    assertThat(action.write()).isNull();
    assertThat(action.reported().rejected()).isEqualTo(message);
    assertThat(action.events())
        .extracting(Notice::reason)
        .isEqualTo(event ? List.of(Notice.REJECTED) : List.of());
    assertThat(action.newProblem() != null).isEqualTo(logged);
  }

  static Stream<Arguments> storedModes() {
    List<LoadBalancerIngress> vip = List.of(ingress("10.0.0.1", "VIP"));
    List<LoadBalancerIngress> bare = List.of(ingress("10.0.0.1", null));
    return Stream.of(
        Arguments.of("kept", vip, vip, false),
        Arguments.of("dropped", vip, bare, true),
        Arguments.of("another address", vip, List.of(ingress("10.0.0.2", null)), false),
        Arguments.of("nothing to drop", bare, bare, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("storedModes")
  void theServerIsSeenDroppingIpMode(
      String name, List<LoadBalancerIngress> written, List<LoadBalancerIngress> stored,
      boolean drops) {
    assertThat(ServiceReconcile.dropsIpMode(written, stored)).isEqualTo(drops);
  }

  private static Observed observed(
      Service service, boolean released, Reported reported, Role role, boolean omitIpMode) {
    return new Observed(
        "default/web", service, POOL, List.of(), released, reported, role, omitIpMode);
  }

  private static LoadBalancerIngress ingress(String ip, String mode) {
    return new LoadBalancerIngress(ip, null, mode);
  }
}

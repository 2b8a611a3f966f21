package dev.nodeipam.reconcile;

import static dev.nodeipam.reconcile.Outcome.GONE;
import static dev.nodeipam.reconcile.Outcome.INVALID;
import static dev.nodeipam.reconcile.Outcome.NOT_HANDLED;
import static dev.nodeipam.reconcile.Outcome.UNCHANGED;
import static dev.nodeipam.reconcile.Outcome.WRITTEN;
import static dev.nodeipam.reconcile.Role.DRY_RUN;
import static dev.nodeipam.reconcile.Role.STANDBY;
import static dev.nodeipam.reconcile.Role.WRITER;
import static dev.nodeipam.testing.Objects.lb;
import static dev.nodeipam.testing.Objects.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.ipam.PublishStatus;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.render.ConditionText;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import dev.nodeipam.snapshot.ServiceCondition;
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

  private static final Service OWNED = lb("web").build();
  private static final Service CURRENT =
      shown(lb("web").currentIngress("10.0.0.1", "10.0.0.2").build());
  private static final Service OTHER_CLASS =
      lb("web").lbClass("example.com/metal").currentIngress("10.0.0.1").build();
  private static final Service OTHER_CLASS_EMPTY = lb("web").lbClass("example.com/metal").build();
  private static final Service DELETING = lb("web").deleting().currentIngress("10.0.0.1").build();
  private static final Service BAD_SELECTOR_SVC = shown(lb("web").selector(BAD_SELECTOR).build());
  private static final Service BAD_POLICY =
      shown(lb("web").annotation(ServiceAnnotations.ADDRESS_POLICY, "bogus").build());
  private static final Service NO_NODE_SVC = shown(lb("web").selector(NO_NODE).build());
  private static final Service NO_NODE_WAS_PUBLISHED =
      lb("web").selector(NO_NODE).currentIngress("10.0.0.1").build();
  private static final List<String> BOTH_IPS = List.of("10.0.0.1", "10.0.0.2");
  private static final List<String> CLEARED = List.of();
  private static final List<String> NO_EVENT = List.of();
  private static final Reported NONE = Reported.NONE;

  /** What a row starts from. */
  record Given(
      Service service, boolean clearReleased, boolean released, Reported reported, Role role) {}

  /**
   * What a row expects.
   *
   * @param write the addresses written (empty: cleared), or null when nothing is written
   * @param events the reasons of the Events emitted before any write
   * @param reportedAfter what is remembered afterwards, or null when not checked
   * @param announced whether a dry run logs and announces the change
   * @param problem whether a problem is logged for the first time
   */
  record Expected(
      Outcome outcome,
      List<String> write,
      List<String> events,
      boolean releasedAfter,
      Reported reportedAfter,
      boolean announced,
      boolean problem) {
    Expected released(boolean value) {
      return new Expected(outcome, write, events, value, reportedAfter, announced, problem);
    }

    Expected withAnnounced() {
      return new Expected(outcome, write, events, releasedAfter, reportedAfter, true, problem);
    }

    Expected withProblem() {
      return new Expected(outcome, write, events, releasedAfter, reportedAfter, announced, true);
    }
  }

  /** One row of the table. */
  record Row(String name, Given given, Expected expected) {
    Row released(boolean clearReleased, boolean releasedAfter) {
      Given g = given;
      return new Row(
          name,
          new Given(g.service(), clearReleased, true, g.reported(), g.role()),
          expected.released(releasedAfter));
    }

    Row announced() {
      return new Row(name, given, expected.withAnnounced());
    }

    Row problem() {
      return new Row(name, given, expected.withProblem());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** A Service not marked released, E11 on; the row expects it unmarked after. */
  private static Row row(String name, Service service, Role role, Reported reported, Expected e) {
    return new Row(name, new Given(service, true, false, reported, role), e);
  }

  private static Expected expect(
      Outcome outcome, List<String> write, List<String> events, Reported after) {
    return new Expected(outcome, write, events, false, after, false, false);
  }

  static Stream<Row> ownership() {
    return Stream.of(
        // R5: gone, everything said about it forgotten.
        row("gone", null, WRITER, SAID_ALL, expect(GONE, null, NO_EVENT, NONE)),
        // R1: not ours, nothing written; a remembered error is dropped.
        row(
            "another class",
            OTHER_CLASS,
            WRITER,
            SAID_ALL,
            expect(NOT_HANDLED, null, NO_EVENT, SAID_ALL.withInvalid(null))),
        // R4: a Service being deleted is left alone.
        row("being deleted", DELETING, WRITER, NONE, expect(NOT_HANDLED, null, NO_EVENT, NONE)));
  }

  static Stream<Row> releases() {
    Expected notHandled = expect(NOT_HANDLED, null, NO_EVENT, NONE);
    return Stream.of(
        // E11: left our ownership while watched: cleared once, by the leader only.
        row(
                "released, leader clears",
                OTHER_CLASS,
                WRITER,
                NONE,
                expect(Outcome.CLEARED, CLEARED, NO_EVENT, NONE))
            .released(true, false),
        row("released, standby", OTHER_CLASS, STANDBY, NONE, notHandled).released(true, false),
        row("released, dry run", OTHER_CLASS, DRY_RUN, NONE, notHandled).released(true, false),
        row("released, nothing to clear", OTHER_CLASS_EMPTY, WRITER, NONE, notHandled)
            .released(true, false),
        row("released, flag off", OTHER_CLASS, WRITER, NONE, notHandled).released(false, true),
        row("released, ours again", CURRENT, WRITER, NONE, expect(UNCHANGED, null, NO_EVENT, NONE))
            .released(true, false));
  }

  static Stream<Row> publishing() {
    Reported saidList = NONE.withDryRunPublished(BOTH);
    return Stream.of(
        // E2: unchanged status, no write; a dry run's memory of it is dropped.
        row(
            "unchanged",
            CURRENT,
            WRITER,
            SAID_ALL,
            expect(UNCHANGED, null, NO_EVENT, new Reported(null, null, "an old refusal", null))),
        row(
            "changed, leader writes",
            OWNED,
            WRITER,
            NONE,
            expect(WRITTEN, BOTH_IPS, NO_EVENT, NONE)),
        row(
            "changed, standby waits",
            OWNED,
            STANDBY,
            NONE,
            expect(UNCHANGED, null, NO_EVENT, NONE)),
        row(
                "changed, dry run says it",
                OWNED,
                DRY_RUN,
                NONE,
                expect(Outcome.DRY_RUN, null, NO_EVENT, saidList))
            .announced(),
        row(
            "changed, dry run said it already",
            OWNED,
            DRY_RUN,
            saidList,
            expect(Outcome.DRY_RUN, null, NO_EVENT, saidList)));
  }

  static Stream<Row> problems() {
    return Stream.of(
        // R13: a bad annotation: one Warning per distinct error, status left as it is.
        row(
                "invalid selector",
                BAD_SELECTOR_SVC,
                WRITER,
                NONE,
                expect(INVALID, null, List.of(Notice.INVALID_SELECTOR), null))
            .problem(),
        row(
                "invalid annotation",
                BAD_POLICY,
                WRITER,
                NONE,
                expect(INVALID, null, List.of(Notice.INVALID_ANNOTATION), null))
            .problem(),
        row(
                "invalid selector, standby",
                BAD_SELECTOR_SVC,
                STANDBY,
                NONE,
                expect(INVALID, null, NO_EVENT, null))
            .problem(),
        // E4: nothing to publish: one Warning per reason, by the leader, written or not.
        row(
            "nothing to publish",
            NO_NODE_SVC,
            WRITER,
            NONE,
            expect(UNCHANGED, null, List.of(Notice.UNAVAILABLE), null)),
        row(
            "nothing to publish, standby",
            NO_NODE_SVC,
            STANDBY,
            NONE,
            expect(UNCHANGED, null, NO_EVENT, NONE)),
        row(
            "nothing left to publish",
            NO_NODE_WAS_PUBLISHED,
            WRITER,
            NONE,
            expect(WRITTEN, CLEARED, List.of(Notice.UNAVAILABLE), null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"ownership", "releases", "publishing", "problems"})
  void decides(Row row) {
    Given given = row.given();
    Expected expected = row.expected();
    ReconcileAction action =
        new ServiceReconcile(OPTIONS, given.clearReleased())
            .decide(
                observed(given.service(), given.released(), given.reported(), given.role(), false));

    assertThat(action.outcome()).isEqualTo(expected.outcome());
    assertThat(
            action.write() == null
                ? null
                : action.write().ingress().stream().map(LoadBalancerIngress::ip).toList())
        .as("written")
        .isEqualTo(expected.write());
    assertThat(action.events()).extracting(Notice::reason).isEqualTo(expected.events());
    assertThat(action.events()).allMatch(Notice::warning);
    assertThat(action.released()).as("released after").isEqualTo(expected.releasedAfter());
    assertThat(action.dryRunChange() != null).as("announced").isEqualTo(expected.announced());
    assertThat(action.newProblem() != null).as("problem logged").isEqualTo(expected.problem());
    if (expected.reportedAfter() != null) {
      assertThat(action.reported()).isEqualTo(expected.reportedAfter());
    }
    if (action.write() != null) {
      Change change = action.write().change();
      assertThat(change.before()).isEqualTo(given.service().ingressAddresses());
      boolean cleared = expected.outcome() == Outcome.CLEARED;
      assertThat(change.after()).isEqualTo(cleared ? null : expected.write());
      assertThat(action.write().event() == null).isEqualTo(cleared);
    }
  }

  static Stream<Arguments> writes() {
    return Stream.of(
        Arguments.of(
            "published",
            lb("web").build(),
            lb("web").currentIngress("10.0.0.1", "10.0.0.2").build(),
            false),
        Arguments.of(
            "emptied",
            lb("web").selector(NO_NODE).currentIngress("10.0.0.1").build(),
            lb("web").selector(NO_NODE).build(),
            false),
        Arguments.of(
            "cleared (E11)",
            lb("web").lbClass("example.com/metal").currentIngress("10.0.0.1").build(),
            lb("web").lbClass("example.com/metal").build(),
            true));
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
    Service landed =
        first.write().conditions() == null
            ? written
            : written.toBuilder().conditions(first.write().conditions()).build();
    // E2: once the write landed, the next reconcile (a heartbeat, a resync) writes nothing.
    ReconcileAction second =
        decision.decide(observed(landed, first.released(), first.reported(), Role.WRITER, false));
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
                    shown(lb("web").currentIngress("10.0.0.1", "10.0.0.2").build()),
                    false,
                    Reported.NONE,
                    Role.WRITER,
                    omit));
    assertThat(action.outcome()).isEqualTo(outcome);
    if (mode != null) {
      assertThat(action.write().ingress())
          .extracting(LoadBalancerIngress::ipMode)
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
      String name,
      Service service,
      Reported reported,
      String message,
      Role role,
      boolean event,
      boolean logged) {
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
      String name,
      List<LoadBalancerIngress> written,
      List<LoadBalancerIngress> stored,
      boolean drops) {
    assertThat(ServiceReconcile.dropsIpMode(written, stored)).isEqualTo(drops);
  }

  /**
   * The Service as it is once the condition the decision gives it is written: the rows about
   * addresses and Events start from a Service whose condition is already up to date
   * (StatusConditionTest covers the condition's own writes).
   */
  static Service shown(Service service) {
    ServiceCondition condition =
        ConditionText.condition(
            PublishStatus.of(service, new NodeIpam(OPTIONS).decide(service, POOL, List.of())));
    return service.toBuilder()
        .conditions(List.of(condition.withLastTransitionTime("2026-01-01T00:00:00Z")))
        .build();
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

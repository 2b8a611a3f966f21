package dev.nodeipam.diff;

import dev.nodeipam.audit.Trap;
import dev.nodeipam.audit.TrapGroups;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flow items per address ({@code diff --per-address}): the traps of both states compared
 * flow by flow (source pod, Service address, port, direction), grouped by source as audit groups
 * its per-address report. Materialises every trapped flow of both states: for scripts that need
 * that detail, and the definition the grouped items ({@link GroupedFlowChanges}) are held to:
 * here a verdict change is one engine question per source pod.
 */
final class FlowChanges extends FlowItems {

  FlowChanges(ChangeSet changes, EvaluatedState b, EvaluatedState a) {
    super(changes, b, a);
    compare(a, b, ItemType.TRAP_INTRODUCED, ItemType.NEWLY_DENIED);
    compare(b, a, ItemType.TRAP_REMOVED, ItemType.NEWLY_ALLOWED);
  }

  /**
   * The traps of {@code here} that {@code there} lacks (or has latent where they are active), and
   * among them the flows {@code there} allows: their verdict changes.
   */
  private void compare(
      EvaluatedState here, EvaluatedState there, ItemType trapType, ItemType verdictType) {
    Map<FlowKey, Boolean> thereActive = there.activeByFlow();
    List<Trap> changedTraps = new ArrayList<>();
    List<Trap> flippedTraps = new ArrayList<>();
    for (Trap t : here.report.traps()) {
      List<Pod> changed = new ArrayList<>();
      List<Pod> flipped = new ArrayList<>();
      for (Pod p : t.sources()) {
        Boolean other = thereActive.get(FlowKey.of(t, p));
        if (other == null || (t.active() && !other)) {
          changed.add(p);
          // Each pod asked: in the other state, pods one identity here may differ (a node's own
          // address is the host to the pods on that node).
          if (t.active() && there.allows(p, t.address(), t)) {
            flipped.add(p);
          }
        }
      }
      if (!changed.isEmpty()) {
        if (trapType == ItemType.TRAP_INTRODUCED) {
          newTrapServices.add(t.address().service().key());
        }
        changedTraps.add(part(t, changed));
      }
      if (!flipped.isEmpty()) {
        flippedTraps.add(part(t, flipped));
      }
    }
    // Grouped and named as the audit groups its report: by source workload, address and port.
    for (TrapGroups.Group g : here.report.groupsOf(changedTraps).bySource()) {
      emit(trapType, g, here, there);
    }
    for (TrapGroups.Group g : here.report.groupsOf(flippedTraps).bySource()) {
      emit(verdictType, g, here, there);
    }
  }

  /** The trap for some of its source pods only. */
  private static Trap part(Trap t, List<Pod> pods) {
    return t.toBuilder().sources(pods).build();
  }

  /**
   * One item for a group of traps: one source workload (or identity) at one address and port.
   *
   * @param in the state the traps are found in
   * @param other the other state
   */
  private void emit(
      ItemType type, TrapGroups.Group group, EvaluatedState in, EvaluatedState other) {
    Trap part = group.first();
    List<Pod> all = group.sources(Integer.MAX_VALUE);
    List<RuleAt> rules = new ArrayList<>();
    Set<RuleAt> seenRules = new LinkedHashSet<>();
    for (Trap t : group.traps()) {
      for (RuleAt r : rules(t, in.state.locator())) {
        if (seenRules.add(r)) {
          rules.add(r);
        }
      }
    }
    Trap whole = part(part, all);
    List<String> reasons = new ArrayList<>();
    Location cause = reasons(whole, part.address(), all, in, other, reasons, rules);
    Service svc = part.address().service();
    Location location = in.state.locator().locate(svc.source(), null).orElse(null);
    int pods = group.pods();
    String message = group.source().name() + " (" + pods + (pods == 1 ? " pod" : " pods")
        + ") -> " + part.address().hostText() + ":" + part.servicePort().port() + "/"
        + part.protocol() + ": " + verb(type, part.active()) + " ("
        + String.join("; ", reasons) + "). " + part.detail();
    out.add(Item.builder()
        .type(type)
        .level(level(type, part.active()))
        .service(svc.key())
        .address(part.address().address().toCanonicalString())
        .addressCount(1)
        .port(part.servicePort().port())
        .targetPort(part.targetPorts().isEmpty() ? null : part.targetPorts().get(0))
        .protocol(part.protocol().name())
        .direction(part.direction() == Direction.EGRESS ? "egress" : "ingress")
        .active(part.active())
        .sourceKind(group.source().kind())
        .source(group.source().name())
        .sourceCount(pods)
        .sources(group.sources(TrapGroups.MAX_SOURCES).stream().map(Pod::key).toList())
        .pods(pods)
        .policies(part.policies())
        .rules(rules)
        .reasons(reasons)
        .location(location)
        .cause(cause)
        .message(message)
        .companion(companion(type, part))
        .state(in.state.name())
        .build());
  }
}

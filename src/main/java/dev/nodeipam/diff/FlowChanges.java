package dev.nodeipam.diff;

import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.ServiceAddress;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.audit.TrapGroups;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The flow items: verdict changes and traps, grouped by source as audit groups them. */
final class FlowChanges {
  final ChangeSet changes;
  final EvaluatedState b;
  final EvaluatedState a;
  final List<Item> out = new ArrayList<>();
  final Set<String> newTrapServices = new TreeSet<>();

  FlowChanges(ChangeSet changes, EvaluatedState b, EvaluatedState a) {
    this.changes = changes;
    this.b = b;
    this.a = a;
    compare(a, b, ItemType.TRAP_INTRODUCED, ItemType.NEWLY_DENIED);
    compare(b, a, ItemType.TRAP_REMOVED, ItemType.NEWLY_ALLOWED);
  }

  /**
   * The traps of {@code here} that {@code there} lacks (or has latent where they are active), and
   * among them the flows {@code there} allows: their verdict changes.
   */
  private void compare(
      EvaluatedState here, EvaluatedState there, ItemType trapType, ItemType verdictType) {
    List<Trap> changedTraps = new ArrayList<>();
    List<Trap> flippedTraps = new ArrayList<>();
    for (Trap t : here.report.traps()) {
      List<Pod> changed = new ArrayList<>();
      List<Pod> flipped = new ArrayList<>();
      for (Pod p : t.sources()) {
        Boolean other = there.active.get(FlowKey.of(t, p));
        if (other == null || (t.active() && !other)) {
          changed.add(p);
          if (t.active() && there.pod(p.key()).isPresent()) {
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
      // The group shares one verdict: one question answers for all its pods.
      if (!flipped.isEmpty() && there.allows(t, flipped.get(0))) {
        flippedTraps.add(part(t, flipped));
      }
    }
    // Grouped and named as the audit groups its report: by source workload, address and port.
    for (TrapGroups.Group g : here.report.groupsOf(changedTraps).groups()) {
      emit(trapType, g, here, there);
    }
    for (TrapGroups.Group g : here.report.groupsOf(flippedTraps).groups()) {
      emit(verdictType, g, here, there);
    }
  }

  /** The trap for some of its source pods only. */
  private static Trap part(Trap t, List<Pod> pods) {
    return Trap.builder()
        .dialled(t.dialled())
        .direction(t.direction())
        .active(t.active())
        .sources(pods)
        .policies(t.policies())
        .destinations(t.destinations())
        .onceTranslated(t.onceTranslated())
        .denyRule(t.denyRule())
        .entries(t.entries())
        .build();
  }

  List<Item> items() {
    return out;
  }

  Set<String> servicesWithNewTraps() {
    return newTrapServices;
  }

  /**
   * One item for a group of traps: one source workload (or identity) at one address and port.
   *
   * @param in the state the traps are found in
   * @param other the other state
   */
  void emit(ItemType type, TrapGroups.Group group, EvaluatedState in, EvaluatedState other) {
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
    Location cause = reasons(whole, in, other, reasons, rules);
    Service svc = part.address().service();
    Location location = in.state.locator().locate(svc.source(), null).orElse(null);
    Level level = switch (type) {
      case NEWLY_DENIED -> Level.ERROR;
      case TRAP_INTRODUCED -> part.active() ? Level.ERROR : Level.WARNING;
      default -> Level.NOTE;
    };
    String verb = switch (type) {
      case NEWLY_DENIED -> "newly denied";
      case NEWLY_ALLOWED -> "newly allowed";
      case TRAP_INTRODUCED -> (part.active() ? "active" : "latent") + " trap introduced";
      default -> (part.active() ? "active" : "latent") + " trap removed";
    };
    int pods = group.pods();
    String message = group.source().name() + " (" + pods + (pods == 1 ? " pod" : " pods")
        + ") -> " + part.address().hostText() + ":" + part.servicePort().port() + "/"
        + part.protocol() + ": " + verb + " (" + String.join("; ", reasons) + "). "
        + part.detail();
    String companion = type == ItemType.TRAP_INTRODUCED && !part.denyRule()
        ? companionName(part) : null;
    out.add(Item.builder()
        .type(type)
        .level(level)
        .service(svc.key())
        .address(part.address().address().toCanonicalString())
        .port(part.servicePort().port())
        .targetPort(part.targetPorts().isEmpty() ? null : part.targetPorts().get(0))
        .protocol(part.protocol().name())
        .direction(part.direction() == Direction.EGRESS ? "egress" : "ingress")
        .active(part.active())
        .sourceKind(group.source().kind())
        .source(group.source().name())
        .sourceCount(pods)
        .sources(group.sources(TrapGroups.MAX_SOURCES).stream().map(Pod::key).toList())
        .rules(rules)
        .reasons(reasons)
        .location(location)
        .cause(cause)
        .message(message)
        .companion(companion)
        .state(in.state.name())
        .build());
  }

  private String companionName(Trap t) {
    String service = t.address().service().key();
    String prefix = t.direction() == Direction.EGRESS ? "egress" : "ingress";
    for (Companion c : a.report.companions()) {
      if (c.service().equals(service) && c.direction().equals(prefix)) {
        return c.name();
      }
    }
    return null;
  }

  private static List<RuleAt> rules(Trap t, Locator locator) {
    List<RuleAt> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (PolicyEngine.AllowEntry e : t.entries()) {
      PolicyRef p = e.policy();
      if (seen.add(p.label() + " " + e.entry().origin())) {
        out.add(new RuleAt(p, e.entry().origin(),
            locator.locate(p.source(), e.entry().origin()).orElse(null)));
      }
    }
    return out;
  }

  /** Says what changed for the flow; returns the place of the first cause found. */
  private Location reasons(
      Trap t, EvaluatedState in, EvaluatedState other, List<String> out, List<RuleAt> rules) {
    Location cause = null;
    boolean frontendHere = in.isFrontend(t);
    boolean frontendThere = other.isFrontend(t);
    Service svc = t.address().service();
    if (frontendHere && !frontendThere) {
      boolean after = in == a;
      out.add("translation " + (after ? "appeared" : "removed") + ": " + t.address().hostText()
          + " " + (after ? "became" : "was") + " a frontend (" + t.address().frontend()
          + ") of " + svc.key());
      cause = in.state.locator().locate(svc.source(), addressPath(t)).orElse(null);
    }
    Set<String> policies = new TreeSet<>();
    for (PolicyRef p : t.policies()) {
      if (changes.policies().contains(p.label())) {
        policies.add(p.label());
      }
    }
    if (!policies.isEmpty()) {
      out.add("policy changed: " + String.join(", ", policies));
      if (cause == null) {
        for (RuleAt r : rules) {
          if (policies.contains(r.policy().label()) && r.location() != null) {
            cause = r.location();
            break;
          }
        }
      }
    } else if (!changes.policies().isEmpty() && out.isEmpty()) {
      out.add("policy changed: " + String.join(", ", new TreeSet<>(changes.policies())));
    }
    boolean serviceEdited = changes.services().contains(svc.key())
        && frontendHere == frontendThere;
    boolean backends = changes.sliceServices().contains(svc.key()) || serviceEdited
        || t.destinations().stream().anyMatch(d -> d.identity().pod() != null
            && changes.pods().contains(d.identity().pod().key()));
    if (backends) {
      out.add("backend changed: " + svc.key());
      if (cause == null) {
        cause = in.state.locator().locate(svc.source(), null).orElse(null);
      }
    }
    if (t.sources().stream().anyMatch(p -> changes.pods().contains(p.key()))) {
      out.add("source changed");
    }
    if (changes.settings()) {
      out.add("datapath settings changed (kube-system/cilium-config)");
    }
    if (out.isEmpty()) {
      out.add("identities changed");
    }
    return cause;
  }

  /** Where the trap's address is written in its Service. */
  private static String addressPath(Trap t) {
    Service svc = t.address().service();
    String canonical = t.address().address().toCanonicalString();
    switch (t.address().frontend()) {
      case ServiceAddress.EXTERNAL_IP -> {
        for (int i = 0; i < svc.externalIps().size(); i++) {
          if (canonical.equals(IpText.canonical(svc.externalIps().get(i)))) {
            return "spec.externalIPs[" + i + "]";
          }
        }
        return "spec.externalIPs";
      }
      case ServiceAddress.LOAD_BALANCER -> {
        return "status.loadBalancer.ingress";
      }
      default -> {
        return svc.loadBalancerClass() != null ? "spec.loadBalancerClass" : "spec.type";
      }
    }
  }
}

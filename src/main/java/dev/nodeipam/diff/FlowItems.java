package dev.nodeipam.diff;

import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.ServiceAddress;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The flow items of a diff (verdict changes and traps), in either unit: what both units say of an
 * item alike (its level, verb, rules, reasons, cause and companion) is decided here once.
 */
abstract class FlowItems {
  final ChangeSet changes;
  final EvaluatedState b;
  final EvaluatedState a;
  final List<Item> out = new ArrayList<>();
  final Set<String> newTrapServices = new TreeSet<>();

  FlowItems(ChangeSet changes, EvaluatedState b, EvaluatedState a) {
    this.changes = changes;
    this.b = b;
    this.a = a;
  }

  List<Item> items() {
    return out;
  }

  Set<String> servicesWithNewTraps() {
    return newTrapServices;
  }

  static Level level(ItemType type, boolean active) {
    return switch (type) {
      case NEWLY_DENIED -> Level.ERROR;
      case TRAP_INTRODUCED -> active ? Level.ERROR : Level.WARNING;
      default -> Level.NOTE;
    };
  }

  static String verb(ItemType type, boolean active) {
    return switch (type) {
      case NEWLY_DENIED -> "newly denied";
      case NEWLY_ALLOWED -> "newly allowed";
      case TRAP_INTRODUCED -> (active ? "active" : "latent") + " trap introduced";
      default -> (active ? "active" : "latent") + " trap removed";
    };
  }

  /** The companion that clears a new trap, when one can (no deny rule matched). */
  String companion(ItemType type, Trap t) {
    if (type != ItemType.TRAP_INTRODUCED || t.denyRule()) {
      return null;
    }
    String service = t.address().service().key();
    String prefix = t.direction() == Direction.EGRESS ? "egress" : "ingress";
    for (Companion c : a.report.companions()) {
      if (c.service().equals(service) && c.direction().equals(prefix)) {
        return c.name();
      }
    }
    return null;
  }

  static List<RuleAt> rules(Trap t, Locator locator) {
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

  /**
   * Says what changed for the flows of a trap (or of its finding) at an address from {@code
   * sources}; returns the place of the first cause found.
   */
  Location reasons(Trap t, ServiceAddress at, Collection<Pod> sources, EvaluatedState in,
      EvaluatedState other, List<String> out, List<RuleAt> rules) {
    Location cause = null;
    boolean frontendHere = in.isFrontend(at);
    boolean frontendThere = other.isFrontend(at);
    Service svc = at.service();
    if (frontendHere && !frontendThere) {
      boolean after = in == a;
      out.add("translation " + (after ? "appeared" : "removed") + ": " + at.hostText()
          + " " + (after ? "became" : "was") + " a frontend (" + at.frontend()
          + ") of " + svc.key());
      cause = in.state.locator().locate(svc.source(), addressPath(at)).orElse(null);
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
    if (!changes.pods().isEmpty()
        && sources.stream().anyMatch(p -> changes.pods().contains(p.key()))) {
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

  /** Where the address is written in its Service. */
  private static String addressPath(ServiceAddress at) {
    Service svc = at.service();
    String canonical = at.address().toCanonicalString();
    switch (at.frontend()) {
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

package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Match;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.model.ClusterNetworkPolicy;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.model.PortMatch;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.model.TierRule;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.RawObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kubernetes ClusterNetworkPolicy tiers (section 10 of the policy model), as Cilium 1.20
 * enforces them (cilium/cilium#42338, priorities #42784, pass verdicts #44509; order as the
 * policy-ordering CFP-42904 and the upstream API describe it): the Admin tier is asked before the
 * NetworkPolicies and Cilium policies, the Baseline tier after them, only when they leave the
 * side undecided (no policy puts it in default deny, no entry matches). Within a tier the rule of
 * the lowest priority matching the flow decides (priority + index/100; at the same priority Deny
 * before Pass before Accept, as Cilium applies deny-over-allow in every tier): Accept and Deny are
 * final, Pass skips the rest of the tier (Admin: to the policies; Baseline: to the default).
 * Before 1.20 the agent does not watch the kind: nothing is enforced, and the sides say so.
 */
final class ClusterPolicyTiers {
  /** No ClusterNetworkPolicy at all. */
  static final ClusterPolicyTiers NONE = new ClusterPolicyTiers(List.of());

  private static final Comparator<TierRule> ORDER =
      Comparator.comparingInt((TierRule r) -> r.priority() * 100 + r.index())
          .thenComparingInt(r -> r.action() == TierRule.Action.DENY ? 0
              : r.action() == TierRule.Action.PASS ? 1 : 2)
          .thenComparing(r -> r.policy().name());

  /** The rule that decided a tier, and the peer clause that matched. */
  record Hit(TierRule rule, String peer) {
    boolean decides() {
      return rule.action() != TierRule.Action.PASS;
    }

    int dropReason() {
      return rule.action() == TierRule.Action.DENY ? DropReason.POLICY_DENY : 0;
    }
  }

  private final List<ClusterNetworkPolicy> policies;
  private final List<TierRule> rules;
  private final List<TierRule> refused;
  private final Map<EngineCache.Selecting, List<TierRule>> selecting = new ConcurrentHashMap<>();

  private ClusterPolicyTiers(List<ClusterNetworkPolicy> policies) {
    this.policies = List.copyOf(policies);
    List<TierRule> all = new ArrayList<>();
    List<TierRule> notInstalled = new ArrayList<>();
    policies.forEach(p -> (p.refused() == null ? all : notInstalled).addAll(p.rules()));
    all.sort(ORDER);
    this.rules = List.copyOf(all);
    this.refused = List.copyOf(notInstalled);
  }

  /** The ClusterNetworkPolicies among a snapshot's policies, read (and so validated). */
  static ClusterPolicyTiers of(List<RawObject> objects) {
    List<ClusterNetworkPolicy> read = new ArrayList<>();
    for (RawObject o : objects) {
      if (ClusterNetworkPolicy.is(o)) {
        read.add(ClusterNetworkPolicy.read(o));
      }
    }
    return read.isEmpty() ? NONE : new ClusterPolicyTiers(read);
  }

  List<ClusterNetworkPolicy> policies() {
    return policies;
  }

  /** Whether the release enforces ClusterNetworkPolicy: 1.20+ (v1.20.0 CHANGELOG, #42338). */
  static boolean enforced(DatapathSettings s) {
    return s.version().atLeast(1, 20);
  }

  /** The rules whose subject selects the identity, in the order they are asked. */
  private List<TierRule> selecting(Identity subject) {
    if (rules.isEmpty() || !subject.isPod()) {
      return List.of();
    }
    return selecting.computeIfAbsent(EngineCache.Selecting.of(subject),
        k -> rules.stream().filter(r -> r.subject().matches(k.labels())).toList());
  }

  /** Whether any enforced rule of the tier selects the subject for the direction. */
  boolean any(TierRule.Tier tier, Identity subject, Direction d, DatapathSettings s) {
    return enforced(s) && selecting(subject).stream()
        .anyMatch(r -> r.tier() == tier && r.direction() == d);
  }

  /**
   * The installed Accept rules of either tier selecting the subject for the direction whose
   * ports cover the port, whoever the peer, in the order they are asked; none before 1.20. An
   * egress {@code networks} Accept is a CIDR allow like a toCIDR one: the audit asks which admit
   * an address only as world.
   */
  List<TierRule> accepting(
      Identity subject, Direction d, int port, Protocol protocol,
      List<Pod.ContainerPort> destinationPorts, DatapathSettings s) {
    if (!enforced(s)) {
      return List.of();
    }
    return selecting(subject).stream()
        .filter(r -> r.action() == TierRule.Action.ACCEPT && r.direction() == d)
        .filter(r -> SideEvaluation.portsCover(r.entry(), port, protocol, destinationPorts))
        .toList();
  }

  /** Every installed rule, whatever it selects and whatever the release. */
  List<TierRule> installed() {
    return rules;
  }

  /** Every installed Accept rule, whatever it selects and whatever the release. */
  List<TierRule> accepts() {
    return rules.stream().filter(r -> r.action() == TierRule.Action.ACCEPT).toList();
  }

  /**
   * The first rule of the tier matching the question (its subject, direction, peer and port), or
   * null when none does or the release does not enforce the kind.
   */
  Hit first(TierRule.Tier tier, SideEvaluation.Question q, DatapathSettings s) {
    if (!enforced(s)) {
      return null;
    }
    for (TierRule r : selecting(q.subject())) {
      if (r.tier() != tier || r.direction() != q.direction()) {
        continue;
      }
      if (!SideEvaluation.portsCover(r.entry(), q.port(), q.protocol(), q.destinationPorts())) {
        continue;
      }
      for (Peer p : r.entry().peers()) {
        if (PeerMatching.matches(p, q.peer(), s)) {
          return new Hit(r, p.text());
        }
      }
    }
    return null;
  }

  /** The side decided by a tier's Accept or Deny. */
  SideVerdict verdict(Hit hit, SideEvaluation.Question q, String passed) {
    TierRule r = hit.rule();
    boolean deny = r.action() == TierRule.Action.DENY;
    String ports = r.entry().allPorts() ? "all ports"
        : String.join(", ", r.entry().ports().stream().map(PortMatch::toString).toList());
    Direction d = q.direction();
    String flow = q.port() + "/" + q.protocol() + " " + (d == Direction.EGRESS ? "to " : "from ")
        + q.peer().describe();
    String order = r.tier() == TierRule.Tier.ADMIN
        ? "the Admin tier is evaluated before NetworkPolicies and Cilium policies"
        : "the Baseline tier decides because no NetworkPolicy or Cilium policy did";
    return SideVerdict.builder()
        .direction(d)
        .enforced(true)
        .outcome(deny ? Outcome.DENIED : Outcome.ALLOWED)
        .dropReason(deny ? DropReason.POLICY_DENY : null)
        .defaultDeny(false)
        .allowedBy(deny ? List.of() : List.of(r.policy()))
        .deniedBy(deny ? List.of(r.policy()) : List.of())
        .matches(List.of(new Match(r.policy(), r.entry().origin(), hit.peer(), ports, deny)))
        .reason(
            r.describe()
                + " "
                + (deny ? "denies " : "accepts ")
                + flow
                + " ("
                + hit.peer()
                + "): "
                + order
                + (passed == null ? "" : "; " + passed))
        .build();
  }

  /** A sentence for a Pass that sent the flow on, or null. */
  static String passed(Hit hit) {
    if (hit == null || hit.decides()) {
      return null;
    }
    return hit.rule().describe() + " passes the flow on ("
        + (hit.rule().tier() == TierRule.Tier.ADMIN
            ? "to the NetworkPolicies and Cilium policies)" : "to the default)");
  }

  /**
   * The selecting ClusterNetworkPolicies a release before 1.20 does not enforce, or whose object
   * the agent refuses, one line each, for the side's list of what is not evaluated.
   */
  List<String> notEnforced(Identity subject, Direction d, DatapathSettings s) {
    List<String> out = new ArrayList<>();
    if (policies.isEmpty() || !subject.isPod()) {
      return out;
    }
    if (!enforced(s)) {
      selecting(subject).stream().filter(r -> r.direction() == d).map(r -> r.policy().label())
          .distinct()
          .forEach(p -> out.add(p + ": not enforced by Cilium " + s.version()
              + " (ClusterNetworkPolicy is enforced from 1.20, cilium/cilium#42338)"));
    }
    refused.stream()
        .filter(r -> enforced(s))
        .filter(r -> r.direction() == d && r.subject().matches(subject.labels()))
        .map(TierRule::policy).distinct()
        .forEach(p -> out.add(p.label() + ": refused by the agent, not enforced ("
            + policies.stream().filter(c -> c.policy().equals(p)).findFirst().orElseThrow()
                .refused() + ")"));
    return out;
  }
}

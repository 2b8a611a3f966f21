package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Match;
import dev.nodeipam.policy.explanation.NotMatching;
import dev.nodeipam.policy.explanation.SideRule;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Entity;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.PortMatch;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.model.RuleEntry;
import dev.nodeipam.policy.model.TierRule;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.EnablePolicy;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One side of a flow (section 1, {@code evaluate}): the rules selecting the endpoint, its default
 * deny, deny entries first (181), then allow entries, then default deny (133).
 */
final class SideEvaluation {
  /**
   * What the side is asked.
   *
   * @param subject the endpoint whose policy decides (sender for egress, receiver for ingress)
   * @param peer the identity on the other end
   * @param destinationPorts the destination pod's container ports, for named ports
   * @param servicePort the Service port the client dialled when the flow was translated, else null
   */
  record Question(
      Identity subject,
      Direction direction,
      Identity peer,
      int port,
      Protocol protocol,
      List<Pod.ContainerPort> destinationPorts,
      Integer servicePort,
      boolean translated) {}

  private final PolicyIndex index;
  private final ClusterNamedPorts named;
  private final ClusterPolicyTiers tiers;

  SideEvaluation(PolicyIndex index, ClusterNamedPorts named) {
    this(index, named, ClusterPolicyTiers.NONE);
  }

  SideEvaluation(PolicyIndex index, ClusterNamedPorts named, ClusterPolicyTiers tiers) {
    this.index = index;
    this.named = named;
    this.tiers = tiers;
  }

  /**
   * The question with its named ports as the version resolves them: an egress name on the named
   * ports of all pods before Cilium 1.20 ({@link ClusterNamedPorts}), on the destination's own
   * from cilium/cilium#44429; an ingress name always on the receiving endpoint's own.
   */
  Question resolved(Question q, DatapathSettings s) {
    if (q.direction() != Direction.EGRESS || s.egressNamedPortsPerIdentity()) {
      return q;
    }
    return new Question(q.subject(), q.direction(), q.peer(), q.port(), q.protocol(),
        named.unambiguous(), q.servicePort(), q.translated());
  }

  /** The ports an egress named port is resolved on, for a caller holding a destination's. */
  List<Pod.ContainerPort> egressNamedPorts(
      List<Pod.ContainerPort> destinationPorts, DatapathSettings s) {
    return s.egressNamedPortsPerIdentity() ? destinationPorts : named.unambiguous();
  }

  SideVerdict evaluate(Question q, DatapathSettings s) {
    return evaluate(q, s, Detail.EXPLAINED);
  }

  /**
   * The side's verdict, explained to {@code detail}: the definition. {@link #drop} is its fast
   * path (no explanation, stops at the first deny); both decide through {@link SideRule#decide}.
   */
  SideVerdict evaluate(Question asked, DatapathSettings s, Detail detail) {
    Question q = resolved(asked, s);
    Direction d = q.direction();
    if (!q.subject().isPod()) {
      return SideVerdict.notEnforced(
          d,
          (d == Direction.EGRESS ? "the source" : "the destination")
              + " is "
              + q.subject().describe()
              + ": no endpoint "
              + d.lower()
              + " policy applies"
              + (q.subject().isNode() ? " (host policies are not modelled)" : ""));
    }
    if (s.enablePolicy() == EnablePolicy.NEVER) {
      return SideVerdict.notEnforced(d, "enable-policy=never: Cilium enforces no policy");
    }
    // Section 10: the Admin tier of ClusterNetworkPolicy first, the Baseline tier last.
    ClusterPolicyTiers.Hit admin = tiers.first(TierRule.Tier.ADMIN, q, s);
    if (admin != null && admin.decides()) {
      return tiers.verdict(admin, q, null);
    }
    Scan scan = new Scan();
    for (Rule r : index.selecting(q.subject(), s.version())) {
      scan.add(r, q, s);
    }
    scan.notModelled.addAll(tiers.notEnforced(q.subject(), d, s));
    boolean always = s.enablePolicy() == EnablePolicy.ALWAYS;
    boolean defaultDeny = always || !scan.defaultDenyBy.isEmpty();
    SideRule rule = SideRule.decide(
        !scan.deniedBy.isEmpty(), !scan.allowedBy.isEmpty(), fromLocalHost(q), defaultDeny);
    ClusterPolicyTiers.Hit baseline = rule == SideRule.NO_DEFAULT_DENY
        ? tiers.first(TierRule.Tier.BASELINE, q, s) : null;
    if (baseline != null && baseline.decides()) {
      return tiers.verdict(baseline, q, ClusterPolicyTiers.passed(admin));
    }
    String passed = ClusterPolicyTiers.passed(baseline != null ? baseline : admin);
    return SideVerdict.builder()
        .direction(d)
        .enforced(true)
        .outcome(rule.outcome())
        .dropReason(rule.dropReason())
        .defaultDeny(defaultDeny)
        .defaultDenyBy(List.copyOf(scan.defaultDenyBy))
        .allowedBy(List.copyOf(scan.allowedBy))
        .deniedBy(List.copyOf(scan.deniedBy))
        .matches(scan.matched)
        .notMatching(notMatching(scan, q, s, detail))
        .notModelled(List.copyOf(scan.notModelled))
        .rejected(index.rejections(index.selecting(q.subject()), s.version()))
        .reason(reason(rule, q, always) + (passed == null ? "" : "; " + passed))
        .build();
  }

  /** What the selecting rules say about one question, rule by rule, with the entries matched. */
  private static final class Scan {
    final Set<PolicyRef> defaultDenyBy = new LinkedHashSet<>();
    final Set<PolicyRef> deniedBy = new LinkedHashSet<>();
    final Set<PolicyRef> allowedBy = new LinkedHashSet<>();
    final Set<String> notModelled = new LinkedHashSet<>();
    final List<Rule> unmatched = new ArrayList<>();
    final List<Match> matched = new ArrayList<>();

    void add(Rule r, Question q, DatapathSettings s) {
      Direction d = q.direction();
      if (r.putsInDefaultDeny(d, s.honoursDefaultDenyOptOut())) {
        defaultDenyBy.add(r.policy());
      }
      if (!r.concerns(d)) {
        return;
      }
      r.notModelled().forEach(n -> notModelled.add(r.policy().label() + ": " + n));
      for (RuleEntry e : r.denies(d)) {
        e.notModelled().forEach(n -> notModelled.add(r.policy().label() + ": " + n));
        if (matches(e, q, s)) {
          deniedBy.add(r.policy());
          matched.add(match(r, e, q, s, true));
        }
      }
      boolean allowed = false;
      for (RuleEntry e : r.allows(d)) {
        e.notModelled().forEach(n -> notModelled.add(r.policy().label() + ": " + n));
        if (matches(e, q, s)) {
          allowed = true;
          matched.add(match(r, e, q, s, false));
        }
      }
      if (allowed) {
        allowedBy.add(r.policy());
      } else if (!r.allows(d).isEmpty()) {
        unmatched.add(r);
      }
    }
  }

  /**
   * The selecting policies that allowed nothing. A policy with several rules may allow through one
   * and miss with another: it allowed. Rules with an entry for this port (or the Service port
   * dialled) are the ones a reader expected to match: they come first.
   */
  private List<NotMatching> notMatching(Scan scan, Question q, DatapathSettings s, Detail detail) {
    Direction d = q.direction();
    List<NotMatching> notMatching = new ArrayList<>();
    List<NotMatching> others = new ArrayList<>();
    for (Rule r : scan.unmatched) {
      if (!scan.allowedBy.contains(r.policy())) {
        boolean relevant =
            r.allows(d).stream().anyMatch(e -> portsMatch(e, q) || servicePortMatches(e, q));
        (relevant ? notMatching : others)
            .add(new NotMatching(r.policy(), detail == Detail.EXPLAINED ? why(r, q, s) : ""));
      }
    }
    notMatching.addAll(others);
    return notMatching;
  }

  /** The side's sentence for the rule that decided it. */
  private static String reason(SideRule rule, Question q, boolean always) {
    Direction d = q.direction();
    String flowText = q.port() + "/" + q.protocol() + " "
        + (d == Direction.EGRESS ? "to " : "from ") + q.peer().describe();
    return switch (rule) {
      case DENY_RULE -> "a deny rule matches " + flowText + "; deny wins over every allow";
      case ALLOW_RULE -> "an allow rule matches " + flowText;
      case LOCAL_HOST -> LOCAL_HOST;
      case DEFAULT_DENY -> d.lower() + " is default-deny"
          + (always ? " (enable-policy=always)" : "") + " and no allow rule matches " + flowText;
      case NO_DEFAULT_DENY ->
          "no policy puts " + d.lower() + " in default deny, so everything is allowed";
    };
  }

  private static Match match(Rule r, RuleEntry e, Question q, DatapathSettings s, boolean deny) {
    String peer =
        e.peers().stream()
            .filter(p -> PeerMatching.matches(p, q.peer(), s))
            .map(Peer::text)
            .findFirst()
            .orElse("");
    String ports =
        e.allPorts()
            ? "all ports"
            : String.join(", ", e.ports().stream().map(PortMatch::toString).toList());
    return new Match(r.policy(), e.origin(), peer, ports, deny);
  }

  /**
   * The outcome of {@link #evaluate} without the explanation: for callers that judge many flows
   * and explain only the few that matter.
   */
  boolean allows(Question q, DatapathSettings s) {
    return drop(q, s) == 0;
  }

  /**
   * The drop reason {@link #evaluate} would give ({@link DropReason#POLICY_DENY} or {@link
   * DropReason#POLICY_DENIED}), or 0 when the side allows: its fast path, which builds nothing and
   * stops at the first matching deny entry (nothing outranks it).
   */
  int drop(Question asked, DatapathSettings s) {
    if (!asked.subject().isPod() || s.enablePolicy() == EnablePolicy.NEVER) {
      return 0;
    }
    Question q = resolved(asked, s);
    Direction d = q.direction();
    ClusterPolicyTiers.Hit admin = tiers.first(TierRule.Tier.ADMIN, q, s);
    if (admin != null && admin.decides()) {
      return admin.dropReason();
    }
    boolean defaultDeny = s.enablePolicy() == EnablePolicy.ALWAYS;
    boolean denied = false;
    boolean allowed = false;
    for (Rule r : index.selecting(q.subject(), s.version())) {
      defaultDeny |= r.putsInDefaultDeny(d, s.honoursDefaultDenyOptOut());
      denied = anyMatches(r.denies(d), q, s);
      if (denied) {
        break;
      }
      allowed = allowed || anyMatches(r.allows(d), q, s);
    }
    SideRule rule = SideRule.decide(denied, allowed, fromLocalHost(q), defaultDeny);
    if (rule == SideRule.NO_DEFAULT_DENY) {
      ClusterPolicyTiers.Hit baseline = tiers.first(TierRule.Tier.BASELINE, q, s);
      if (baseline != null && baseline.decides()) {
        return baseline.dropReason();
      }
    }
    return rule.dropReason() == null ? 0 : rule.dropReason();
  }

  private static boolean anyMatches(List<RuleEntry> entries, Question q, DatapathSettings s) {
    for (RuleEntry e : entries) {
      if (matches(e, q, s)) {
        return true;
      }
    }
    return false;
  }

  private static final String LOCAL_HOST = "the source is the local host, which always reaches"
      + " local endpoints: Kubernetes mode turns allow-localhost=auto into always (daemon/cmd),"
      + " an allow for the host identity in every endpoint's ingress; only a deny rule drops it";

  /**
   * Ingress from the receiving endpoint's own node (the host identity): allowed unless a deny
   * rule matches, whatever the allow rules say (allow-localhost=always in Kubernetes mode).
   */
  private static boolean fromLocalHost(Question q) {
    return q.direction() == Direction.INGRESS && q.peer().kind() == Identity.Kind.HOST;
  }

  /**
   * Whether {@link #drop} is {@link DropReason#POLICY_DENIED} for every pod peer at the port,
   * whatever its labels and named ports: the side is default-deny and no allow or deny entry on
   * the port has a peer that can be a pod. Named ports count as covering, so a true answer is
   * certain.
   */
  boolean deniesEveryPod(Identity subject, Direction d, int port, Protocol protocol,
      DatapathSettings s) {
    if (!subject.isPod() || s.enablePolicy() == EnablePolicy.NEVER) {
      return false;
    }
    if (tiers.any(TierRule.Tier.ADMIN, subject, d, s)) {
      return false; // an Admin rule may decide before the policies
    }
    boolean defaultDeny = s.enablePolicy() == EnablePolicy.ALWAYS;
    for (Rule r : index.selecting(subject, s.version())) {
      defaultDeny |= r.putsInDefaultDeny(d, s.honoursDefaultDenyOptOut());
      if (mayMatchPod(r.denies(d), port, protocol, s)
          || mayMatchPod(r.allows(d), port, protocol, s)) {
        return false;
      }
    }
    return defaultDeny;
  }

  private static boolean mayMatchPod(
      List<RuleEntry> entries, int port, Protocol protocol, DatapathSettings s) {
    for (RuleEntry e : entries) {
      boolean onPort = e.allPorts();
      for (PortMatch p : e.ports()) {
        onPort |= p.isNamed()
            ? p.protocols().contains(protocol)
            : p.matches(port, protocol, List.of());
      }
      if (onPort && e.peers().stream().anyMatch(p -> mayBePod(p, s))) {
        return true;
      }
    }
    return false;
  }

  /** Whether the peer can match some pod identity (CIDRs and most entities never do). */
  private static boolean mayBePod(Peer p, DatapathSettings s) {
    if (p instanceof Peer.Cidr) {
      return s.cidrMatchesPods();
    }
    if (p instanceof Peer.Entities e) {
      return e.entity() == Entity.ALL || e.entity() == Entity.CLUSTER;
    }
    return true;
  }

  static boolean matches(RuleEntry e, SideEvaluation.Question q, DatapathSettings s) {
    if (!portsMatch(e, q)) {
      return false;
    }
    for (Peer p : e.peers()) {
      if (PeerMatching.matches(p, q.peer(), s)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the entry's ports cover the port (named ports resolved on the destination's). */
  static boolean portsCover(
      RuleEntry e, int port, Protocol protocol, List<Pod.ContainerPort> destinationPorts) {
    if (e.allPorts()) {
      return true;
    }
    for (PortMatch p : e.ports()) {
      if (p.matches(port, protocol, destinationPorts)) {
        return true;
      }
    }
    return false;
  }

  private static boolean portsMatch(RuleEntry e, Question q) {
    if (e.allPorts()) {
      return true;
    }
    for (PortMatch p : e.ports()) {
      if (p.matches(q.port(), q.protocol(), q.destinationPorts())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why none of the rule's allow entries for the direction matches. Entries whose ports cover the
   * flow (or the Service port the client dialled) are the ones a reader expected to match; only
   * they are explained when there are any.
   */
  private String why(Rule r, Question q, DatapathSettings s) {
    String role = q.direction() == Direction.EGRESS ? "destination" : "source";
    List<RuleEntry> entries = r.allows(q.direction());
    List<RuleEntry> relevant =
        entries.stream().filter(e -> portsMatch(e, q) || servicePortMatches(e, q)).toList();
    Set<String> reasons = new LinkedHashSet<>();
    for (RuleEntry e : relevant.isEmpty() ? entries : relevant) {
      boolean peerOk = e.peers().stream().anyMatch(p -> PeerMatching.matches(p, q.peer(), s));
      boolean portOk = portsMatch(e, q);
      if (e.peers().isEmpty()) {
        reasons.add(
            e.origin()
                + " has no peer the engine can evaluate"
                + (e.notModelled().isEmpty()
                    ? " (it matches nothing)"
                    : " (" + e.notModelled().get(0) + ")"));
        continue;
      }
      StringBuilder why = new StringBuilder();
      if (!peerOk) {
        Set<String> peerReasons = new LinkedHashSet<>();
        for (Peer p : e.peers()) {
          peerReasons.add(PeerMatching.whyNot(p, q.peer(), s, role, q.translated()));
        }
        why.append(String.join("; ", peerReasons));
      }
      if (!portOk) {
        why.append(why.length() == 0 ? "" : "; and ").append(portWhy(e, q, s));
      }
      reasons.add(why.toString());
    }
    return String.join("; ", reasons);
  }

  private static boolean servicePortMatches(RuleEntry e, Question q) {
    if (q.servicePort() == null || q.servicePort() == q.port()) {
      return false;
    }
    return portsMatch(
        e,
        new Question(
            q.subject(),
            q.direction(),
            q.peer(),
            q.servicePort(),
            q.protocol(),
            q.destinationPorts(),
            null,
            q.translated()));
  }

  private String portWhy(RuleEntry e, Question q, DatapathSettings s) {
    if (e.ports().isEmpty()) {
      return "the entry allows no TCP/UDP/SCTP port";
    }
    List<String> texts = new ArrayList<>();
    for (PortMatch p : e.ports()) {
      texts.add(p.isNamed() ? namedText(p, q, s) : p.toString());
    }
    String hint =
        q.servicePort() != null && q.servicePort() != q.port()
            ? " (the Service port "
                + q.servicePort()
                + " is translated to targetPort "
                + q.port()
                + ")"
            : "";
    return "ports "
        + String.join(", ", texts)
        + " do not cover "
        + q.port()
        + "/"
        + q.protocol()
        + hint;
  }

  private String namedText(PortMatch p, Question q, DatapathSettings s) {
    if (q.direction() == Direction.EGRESS && !s.egressNamedPortsPerIdentity()) {
      Set<Integer> numbers = new TreeSet<>();
      p.protocols().forEach(proto -> numbers.addAll(named.numbers(p.name(), proto.name())));
      String where = " (Cilium " + s.version() + " resolves an egress named port on the named"
          + " ports of all pods";
      return p + (numbers.isEmpty() ? where + ": no pod names it)"
          : numbers.size() > 1 ? where + ": pods give it " + numbers + ", so it installs no port"
              + " for it; cilium/cilium#12567, resolved per destination from 1.20, #44429)"
          : where + ": = " + numbers.iterator().next() + ")");
    }
    Integer resolved = null;
    for (Protocol proto : p.protocols()) {
      Integer r = PortMatch.resolve(p.name(), proto, q.destinationPorts());
      resolved = resolved == null ? r : resolved;
    }
    return p
        + (resolved == null ? " (no such named port on the destination)" : " (= " + resolved + ")");
  }
}

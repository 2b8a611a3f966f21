package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.NodeAddressVips;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.model.RuleEntry;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code nodeipam audit} as a pure function: every flow a Service address silently breaks, the
 * other findings, and the companion policies that fix the traps.
 *
 * <pre>{@code
 * AuditReport report = Audit.run(snapshot, Map.of("kube-proxy-replacement", "true"),
 *     AuditOptions.defaults());
 * report.serviceFindings();     // one per (policy rule, Service, port, direction), then others
 * report.groupedFindings();     // one per (source workload, address, port, direction), then others
 * report.findings();            // one per (source pod, address, port, direction), then the others
 * report.companions();          // CiliumClusterwideNetworkPolicies as plain maps
 * report.toMap();               // the JSON contract
 * }</pre>
 */
public final class Audit {
  private Audit() {}

  /** A Service address and one of its ports: what the trap search is asked about. */
  record Target(ServiceAddress address, Service.ServicePort port, Protocol protocol) {}

  /**
   * Runs the audit.
   *
   * @param overrides {@code --set} values over the snapshot's cilium-config
   * @throws BadInputException on invalid policies or settings
   */
  public static AuditReport run(
      ClusterSnapshot snapshot, Map<String, String> overrides, AuditOptions options) {
    return run(snapshot, overrides, options, Set.of(), new AuditProgress());
  }

  /**
   * Runs the audit for the Services of some namespaces only ({@code -n}); every policy and pod of
   * the cluster still counts, as senders and as the rules that judge them.
   *
   * @param namespaces the namespaces whose Services are reported; empty for all
   */
  public static AuditReport run(
      ClusterSnapshot snapshot,
      Map<String, String> overrides,
      AuditOptions options,
      Set<String> namespaces) {
    return run(snapshot, overrides, options, namespaces, new AuditProgress());
  }

  /** {@link #run(ClusterSnapshot, Map, AuditOptions, Set)}, counting in progress. */
  public static AuditReport run(ClusterSnapshot snapshot, Map<String, String> overrides,
      AuditOptions options, Set<String> namespaces, AuditProgress progress) {
    return run(snapshot, overrides, options, AuditScope.all(), namespaces, progress);
  }

  /**
   * The audit of part of the (address, source) pairs only: what a diff needs. Traps outside the
   * scope are not looked for; the other findings are those of the addresses audited.
   */
  public static AuditReport run(ClusterSnapshot snapshot, Map<String, String> overrides,
      AuditOptions options, AuditScope scope) {
    return run(snapshot, overrides, options, scope, Set.of(), new AuditProgress(), null, true)
        .report();
  }

  /**
   * The traps (and their companions) of {@link #run(ClusterSnapshot, Map, AuditOptions,
   * AuditScope)} alone, without the other findings (a diff compares traps only), reusing what an
   * engine of a snapshot with the same policies has read ({@link PolicyEngine#withServicesOf}):
   * the two states of one change judge by the same rules, parsed once.
   *
   * @param sameRules an engine built with {@code options.dns()}, or null
   */
  public static Traps traps(ClusterSnapshot snapshot, Map<String, String> overrides,
      AuditOptions options, AuditScope scope, PolicyEngine sameRules) {
    return run(snapshot, overrides, options, scope, Set.of(), new AuditProgress(), sameRules,
        false);
  }

  /**
   * An audit of traps alone, with what it judged them by: the Service addresses it published
   * (planned statuses written in) and the engine of that snapshot, for single verdicts after it.
   */
  public record Traps(AuditReport report, PublishedAddresses published, PolicyEngine engine) {}

  private static AuditReport run(ClusterSnapshot snapshot, Map<String, String> overrides,
      AuditOptions options, AuditScope scope, Set<String> namespaces,
      AuditProgress progress) {
    return run(snapshot, overrides, options, scope, namespaces, progress, null, true).report();
  }

  private static Traps run(ClusterSnapshot snapshot, Map<String, String> overrides,
      AuditOptions options, AuditScope scope, Set<String> namespaces,
      AuditProgress progress, PolicyEngine sameRules, boolean othersToo) {
    PolicyEngine rules = sameRules == null ? PolicyEngine.of(snapshot, options.dns())
        : PolicyEngine.withServicesOf(snapshot, sameRules);
    // Every policy read, as PolicyEngine.of reads them: an invalid one anywhere is an error.
    rules.rules();
    // Sources in scope are audited at every address; without them only the scope's are needed.
    boolean allAddresses = scope.everything() || !scope.sourcePods().isEmpty();
    Predicate<Service> audited =
        s -> allAddresses || scope.coversService(s.key());
    DatapathSettings settings = rules.settings(overrides);
    if (!mayTrap(rules.rules(), settings)
        && !mayTrapByTiers(rules.clusterAccepts(), settings)) {
      return withoutTraps(snapshot, options, namespaces, progress, rules, settings, audited,
          othersToo);
    }
    PublishedAddresses published = PublishedAddresses.of(snapshot, options.nodeIpam(), audited);
    PolicyEngine engine = PolicyEngine.withServicesOf(published.snapshot(), rules);
    DatapathSettings now = engine.settings(overrides);
    DatapathSettings translating = IdentityTrap.translating(engine, overrides);

    TrapSearch search = new TrapSearch(engine, now, translating, options.latent(),
        scope.everything() ? Set.of() : scope.sourcePods());
    List<Target> targets =
        targets(published.addresses(), engine).stream()
            .filter(t -> inScope(namespaces, t.address().service().namespace()))
            .toList();
    boolean[] scopedSources = scope.everything() ? null : search.groupsOf(scope.sourcePods());
    boolean anySource = scopedSources != null && !scope.sourcePods().isEmpty();
    progress.total(targets.size());
    List<Target> searched = targets.stream()
        .filter(t -> anySource || scope.coversService(t.address().service().key()))
        .toList();
    // One search per class of addresses no rule tells apart, not per address (AddressClasses).
    AddressClasses classes = new AddressClasses(search);
    AddressClasses.Classes split = classes.classes(searched);
    List<ClassTraps> found = split.members().parallelStream()
        .map(c -> {
          ClassTraps traps = classes.search(c,
              scope.coversService(c.get(0).address().service().key()) ? null : scopedSources);
          progress.done(c.size());
          return traps;
        })
        .toList();
    // Addresses are in report order and each comes back ordered: no sort over millions of traps.
    TrapView sorted = new TrapView(found, split.classOf(), split.memberOf());

    CompanionScope.Choice companionScope = CompanionScope.choose(options.companionScope(), now);
    List<Finding> others = new ArrayList<>();
    if (othersToo) {
      others.addAll(others(snapshot, published, engine, now, namespaces));
      others.addAll(conflicts(published, engine, namespaces));
      others.addAll(collisions(snapshot, options, now, others, namespaces));
    }
    // Every address of a run has the same traps but the address: the companions read one each.
    List<Trap> distinct = new ArrayList<>();
    sorted.forEachRun(run -> distinct.addAll(run.traps()));
    return new Traps(new AuditReport(sorted, others,
        Companions.of(distinct, companionScope.scope(), now), now, published.addresses().size(),
        search.identityCount(), companionScope, new SourceNames(published.snapshot().workloads())),
        published, engine);
  }

  /**
   * The audit when no rule allows by a peer admitting world: no trap can exist, so no address
   * is searched, and only the other findings' addresses are built (all of them only for an
   * unresolved toFQDNs rule); the rest are counted.
   */
  private static Traps withoutTraps(ClusterSnapshot snapshot, AuditOptions options,
      Set<String> namespaces, AuditProgress progress, PolicyEngine rules,
      DatapathSettings settings, Predicate<Service> audited, boolean othersToo) {
    int total = PublishedAddresses.count(snapshot, options.nodeIpam(), audited);
    progress.total(total);
    progress.done(total);
    CompanionScope.Choice companionScope =
        CompanionScope.choose(options.companionScope(), settings);
    if (!othersToo) {
      PublishedAddresses published =
          PublishedAddresses.of(snapshot, options.nodeIpam(), audited);
      return new Traps(new AuditReport(List.of(), List.of(), List.of(), settings, total, 0,
          companionScope, SourceNames.none()), published,
          PolicyEngine.withServicesOf(published.snapshot(), rules));
    }
    boolean vips = NodeAddressVips.affected(settings);
    boolean fqdns = hasUnresolvedFqdns(rules.rules());
    PublishedAddresses needed = PublishedAddresses.of(snapshot, options.nodeIpam(),
        s -> audited.test(s) && (fqdns
            || vips && NodeAddressVips.wildcardCandidate(s)));
    // Conflicting claims need every address, not only those the other findings look at.
    PublishedAddresses all = PublishedAddresses.of(snapshot, options.nodeIpam(), audited);
    List<Finding> others = others(snapshot, needed, rules, settings, namespaces);
    others.addAll(conflicts(all, PolicyEngine.withServicesOf(all.snapshot(), rules),
        namespaces));
    others.addAll(collisions(snapshot, options, settings, others, namespaces));
    return new Traps(new AuditReport(List.of(), others,
        List.of(), settings, total, 0, companionScope, SourceNames.none()), all, null);
  }

  /**
   * Node addresses reused as load-balancer addresses; a Service's status that NODE_IP_AS_LB_VIP
   * already reports is not reported again.
   */
  private static List<Finding> collisions(ClusterSnapshot snapshot, AuditOptions options,
      DatapathSettings now, List<Finding> others, Set<String> namespaces) {
    Set<String> reported = new HashSet<>();
    others.stream().filter(f -> f.type() == FindingType.NODE_IP_AS_LB_VIP)
        .forEach(f -> reported.add(f.service()));
    return NodeAddressCollisions.find(snapshot, options.nodeIpam(), now, reported).stream()
        .filter(f -> f.service() == null || inScope(namespaces, namespaceOf(f.service())))
        .toList();
  }

  /** The conflicting claims of which at least one Service is in the namespaces reported. */
  private static List<Finding> conflicts(PublishedAddresses published, PolicyEngine engine,
      Set<String> namespaces) {
    return AddressConflicts.findings(AddressConflicts.find(published.addresses(), engine).stream()
        .filter(c -> c.services().stream().anyMatch(s -> inScope(namespaces, namespaceOf(s))))
        .toList());
  }

  private static boolean hasUnresolvedFqdns(List<Rule> rules) {
    for (Rule r : rules) {
      for (RuleEntry e : r.allows(Direction.EGRESS)) {
        if (!e.unresolvedFqdns().isEmpty()) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<Finding> others(ClusterSnapshot snapshot, PublishedAddresses published,
      PolicyEngine engine, DatapathSettings now, Set<String> namespaces) {
    List<Finding> others = new ArrayList<>(
        OtherFindings.nodeIpVips(published.addresses(), published.snapshot(), now));
    others.addAll(OtherFindings.externalIps(snapshot));
    // Rules of policies the agent rejects are enforced nowhere: no finding is about them but
    // POLICY_REJECTED.
    others.addAll(OtherFindings.fqdnMayBeTrapped(engine.rules(now), published.addresses()));
    others.addAll(OtherFindings.cidrCoverage(engine.rules(now), snapshot, now));
    others.addAll(ClusterPolicyFindings.of(snapshot, now));
    others.removeIf(f -> f.service() != null && !inScope(namespaces, namespaceOf(f.service())));
    others.addAll(PolicyRejections.findings(engine.rejections(now), now, namespaces));
    return others;
  }

  /**
   * Whether any rule that applies to pods allows by a peer admitting world under the settings
   * ({@link WorldPeer}: CIDR, toFQDNs with DNS answers, world or all, a negative-only selector),
   * either way: the only kind of rule a Service address can silently break.
   */
  static boolean mayTrap(List<Rule> rules, DatapathSettings s) {
    for (Rule r : rules) {
      if (!r.appliesToPods()) {
        continue;
      }
      for (Direction d : Direction.values()) {
        for (RuleEntry e : r.allows(d)) {
          if (WorldPeer.anyAdmitsSome(e.peers(), s)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Whether a ClusterNetworkPolicy Accept rule allows by a CIDR peer ({@code networks}): such a
   * rule traps like a toCIDR one (section 10 of the policy model).
   */
  static boolean mayTrapByTiers(List<PolicyEngine.AllowEntry> accepts, DatapathSettings s) {
    return accepts.stream().anyMatch(a -> WorldPeer.anyAdmitsSome(a.entry().peers(), s));
  }

  private static boolean inScope(Set<String> namespaces, String namespace) {
    return namespaces.isEmpty() || namespaces.contains(namespace);
  }

  private static String namespaceOf(String serviceKey) {
    int slash = serviceKey.indexOf('/');
    return slash < 0 ? serviceKey : serviceKey.substring(0, slash);
  }

  private static final Comparator<Target> ORDER =
      Comparator.comparing((Target t) -> t.address().service().namespace())
          .thenComparing(t -> t.address().service().name())
          .thenComparing(t -> t.address().address())
          .thenComparingInt(t -> t.port().port())
          .thenComparing(Target::protocol);

  /**
   * Each (address, port, protocol) once, by Service, address and port. When several Services claim
   * it, the one reported is the one the datapath translates it to (its backends are the ones
   * judged), else the first.
   */
  static List<Target> targets(List<ServiceAddress> addresses, PolicyEngine engine) {
    // Keyed by the parsed address (shared by every Service publishing it), not by its text:
    // millions of Node IPAM targets cost one small key each.
    Map<TargetKey, Target> chosen = new LinkedHashMap<>();
    Set<TargetKey> chosenIsTranslated = new HashSet<>();
    // The frontend an (address, port) hits is the same whichever Service publishes it: asked
    // once per distinct key, not once per published address (node addresses are shared by
    // thousands of Node IPAM Services).
    Map<TargetKey, String> translatedTo = new HashMap<>();
    for (ServiceAddress a : addresses) {
      for (Service.ServicePort p : a.service().ports()) {
        Protocol protocol = Protocol.parse(p.protocol() == null ? "TCP" : p.protocol());
        if (protocol == null) {
          continue;
        }
        TargetKey key = new TargetKey(a.address(), p.port(), protocol);
        if (chosenIsTranslated.contains(key)) {
          continue;
        }
        String to = translatedTo.computeIfAbsent(key,
            k -> engine.frontendService(k.address(), k.port(), k.protocol()).orElse(""));
        boolean translated = to.equals(a.service().key());
        if (!chosen.containsKey(key) || translated) {
          chosen.put(key, new Target(a, p, protocol));
          if (translated) {
            chosenIsTranslated.add(key);
          }
        }
      }
    }
    List<Target> out = new ArrayList<>(chosen.values());
    out.sort(ORDER);
    return out;
  }

  private record TargetKey(IPAddress address, int port, Protocol protocol) {
    // The parsed address's own hash leaves thousands of node addresses in a few buckets; its
    // canonical text (kept by the address once made) spreads them.
    @Override
    public int hashCode() {
      return (address.toCanonicalString().hashCode() * 31 + port) * 31 + protocol.ordinal();
    }
  }
}

package dev.nodeipam.render;

import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.IdentityTrap;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.audit.TrapGroups;
import dev.nodeipam.diff.Item;
import dev.nodeipam.diff.RuleAt;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one diagram of a trap shows, read left to right: the source workloads (with pod counts),
 * the address as the policy reads it (world, the CIDR rule that matches it), the Service, and the
 * backend identity and targetPort as Cilium sees it once it translates the address. The hop from
 * the Service to the backend is the trapped one: there the rules stop matching. The SVG of the
 * HTML report and the Mermaid flowchart of the Markdown report are both drawn from this value.
 *
 * <p>A picture is built from the groups of one Service address and port ({@link
 * TrapGroups.Target}), whatever a group is: each group gives a source and its rules.
 *
 * @param title the address, port and protocol, and whose frontend it is
 * @param sources one per group (source workload or identity), each naming the rules it reaches
 * @param rules the policy rules that read the address as world or a CIDR (the labels)
 * @param service the Service and the address it publishes
 * @param backend the identity and port the policy sees after translation
 * @param hop the trapped hop's label: the rule, or how many rules, that stop matching
 * @param trapped false only for a traced flow that is no identity trap: its hop is drawn plain
 * @param active whether the trap drops traffic now (false: once the address is translated)
 * @param more sources and rules not drawn, to keep the picture readable
 * @param namespaces the source and policy namespaces, for the report's index
 * @param policies the policies' labels, for the report's index
 * @param companion the YAML that clears the traps, empty when none can
 */
public record TrapPicture(
    String title,
    List<Source> sources,
    List<String> rules,
    String service,
    String backend,
    String hop,
    boolean trapped,
    boolean active,
    int more,
    Set<String> namespaces,
    Set<String> policies,
    String companion) {

  /** Sources and rules drawn at most, per picture. */
  public static final int MAX_NODES = 12;

  /** A source workload and the indexes of the rules (in {@link #rules}) it reaches. */
  public record Source(String label, List<Integer> rules) {
    public Source {
      rules = List.copyOf(rules);
    }
  }

  public TrapPicture {
    sources = List.copyOf(sources);
    rules = List.copyOf(rules);
    namespaces = Set.copyOf(namespaces);
    policies = Set.copyOf(policies);
  }

  /** The groups at one Service address and port, as one picture. */
  public static TrapPicture of(AuditReport r, TrapGroups.Target target) {
    Trap first = target.first();
    Collector c = new Collector();
    Set<String> namespaces = new LinkedHashSet<>();
    for (TrapGroups.Group g : target.groups()) {
      Trap t = g.first();
      String kind = g.source().kind();
      int pods = g.members().get(0).count();
      String label = g.source().name() + (kind.equals("Pod") ? " (pod)"
          : " (" + kind + ", " + pods + " pod" + (pods == 1 ? "" : "s") + ")")
          + (g.members().size() == 1 ? "" : " and " + (g.members().size() - 1) + " more ("
              + g.pods() + " pods in all)");
      c.add(label, AuditRenderer.ruleLabels(t, r.settings()));
      g.sources(1).stream().map(Pod::namespace).forEach(namespaces::add);
      t.policies().forEach(p -> {
        c.policies.add(p.label());
        if (p.namespace() != null) {
          namespaces.add(p.namespace());
        }
      });
    }
    String service = first.address().service().key();
    String companion = CompanionYaml.of(r.companions().stream()
        .filter(x -> x.service().equals(service)).toList());
    return c.picture(AuditRenderer.address(first) + "  " + first.address().frontend() + " of "
            + service, "Service " + service + " " + AuditRenderer.address(first),
        AuditRenderer.destination(first), first.active(), namespaces, companion);
  }

  /**
   * The trap items of {@code diff} at one Service address and port (in the order found) as one
   * picture: each item is a source, its rules are the ones it names.
   */
  public static TrapPicture of(List<Item> items, List<Companion> companions) {
    Item first = items.get(0);
    Collector c = new Collector();
    Set<String> namespaces = new LinkedHashSet<>();
    boolean active = false;
    for (Item i : items) {
      active |= Boolean.TRUE.equals(i.active());
      List<String> rules = new ArrayList<>();
      for (RuleAt rule : i.rules()) {
        rules.add(rule.policy().label() + " " + rule.origin());
        c.policies.add(rule.policy().label());
        if (rule.policy().namespace() != null) {
          namespaces.add(rule.policy().namespace());
        }
      }
      String kind = i.sourceKind() == null ? "identity" : i.sourceKind();
      c.add(i.sourceText() + " (" + kind + ", " + i.pods() + " pod"
          + (i.pods() == 1 ? "" : "s") + ")", rules);
      int slash = i.source().indexOf('/');
      if (slash > 0) {
        namespaces.add(i.source().substring(0, slash));
      }
    }
    String companion = CompanionYaml.of(companions.stream()
        .filter(x -> x.service().equals(first.service())).toList());
    return c.picture(first.targetText() + "  of " + first.service(),
        "Service " + first.service() + " " + first.targetText(),
        "backends of " + first.service() + " port " + first.targetPort(), active, namespaces,
        companion);
  }

  /**
   * One traced flow: the source pod, the rules that allow it read as the address, the Service
   * that translates it, and the first backend with the verdict Cilium reaches.
   */
  public static TrapPicture of(Verdict v, Verdict asAddress, IdentityTrap trap) {
    Collector c = new Collector();
    List<String> rules = new ArrayList<>();
    Set<String> namespaces = new LinkedHashSet<>();
    namespaces.add(v.flow().source().namespace());
    String read = asAddress == null ? "the address"
        : asAddress.destinations().get(0).identity().name();
    if (asAddress != null) {
      for (PolicyRef p : asAddress.destinations().get(0).egress().allowedBy()) {
        rules.add(read + " allowed by " + p.label());
        c.policies.add(p.label());
        if (p.namespace() != null) {
          namespaces.add(p.namespace());
        }
      }
    }
    if (rules.isEmpty()) {
      rules.add(read + " (no rule allows it read as the address)");
    }
    c.add(v.flow().source().key() + " (pod)", rules);
    Translation t = v.translation();
    String service = t.translated() ? "Service " + t.service() + " "
        + v.flow().destinationText() + " (" + t.frontend().wire() + ")"
        : v.flow().destinationText() + " (not translated)";
    DestinationVerdict d = v.destinations().get(0);
    String backend = d.identity().describe() + " port " + d.port() + ": " + d.outcome()
        + (v.destinations().size() > 1 ? " (and " + (v.destinations().size() - 1) + " more)"
            : "");
    TrapPicture p = c.picture(v.flow().destinationText() + "  from " + v.flow().source().key(),
        service, backend, trap.active(), namespaces, "");
    return trap.trapped() ? p : new TrapPicture(p.title(), p.sources(), p.rules(), p.service(),
        p.backend(), "no identity trap: the verdict is " + v.outcome(), false, false, p.more(),
        p.namespaces(), p.policies(), "");
  }

  /** Gathers sources and their rules, each rule once, at most {@link #MAX_NODES} of each. */
  static final class Collector {
    private final List<Source> sources = new ArrayList<>();
    private final Map<String, Integer> rules = new LinkedHashMap<>();
    final Set<String> policies = new LinkedHashSet<>();
    private int more;

    void add(String source, List<String> ruleLabels) {
      List<Integer> reached = new ArrayList<>();
      for (String rule : ruleLabels) {
        Integer at = rules.get(rule);
        if (at == null && rules.size() < MAX_NODES) {
          at = rules.size();
          rules.put(rule, at);
        } else if (at == null) {
          more++;
        }
        if (at != null) {
          reached.add(at);
        }
      }
      if (sources.size() < MAX_NODES) {
        sources.add(new Source(source, reached));
      } else {
        more++;
      }
    }

    TrapPicture picture(String title, String service, String backend, boolean active,
        Set<String> namespaces, String companion) {
      List<String> labels = List.copyOf(rules.keySet());
      String hop = labels.size() == 1 ? "stops matching: " + labels.get(0)
          : labels.size() + " rules stop matching (world/CIDR no longer matches a pod)";
      return new TrapPicture(title, sources, labels, service, backend, hop, true, active, more,
          namespaces, policies, companion);
    }
  }
}

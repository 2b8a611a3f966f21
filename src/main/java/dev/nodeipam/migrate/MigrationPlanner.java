package dev.nodeipam.migrate;

import dev.nodeipam.ipam.ClasslessDefault;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Plans the move of every Service that uses {@code spec.externalIPs} to a Node IPAM LoadBalancer,
 * and proves the plan: the after-state (labels on the nodes, the new Service objects in place of
 * the old) goes through the same Node IPAM core as {@code nodeipam plan}, and what it publishes is
 * compared with the old addresses by value. Pure: snapshot in, plan out.
 */
public final class MigrationPlanner {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** On Services the plan creates: the Service whose addresses they took over. */
  public static final String MIGRATED_FROM = "nodeipam.dev/migrated-from";

  /** The source of the Services the plan writes. */
  static final String PLANNED = "nodeipam migrate";

  /**
   * @param loadBalancerClass the class of the new LoadBalancers
   * @param services {@code namespace/name} of the Services to migrate; empty = every one
   * @param nodeipamAnnotations let the plan use nodeipam's own {@code nodeipam.dev/address-policy}
   *     annotation when no Cilium-compatible grouping reproduces the old addresses (only nodeipam's
   *     controller honours it)
   * @param namespaces the namespaces whose Services are migrated ({@code -n}); empty = every one
   */
  public record Options(
      String loadBalancerClass,
      List<String> services,
      boolean nodeipamAnnotations,
      Set<String> namespaces) {
    public Options {
      services = List.copyOf(services);
      namespaces = Set.copyOf(namespaces);
    }

    public Options(String loadBalancerClass, List<String> services, boolean nodeipamAnnotations) {
      this(loadBalancerClass, services, nodeipamAnnotations, Set.of());
    }

    public static Options defaults() {
      return new Options(NodeIpamOptions.DEFAULT_CLASS, List.of(), false);
    }
  }

  private final ClusterSnapshot before;
  private final Options options;
  private final NodeIpamOptions ipam;
  private final ServiceDraft drafts;
  private final PlanProof proof;

  private MigrationPlanner(ClusterSnapshot before, Options options) {
    this.before = before;
    this.options = options;
    this.ipam = ClasslessDefault.applied(
        NodeIpamOptions.reference().withLoadBalancerClass(options.loadBalancerClass()), before);
    this.drafts = new ServiceDraft(before, options, ipam);
    this.proof = new PlanProof(before, ipam);
  }

  /** The plan for the snapshot; the audit runs on the after-state, the steps are written last. */
  public static MigrationPlan plan(
      ClusterSnapshot before, Options options, AfterStateAudit audit, CommandText text) {
    return new MigrationPlanner(before, options).run(audit, text);
  }

  /** The Services the plan looks at: those with externalIPs, sorted, filtered by the options. */
  public static List<Service> candidates(ClusterSnapshot snapshot, Options options) {
    List<String> only = options.services();
    Set<String> namespaces = options.namespaces();
    List<Service> out = new ArrayList<>();
    for (Service s : snapshot.services()) {
      if (!s.externalIps().isEmpty()
          && (only.isEmpty() || only.contains(s.key()))
          && (namespaces.isEmpty() || namespaces.contains(s.namespace()))) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing(Service::namespace).thenComparing(Service::name));
    return out;
  }

  /** Draft every Service, build the after-state, prove the drafts on it, audit, write steps. */
  private MigrationPlan run(AfterStateAudit audit, CommandText text) {
    List<ServiceMigration> drafted = new ArrayList<>();
    for (Service s : candidates(before, options)) {
      drafted.add(drafts.draft(s));
    }
    ClusterSnapshot after = AfterState.of(before, drafts.labelsToAdd(), drafted);
    // The proof: the Node IPAM core, exactly as ClusterPlan runs it, on the after-state's nodes and
    // slices, for every Service the plan writes.
    NodeIpam core = new NodeIpam(ipam);
    NodePool afterPool = NodePool.of(after.nodes());
    Map<String, IngressDecision> decisions = new HashMap<>();
    for (ServiceMigration d : drafted) {
      for (PlannedService p : d.after()) {
        Service s = p.service();
        decisions.put(s.key(), core.decide(s, afterPool, after.slicesOf(s.namespace(), s.name())));
      }
    }
    List<ServiceMigration> proven = new ArrayList<>();
    for (ServiceMigration d : drafted) {
      proven.add(d.migratable() ? proof.prove(d, decisions) : d);
    }
    List<NodeLabels> nodeLabels = steppedLabels(proven);
    List<String> changed = new ArrayList<>();
    for (ServiceMigration m : proven) {
      if (m.steppable()) {
        m.after().forEach(p -> changed.add(p.service().key()));
      }
    }
    // The audit sees what the steps will make of the cluster: Services that get no steps stay as
    // they are there.
    ClusterSnapshot applied =
        changed.isEmpty() && proven.stream().noneMatch(ServiceMigration::migratable)
            ? after
            : AfterState.of(
                before,
                drafts.labelsToAdd(),
                proven.stream().filter(ServiceMigration::steppable).toList());
    AuditOutcome outcome = audit.audit(before, applied, changed);
    List<PlanWarning> warnings = proof.sideEffects(drafts.labelsToAdd(), proven, after, afterPool);
    MigrationPlan unstepped =
        new MigrationPlan(proven, nodeLabels, outcome, List.of(), warnings, after);
    return new MigrationPlan(
        proven, nodeLabels, outcome, new StepWriter(text, ipam).steps(unstepped), warnings, after);
  }

  /** Labels only for the Services that get steps: a refused Service must leave no trace. */
  private List<NodeLabels> steppedLabels(List<ServiceMigration> proven) {
    Map<String, Map<String, String>> stepped = new TreeMap<>();
    for (ServiceMigration m : proven) {
      if (!m.steppable()) {
        continue;
      }
      for (PlannedService p : m.after()) {
        if (p.label() == null || p.label().existing()) {
          continue;
        }
        for (String node : p.nodes()) {
          boolean carries =
              before
                  .node(node)
                  .map(n -> p.label().value().equals(n.labels().get(p.label().key())))
                  .orElse(false);
          if (!carries) {
            stepped
                .computeIfAbsent(node, k -> new TreeMap<>())
                .put(p.label().key(), p.label().value());
          }
        }
      }
    }
    List<NodeLabels> nodeLabels = new ArrayList<>();
    stepped.forEach((node, added) -> nodeLabels.add(new NodeLabels(node, added)));
    return nodeLabels;
  }

  /** The entries in their order, each address once (by value). */
  static List<String> distinctByValue(List<String> texts) {
    Map<String, String> seen = new LinkedHashMap<>();
    texts.forEach(t -> seen.putIfAbsent(Proof.valueOf(t), t));
    return List.copyOf(seen.values());
  }
}

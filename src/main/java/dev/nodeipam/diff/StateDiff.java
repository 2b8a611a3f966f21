package dev.nodeipam.diff;

import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.AuditScope;
import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.Granularity;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.SettingsResolution;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nodeipam diff} as a pure function: two snapshots in, what the change between them
 * breaks, fixes, publishes and withdraws out. Only what the change can affect is evaluated (see
 * {@link DiffScope}): both states are audited over the same scope, and their traps compared in
 * the units the audit reports (its findings of version 3, see {@link GroupedFlowChanges}), or
 * with {@code --per-address} flow by flow (source pod, Service address, port, direction).
 */
public final class StateDiff {
  private StateDiff() {}

  /**
   * One state: its snapshot and where its objects are written.
   *
   * @param name {@code before} or {@code after}
   */
  public record State(String name, ClusterSnapshot snapshot, Locator locator) {}

  /**
   * What both states are judged under: the same {@code --set} and Node IPAM flags.
   *
   * @param flows the unit of the flow items: {@link Granularity#SERVICE} (the default) or
   *     {@link Granularity#ADDRESS}
   */
  public record Settings(Map<String, String> overrides, AuditOptions audit, Granularity flows) {
    public Settings {
      if (flows == Granularity.POD) {
        throw new IllegalArgumentException("diff reports flows per Service or per address");
      }
    }

    public Settings(Map<String, String> overrides, AuditOptions audit) {
      this(overrides, audit, Granularity.SERVICE);
    }

    /** The same settings with flow items in another unit. */
    public Settings withFlows(Granularity unit) {
      return new Settings(overrides, audit, unit);
    }
  }

  public static Diff run(State before, State after, Settings settings) {
    return run(before, after, settings, false);
  }

  /**
   * {@link #run(State, State, Settings)} from a baseline: its state's evaluation over the scope
   * is the baseline's kept one when it has it.
   */
  public static Diff run(Baseline before, State after) {
    return run(before.state(), after, before.settings(), false, before);
  }

  /**
   * @param everything evaluate every (address, source) pair and every Service's plan, whatever
   *     the change: what the scoped evaluation must agree with
   */
  static Diff run(State before, State after, Settings settings, boolean everything) {
    return run(before, after, settings, everything, null);
  }

  private static Diff run(State before, State after, Settings settings, boolean everything,
      Baseline baseline) {
    ChangeSet changes =
        ChangeSet.between(before.snapshot(), after.snapshot(), settings.overrides());
    DiffScope scope = everything ? new DiffScope(AuditScope.all(), null)
        : DiffScope.of(changes, before.snapshot(), after.snapshot(), settings.overrides(),
            settings.audit().nodeIpam());
    List<Item> items = new ArrayList<>();
    List<Companion> companions = new ArrayList<>();
    if (!changes.isEmpty()) {
      EvaluatedState b = baseline != null ? baseline.evaluated(scope)
          : new EvaluatedState(before, settings, scope);
      EvaluatedState a = baseline != null
          ? new EvaluatedState(after, settings, scope, baseline.rules())
          : new EvaluatedState(after, settings, scope);
      FlowItems flows = settings.flows() == Granularity.ADDRESS
          ? new FlowChanges(changes, b, a) : new GroupedFlowChanges(changes, b, a);
      items.addAll(flows.items());
      Set<String> needed = flows.servicesWithNewTraps();
      for (Companion c : a.report.companions()) {
        if (needed.contains(c.service())) {
          companions.add(c);
        }
      }
      items.addAll(Publication.items(changes, scope, b, a, settings));
      items.addAll(StaleCompanions.items(changes, scope, before, after));
      items.addAll(RejectedPolicies.items(before, after, settings.overrides()));
    }
    items.sort(ORDER);
    DatapathSettings afterSettings =
        SettingsResolution.of(after.snapshot(), settings.overrides());
    Diff.Evaluated evaluated = new Diff.Evaluated(scope.audit().everything(),
        scope.audit().services().size(), scope.audit().sourcePods().size());
    return new Diff(changes, items, companions, afterSettings, evaluated, settings.flows());
  }

  /**
   * The grouped flow comparison alone, with the parts of findings behind its items: what the
   * property holding it to the per-address comparison expands.
   */
  static GroupedFlowChanges groupedFlows(State before, State after, Settings settings) {
    ChangeSet changes =
        ChangeSet.between(before.snapshot(), after.snapshot(), settings.overrides());
    DiffScope scope = DiffScope.of(changes, before.snapshot(), after.snapshot(),
        settings.overrides(), settings.audit().nodeIpam());
    return new GroupedFlowChanges(changes, new EvaluatedState(before, settings, scope),
        new EvaluatedState(after, settings, scope));
  }

  private static final Comparator<Item> ORDER =
      Comparator.comparing(Item::type)
          .thenComparing(i -> i.service() == null ? "" : i.service())
          .thenComparing(i -> i.address() == null ? "" : i.address())
          .thenComparing(i -> i.port() == null ? 0 : i.port())
          .thenComparing(i -> i.direction() == null ? "" : i.direction())
          .thenComparing(i -> i.source() == null ? "" : i.source());


}

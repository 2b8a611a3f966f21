package dev.nodeipam.migrate;

import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;

/**
 * The whole migration: every Service with {@code externalIPs}, the node labels, the policy audit,
 * the ordered steps, what the plan changes beyond those Services (warnings), and the after-state
 * the proof was computed on.
 */
public record MigrationPlan(
    List<ServiceMigration> services,
    List<NodeLabels> nodeLabels,
    AuditOutcome audit,
    List<Step> steps,
    List<PlanWarning> warnings,
    ClusterSnapshot after) {

  public MigrationPlan {
    services = List.copyOf(services);
    nodeLabels = List.copyOf(nodeLabels);
    steps = List.copyOf(steps);
    warnings = List.copyOf(warnings);
  }

  public boolean isEmpty() {
    return services.isEmpty();
  }
}

package dev.nodeipam.migrate;

import dev.nodeipam.snapshot.Service;
import java.util.List;
import java.util.Map;

/**
 * The plan for one Service that uses {@code spec.externalIPs}, and its proof.
 *
 * @param before the Service as it is
 * @param after the Service objects of the after-state (empty when not migratable)
 * @param published every address the after-state publishes for it, Service by Service, each list in
 *     the order the Node IPAM core writes it
 * @param added published addresses that were not in {@code externalIPs} (by value)
 * @param lost {@code externalIPs} entries that are not published (by value)
 * @param manifests the complete Service objects to apply, as plain maps
 */
public record ServiceMigration(
    Service before,
    boolean migratable,
    List<PlannedService> after,
    List<String> published,
    List<String> added,
    List<String> lost,
    List<PlanWarning> warnings,
    List<Map<String, Object>> manifests) {

  public ServiceMigration {
    after = List.copyOf(after);
    published = List.copyOf(published);
    added = List.copyOf(added);
    lost = List.copyOf(lost);
    warnings = List.copyOf(warnings);
    manifests = List.copyOf(manifests);
  }

  public boolean exact() {
    return migratable && added.isEmpty() && lost.isEmpty();
  }

  /** Whether the plan writes steps for it: migratable, and exposing nothing it never listed. */
  public boolean steppable() {
    return migratable && added.isEmpty();
  }

  public boolean split() {
    return after.stream().filter(PlannedService::publishes).count() > 1
        || after.stream().anyMatch(p -> p.role().equals(PlannedService.ORIGINAL));
  }
}

package dev.nodeipam.migrate;

import dev.nodeipam.policy.engine.NodeAddressVips;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.SettingsResolution;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The planned Node IPAM addresses that are nodes' own addresses, where the Cilium release programs
 * wildcard service entries for them ({@link NodeAddressVips}): the migration itself would cut the
 * nodes off, so it is reported before the steps.
 */
public final class NodeVipCheck {
  private NodeVipCheck() {}

  /** The settings (the Cilium version among them) and the hits. */
  public record Result(DatapathSettings settings, List<NodeAddressVips.Hit> hits) {}

  /** The hits for the plan's published addresses under these overrides. */
  public static Result of(MigrationPlan plan, Map<String, String> overrides) {
    DatapathSettings s = SettingsResolution.of(plan.after(), overrides);
    Map<String, List<String>> published = new LinkedHashMap<>();
    for (ServiceMigration m : plan.services()) {
      for (PlannedService p : m.after()) {
        if (p.published() != null && !p.published().isEmpty()) {
          published.put(p.service().key(), p.published());
        }
      }
    }
    return new Result(s, NodeAddressVips.find(plan.after(), published, s));
  }
}

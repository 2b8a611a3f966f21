package dev.nodeipam.render;

import dev.nodeipam.audit.Companion;
import dev.nodeipam.diff.Diff;
import dev.nodeipam.diff.Item;
import dev.nodeipam.diff.ItemType;
import dev.nodeipam.diff.RuleAt;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A diff as SARIF: one rule per item type, one result per item (a flow item is a finding of
 * audit's version 3: its message names the address group, its properties the ranges). Results point into the after
 * state (the pull request's head, what code scanning annotates); an item that only exists in the
 * before state (a removed trap, a deleted Service) carries its old place as a property.
 */
public final class DiffSarif {
  private DiffSarif() {}

  /** The SARIF rule id of an item type: {@code nodeipam/diff/trap-introduced}. */
  public static String ruleId(ItemType type) {
    return "nodeipam/diff/" + type.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Sarif of(Diff d, Sarif sarif) {
    Map<String, Companion> companions = new LinkedHashMap<>();
    d.companions().forEach(c -> companions.put(c.name(), c));
    for (Item i : d.items()) {
      ItemType type = i.type();
      sarif.rule(ruleId(type), type.name(), type.title(), type.help(), defaultLevel(type));
      boolean after = "after".equals(i.state());
      List<Sarif.Related> related = new ArrayList<>();
      if (after && i.location() != null && !i.location().equals(i.cause())) {
        related.add(new Sarif.Related(i.location(), i.service()));
      }
      for (RuleAt r : i.rules()) {
        if (after) {
          related.add(new Sarif.Related(r.location(),
              r.policy().label() + (r.origin() == null ? "" : " " + r.origin())));
        }
      }
      Sarif.NewFile fix = null;
      Companion c = i.companion() == null ? null : companions.get(i.companion());
      if (c != null && after) {
        fix = new Sarif.NewFile(i.location(), c.name() + ".yaml", CompanionYaml.of(c),
            "Add the companion " + c.name() + " in the same change, applied before the Service");
      }
      Map<String, Object> properties = new LinkedHashMap<>();
      properties.put("state", i.state());
      if (!after && i.location() != null) {
        properties.put("beforeLocation", i.location().toString());
      }
      if (i.source() != null) {
        properties.put("source", i.source());
        properties.put("sourceCount", i.sourceCount());
        properties.put("pods", i.pods());
      }
      if (i.grouped()) {
        properties.put("addressCount", i.addressCount());
        properties.put("addresses", i.addresses());
      }
      sarif.result(ruleId(type), i.level().wire(), i.message(),
          after ? (i.cause() != null ? i.cause() : i.location()) : null, related, fix, properties);
    }
    return sarif;
  }

  private static String defaultLevel(ItemType t) {
    return switch (t) {
      case NEWLY_DENIED, TRAP_INTRODUCED, POLICY_REJECTED -> "error";
      case ADDRESS_WITHDRAWN, EXTERNAL_IPS_ADDED, COMPANION_STALE, MIGRATION_STALE -> "warning";
      default -> "note";
    };
  }
}

package dev.nodeipam.diff;

import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.Granularity;
import dev.nodeipam.policy.settings.DatapathSettings;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a change to the cluster's YAML does: the items by type, the companion policies that clear
 * the traps it introduces, and what was evaluated.
 *
 * @param changes the objects that differ
 * @param items in {@link ItemType} order, then by Service, address, port and source
 * @param companions the companions of the new traps, ready to render as YAML
 * @param settings the datapath settings of the after state
 * @param scope what was evaluated: the whole audit, or some Services and source pods
 * @param granularity the unit of the flow items: {@link Granularity#SERVICE}, one per audit
 *     finding of version 3 (policy rule, Service, port, direction, state, address group), or
 *     {@link Granularity#ADDRESS}, one per source workload and address ({@code --per-address})
 */
public record Diff(
    ChangeSet changes,
    List<Item> items,
    List<Companion> companions,
    DatapathSettings settings,
    Evaluated scope,
    Granularity granularity) {

  /**
   * What the diff evaluated.
   *
   * @param everything whether every (address, source) pair was (the settings changed)
   * @param services how many Services were audited for every source
   * @param sourcePods how many source pods were audited at every address
   */
  public record Evaluated(boolean everything, int services, int sourcePods) {}

  public Diff {
    items = List.copyOf(items);
    companions = List.copyOf(companions);
  }

  /** A diff in the default unit, {@link Granularity#SERVICE}. */
  public Diff(ChangeSet changes, List<Item> items, List<Companion> companions,
      DatapathSettings settings, Evaluated scope) {
    this(changes, items, companions, settings, scope, Granularity.SERVICE);
  }

  public List<Item> of(ItemType type) {
    return items.stream().filter(i -> i.type() == type).toList();
  }

  /** How many items of each type, every type listed. */
  public Map<ItemType, Integer> counts() {
    Map<ItemType, Integer> out = new EnumMap<>(ItemType.class);
    for (ItemType t : ItemType.values()) {
      out.put(t, 0);
    }
    items.forEach(i -> out.merge(i.type(), 1, Integer::sum));
    return out;
  }

  public boolean hasAtLeast(Level level) {
    return items.stream().anyMatch(i -> i.level().atLeast(level));
  }
}

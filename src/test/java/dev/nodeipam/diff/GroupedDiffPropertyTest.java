package dev.nodeipam.diff;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.Granularity;
import dev.nodeipam.audit.ServiceAddress;
import dev.nodeipam.audit.TrapShapePairs;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.testing.Coverage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The diff's items in audit's version-3 units ({@link GroupedFlowChanges}) are the per-address
 * items ({@link FlowChanges}, {@code --per-address}, whose items list their pods) merged, and
 * nothing else. Over generated changes of the trap search's clusters (egress policies, Service
 * addresses and frontends, backend ingress, pods, each alone or together): every flow (type,
 * Service, address, port, direction, state, source pod) of a per-address item is in exactly one
 * grouped item, every grouped item holds at least one such flow at each of its addresses, and
 * the items besides the flows and the companions are the same in both units.
 */
class GroupedDiffPropertyTest {
  private static final Set<ItemType> FLOWS = EnumSet.of(ItemType.NEWLY_DENIED,
      ItemType.NEWLY_ALLOWED, ItemType.TRAP_INTRODUCED, ItemType.TRAP_REMOVED);

  @Test
  void groupedItemsAreThePerAddressItemsMerged() {
    Coverage coverage = new Coverage("groupedItemsAreThePerAddressItemsMerged");
    qt(150, 100)
        .forAll(TrapShapePairs.pairs())
        .checkAssert(
            pair -> {
              StateDiff.State b = new StateDiff.State("before", pair.before(), Locator.NONE);
              StateDiff.State a = new StateDiff.State("after", pair.after(), Locator.NONE);
              StateDiff.Settings grouped =
                  new StateDiff.Settings(pair.overrides(), AuditOptions.defaults());
              Diff perAddress = StateDiff.run(b, a, grouped.withFlows(Granularity.ADDRESS));
              Set<String> definition = new TreeSet<>();
              for (Item i : perAddress.items()) {
                if (FLOWS.contains(i.type())) {
                  assertThat(i.sources()).hasSize(i.sourceCount());
                  for (String pod : i.sources()) {
                    definition.add(key(i.type(), i.service(), i.address(), i.port(),
                        i.direction(), i.active(), pod));
                  }
                }
              }
              GroupedFlowChanges flows = StateDiff.groupedFlows(b, a, grouped);
              List<String> expanded = new ArrayList<>();
              boolean merged = false;
              boolean split = false;
              for (var e : flows.parts.entrySet()) {
                for (GroupedFlowChanges.Part p : e.getValue()) {
                  merged |= p.addresses().size() > 1;
                  split |= p.addresses().size() < p.group().addresses().size();
                  String direction =
                      p.group().key().direction() == Direction.EGRESS ? "egress" : "ingress";
                  for (ServiceAddress at : p.addresses()) {
                    List<Pod> pods = p.pods().apply(at);
                    split |= pods.size() < p.group().podsAt(at).size();
                    assertThat(pods).as("a group without flows at %s", at.hostText())
                        .isNotEmpty();
                    for (Pod pod : pods) {
                      expanded.add(key(e.getKey(), p.group().key().service(),
                          at.address().toCanonicalString(), p.group().key().port(), direction,
                          p.group().key().active(), pod.key()));
                    }
                  }
                }
              }
              assertThat(expanded).doesNotHaveDuplicates();
              assertThat(new TreeSet<>(expanded)).isEqualTo(definition);
              Diff diff = StateDiff.run(b, a, grouped);
              List<Item> groupedFlows =
                  diff.items().stream().filter(i -> FLOWS.contains(i.type())).toList();
              assertThat(groupedFlows).hasSize(
                  flows.parts.values().stream().mapToInt(List::size).sum());
              assertThat(diff.items().stream().filter(i -> !FLOWS.contains(i.type())))
                  .containsExactlyElementsOf(perAddress.items().stream()
                      .filter(i -> !FLOWS.contains(i.type())).toList());
              assertThat(diff.companions()).isEqualTo(perAddress.companions());
              coverage.sample();
              coverage.count("has flow items", !definition.isEmpty());
              coverage.count("verdict changes", definition.stream()
                  .anyMatch(k -> k.startsWith("NEWLY")));
              coverage.count("traps removed", definition.stream()
                  .anyMatch(k -> k.startsWith("TRAP_REMOVED")));
              coverage.count("merges addresses", merged);
              coverage.count("part of a finding", split);
              coverage.count("three nodes", pair.threeNodes());
              coverage.count("fewer items than per address",
                  groupedFlows.size() < perAddress.items().stream()
                      .filter(i -> FLOWS.contains(i.type())).count());
            });
    // Not vacuous: changes with flow items, verdict changes, removed traps, a grouped item
    // spanning addresses, and findings only partly changed all occur in a share of samples.
    coverage.requireShare("has flow items", 0.3).requireShare("verdict changes", 0.05)
        .requireShare("traps removed", 0.05).requireShare("merges addresses", 0.03)
        .requireShare("part of a finding", 0.01).requireShare("three nodes", 0.3);
    coverage.print();
  }

  private static String key(ItemType type, String service, String address, int port,
      String direction, boolean active, String pod) {
    return type + " " + service + " " + address + ":" + port + " " + direction
        + (active ? " active " : " latent ") + pod;
  }
}

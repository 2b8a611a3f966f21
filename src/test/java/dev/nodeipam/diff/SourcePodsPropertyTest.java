package dev.nodeipam.diff;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.AuditScope;
import dev.nodeipam.audit.ServiceFindings;
import dev.nodeipam.audit.TrapShapePairs;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.testing.Coverage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The source pods kept per source set ({@link SourcePods}) are what the definition reads per
 * finding and per pod: for every finding of one state and every {@link
 * EvaluatedState.ClientReads} the other state's findings have, a pod's class is its source, its
 * class of identities there and what those backends read of it; the class lists, the backends
 * and the pods per node are exactly those pods, split as the classes say. Over the diff's
 * generated changes ({@link TrapShapePairs}), both ways round.
 */
class SourcePodsPropertyTest {

  @Test
  void sourcePodsAreTheClassesOfEachFindingAndReads() {
    Coverage coverage = new Coverage("sourcePodsAreTheClassesOfEachFindingAndReads");
    qt(100, 100)
        .forAll(TrapShapePairs.pairs())
        .checkAssert(
            pair -> {
              StateDiff.Settings settings =
                  new StateDiff.Settings(pair.overrides(), AuditOptions.defaults());
              DiffScope all = new DiffScope(AuditScope.all(), null);
              EvaluatedState b = new EvaluatedState(
                  new StateDiff.State("before", pair.before(), Locator.NONE), settings, all);
              EvaluatedState a = new EvaluatedState(
                  new StateDiff.State("after", pair.after(), Locator.NONE), settings, all);
              boolean[] seen = new boolean[3];
              check(a, b, seen);
              check(b, a, seen);
              coverage.sample();
              coverage.count("a source set in two findings with different reads", seen[0]);
              coverage.count("backends read the client's node", seen[1]);
              coverage.count("a pod the other state lacks", seen[2]);
            });
    // Not vacuous: the memo is shared across findings whose reads differ, reads of the node
    // split classes, and pods missing in the other state occur in a share of samples.
    coverage.requireShare("a source set in two findings with different reads", 0.1)
        .requireShare("backends read the client's node", 0.1)
        .requireShare("a pod the other state lacks", 0.02);
    coverage.print();
  }

  /** Every finding of {@code here}, under every reads of {@code there}'s frontends. */
  private static void check(EvaluatedState here, EvaluatedState there, boolean[] seen) {
    Set<EvaluatedState.ClientReads> reads = new LinkedHashSet<>();
    reads.add(EvaluatedState.ClientReads.NOTHING);
    for (ServiceFindings.Group g : here.groups()) {
      reads.add(there.clientReads(g.first()));
    }
    SourcePods.Memo memo = new SourcePods.Memo(there);
    List<Object> readsBySet = new ArrayList<>();
    for (ServiceFindings.Group g : here.groups()) {
      List<Object> key = List.of(g.sourceSet(), there.clientReads(g.first()));
      seen[0] |= readsBySet.stream().anyMatch(k -> ((List<?>) k).get(0).equals(g.sourceSet())
          && !k.equals(key));
      readsBySet.add(key);
      SourcePods pods = memo.of(g);
      for (EvaluatedState.ClientReads r : reads) {
        seen[1] |= r.byNode();
        check(g, pods, r, there, seen);
      }
    }
  }

  private static void check(ServiceFindings.Group g, SourcePods pods,
      EvaluatedState.ClientReads reads, EvaluatedState there, boolean[] seen) {
    List<Pod> present = new ArrayList<>();
    boolean all = true;
    for (ServiceFindings.Source s : g.sourceSet()) {
      for (Pod pod : g.podsOf(s)) {
        Optional<Pod> t = there.pod(pod.key());
        all &= t.isPresent();
        assertThat(pods.has(pod)).isEqualTo(t.isPresent());
        assertThat(pods.classOf(pod, reads)).isEqualTo(t.map(
            p -> List.of(s, there.senderClass(p), reads.of(p))).orElse(null));
        if (t.isPresent()) {
          present.add(pod);
        }
      }
    }
    seen[2] |= !all;
    assertThat(pods.allPresent()).isEqualTo(all);
    // The class lists: the present pods, each once; one class per list once the backends are
    // left out, and a different one in each list.
    List<Pod> listed = new ArrayList<>();
    Set<List<Object>> classes = new HashSet<>();
    for (List<Pod> list : pods.classes(reads.byNode())) {
      listed.addAll(list);
      Set<List<Object>> of = new HashSet<>();
      list.stream().filter(p -> !reads.backends().contains(p.key()))
          .forEach(p -> of.add(pods.classOf(p, reads)));
      assertThat(of).hasSizeLessThanOrEqualTo(1);
      of.forEach(c -> assertThat(classes.add(c)).as("a class in two lists").isTrue());
    }
    assertThat(listed).containsExactlyInAnyOrderElementsOf(present);
    assertThat(pods.backends(reads)).containsExactlyInAnyOrderElementsOf(present.stream()
        .filter(p -> reads.backends().contains(p.key())).toList());
    for (Pod p : present) {
      String node = there.pod(p.key()).get().nodeName();
      assertThat(pods.onNode(node)).contains(p);
      assertThat(pods.onNode(node))
          .allMatch(q -> Objects.equals(node, there.pod(q.key()).get().nodeName()));
    }
  }
}

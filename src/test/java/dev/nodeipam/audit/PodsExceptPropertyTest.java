package dev.nodeipam.audit;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.Generate.range;

import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.testing.Coverage;
import dev.nodeipam.testing.YamlClusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A class's pods but a few ({@link PodsExcept}) read exactly as the class's list with those pods
 * filtered out, also when a view is narrowed again, and {@link SourceNames#members} of a view
 * counts what the copy counts.
 */
class PodsExceptPropertyTest {
  private static final List<Pod> POOL = pool();

  private static List<Pod> pool() {
    List<Pod> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      out.add(Clusters.yaml(YamlClusters.pod("ns-" + (i % 3), "p-" + i, "app-" + (i % 5), "n1",
          "10.0.0." + (i + 1), "")).pods().get(0));
    }
    return List.copyOf(out);
  }

  @Test
  void aViewReadsAsTheFilteredList() {
    Coverage coverage = new Coverage("aViewReadsAsTheFilteredList");
    qt(300).forAll(range(1, 40), range(0, 12), range(0, 12), range(1, 1 << 30))
        .checkAssert((size, first, second, seed) -> {
          SplittableRandom random = new SplittableRandom(seed);
          List<Pod> base = POOL.subList(0, size);
          Map<Pod, Integer> position = new IdentityHashMap<>();
          for (int i = 0; i < base.size(); i++) {
            position.put(base.get(i), i);
          }
          Set<Pod> out1 = pick(base, first, random);
          Set<Pod> out2 = pick(base, second, random);
          List<Pod> once = PodsExcept.of(base, base, out1, position::get);
          List<Pod> twice = PodsExcept.of(once, base, out2, position::get);
          assertThat(once).containsExactlyElementsOf(
              base.stream().filter(p -> !out1.contains(p)).toList());
          assertThat(twice).containsExactlyElementsOf(
              base.stream().filter(p -> !out1.contains(p) && !out2.contains(p)).toList());
          SourceNames names = SourceNames.none();
          assertThat(names.members(twice, p -> p.labels()))
              .isEqualTo(names.members(List.copyOf(twice), p -> p.labels()));
          coverage.sample();
          coverage.count("a view of a view", PodsExcept.of(twice) != null
              && !out2.isEmpty() && !out1.isEmpty());
          coverage.count("several sources", twice.stream().map(Pod::labels).distinct().count()
              > 1);
        });
    coverage.requireShare("a view of a view", 0.5);
    coverage.requireShare("several sources", 0.5);
    coverage.print();
  }

  private static Set<Pod> pick(List<Pod> base, int n, SplittableRandom random) {
    Set<Pod> out = Collections.newSetFromMap(new IdentityHashMap<>());
    for (int i = 0; i < n; i++) {
      out.add(base.get(random.nextInt(base.size())));
    }
    return out;
  }
}

package dev.nodeipam.labels;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.Generate.enumValues;
import static org.quicktheories.generators.Generate.pick;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.nodeipam.labels.Requirement.Operator;
import dev.nodeipam.testing.Coverage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** A selector's text means what its requirements mean. */
class LabelSelectorPropertiesTest {
  private static final List<String> KEYS = List.of("zone", "example.com/tier", "a", "rack");
  private static final List<String> VALUES = List.of("", "a", "b", "in", "1", "12", "x-y.z_w");

  static Gen<Requirement> requirements() {
    Gen<Set<String>> values =
        lists().of(pick(VALUES)).ofSizeBetween(1, 3).map(l -> Set.copyOf(new LinkedHashSet<>(l)));
    Gen<String> integers = pick(List.of("0", "1", "12", "40"));
    return pick(KEYS)
        .zip(enumValues(Operator.class), values, integers,
            (key, op, set, integer) ->
                switch (op) {
                  case EXISTS, DOES_NOT_EXIST -> new Requirement(key, op, Set.of());
                  case GREATER_THAN, LESS_THAN -> new Requirement(key, op, Set.of(integer));
                  case EQUALS, DOUBLE_EQUALS, NOT_EQUALS ->
                      new Requirement(key, op, Set.of(set.iterator().next()));
                  case IN, NOT_IN -> new Requirement(key, op, set);
                });
  }

  static Gen<List<Requirement>> requirementLists() {
    return lists().of(requirements()).ofSizeBetween(0, 4);
  }

  /** Up to one value for each of the keys: every label set over KEYS and VALUES. */
  static Gen<Map<String, String>> labelSets() {
    Gen<Optional<String>> value = pick(VALUES).toOptionals(50);
    return value.zip(value, value, value,
        (a, b, c, d) -> {
          Map<String, String> labels = new LinkedHashMap<>();
          List<Optional<String>> values = List.of(a, b, c, d);
          for (int i = 0; i < KEYS.size(); i++) {
            if (values.get(i).isPresent()) {
              labels.put(KEYS.get(i), values.get(i).get());
            }
          }
          return labels;
        });
  }

  @Test
  void theTextOfASelectorParsesBackToTheSameMeaning() {
    qt(1000)
        .forAll(requirementLists(), lists().of(labelSets()).ofSizeBetween(1, 8))
        .checkAssert(
            (requirements, labelSets) -> {
              LabelSelector built = LabelSelector.of(Map.of(), requirements);
              LabelSelector parsed = LabelSelector.parse(built.text());
              assertThat(parsed.requirements()).hasSameSizeAs(requirements);
              for (Map<String, String> labels : labelSets) {
                assertThat(parsed.matches(labels))
                    .as(built.text() + " on " + labels)
                    .isEqualTo(built.matches(labels));
              }
            });
  }

  @Test
  void aSelectorIsTheConjunctionOfItsRequirements() {
    Coverage coverage = new Coverage("aSelectorIsTheConjunctionOfItsRequirements");
    qt(1000)
        .forAll(requirementLists(), labelSets())
        .checkAssert(
            (requirements, labels) -> {
              boolean all = requirements.stream().allMatch(r -> r.matches(new HashMap<>(labels)));
              assertThat(LabelSelector.of(Map.of(), requirements).matches(labels)).isEqualTo(all);
              coverage.sample();
              coverage.count("matches", all);
              coverage.count("does not match", !all);
              coverage.count("two or more requirements, matches", all && requirements.size() > 1);
            });
    // Not vacuous: selectors both match and miss, and conjunctions of several requirements match.
    coverage.requireShare("matches", 0.1).requireShare("does not match", 0.1)
        .requireShare("two or more requirements, matches", 0.015).print();
  }
}

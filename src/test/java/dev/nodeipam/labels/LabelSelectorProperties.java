package dev.nodeipam.labels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.labels.Requirement.Operator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A selector's text means what its requirements mean. */
class LabelSelectorProperties {
  private static final List<String> KEYS = List.of("zone", "example.com/tier", "a", "rack");
  private static final List<String> VALUES = List.of("", "a", "b", "in", "1", "12", "x-y.z_w");

  @Provide
  Arbitrary<Requirement> requirements() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    Arbitrary<Operator> operators = Arbitraries.of(Operator.class);
    Arbitrary<Set<String>> values = Arbitraries.of(VALUES).set().ofMinSize(1).ofMaxSize(3);
    Arbitrary<String> integers = Arbitraries.of("0", "1", "12", "40");
    return Combinators.combine(keys, operators, values, integers)
        .as(
            (key, op, set, integer) ->
                switch (op) {
                  case EXISTS, DOES_NOT_EXIST -> new Requirement(key, op, Set.of());
                  case GREATER_THAN, LESS_THAN -> new Requirement(key, op, Set.of(integer));
                  case EQUALS, DOUBLE_EQUALS, NOT_EQUALS ->
                      new Requirement(key, op, Set.of(set.iterator().next()));
                  case IN, NOT_IN -> new Requirement(key, op, set);
                });
  }

  @Provide
  Arbitrary<List<Requirement>> requirementLists() {
    return requirements().list().ofMaxSize(4);
  }

  @Provide
  Arbitrary<List<Map<String, String>>> labelSetLists() {
    return labelSets().list().ofMinSize(1).ofMaxSize(8);
  }

  @Provide
  Arbitrary<Map<String, String>> labelSets() {
    return Arbitraries.maps(Arbitraries.of(KEYS), Arbitraries.of(VALUES)).ofMaxSize(4);
  }

  @Property
  void theTextOfASelectorParsesBackToTheSameMeaning(
      @ForAll("requirementLists") List<Requirement> requirements,
      @ForAll("labelSetLists") List<Map<String, String>> labelSets) {
    LabelSelector built = LabelSelector.of(Map.of(), requirements);
    LabelSelector parsed = LabelSelector.parse(built.text());
    assertThat(parsed.requirements()).hasSameSizeAs(requirements);
    for (Map<String, String> labels : labelSets) {
      assertThat(parsed.matches(labels))
          .as(built.text() + " on " + labels)
          .isEqualTo(built.matches(labels));
    }
  }

  @Property
  void aSelectorIsTheConjunctionOfItsRequirements(
      @ForAll("requirementLists") List<Requirement> requirements,
      @ForAll("labelSets") Map<String, String> labels) {
    boolean all = requirements.stream().allMatch(r -> r.matches(new HashMap<>(labels)));
    assertThat(LabelSelector.of(Map.of(), requirements).matches(labels)).isEqualTo(all);
  }
}

package dev.nodeipam.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeipam.labels.Requirement.Operator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The selector-string grammar of Kubernetes' labels.Parse, operator by operator. */
class LabelSelectorTest {
  private static final Map<String, String> NODE =
      Map.of("zone", "a", "pool", "edge", "rack", "12", "ssd", "", "example.com/tier", "gold");

  @ParameterizedTest(name = "\"{0}\" matches: {1}")
  @MethodSource("matching")
  void operatorsMatchAsTheApiMachineryDoes(String text, boolean expected) {
    assertThat(LabelSelector.parse(text).matches(NODE)).isEqualTo(expected);
  }

  static Stream<Arguments> matching() {
    return Stream.of(
        Arguments.of("zone=a", true),
        Arguments.of("zone=b", false),
        Arguments.of("zone==a", true),
        Arguments.of("zone!=a", false),
        Arguments.of("zone!=b", true),
        Arguments.of("missing!=x", true), // an absent key satisfies !=
        Arguments.of("zone in (a,b)", true),
        Arguments.of("zone in (b,c)", false),
        Arguments.of("missing in (a)", false),
        Arguments.of("zone notin (b)", true),
        Arguments.of("zone notin (a,b)", false),
        Arguments.of("missing notin (a)", true), // and notin
        Arguments.of("zone", true),
        Arguments.of("ssd", true), // exists with an empty value
        Arguments.of("missing", false),
        Arguments.of("!missing", true),
        Arguments.of("!zone", false),
        Arguments.of("rack>11", true),
        Arguments.of("rack>12", false),
        Arguments.of("rack<13", true),
        Arguments.of("rack<12", false),
        Arguments.of("zone>1", false), // a non-integer label value never satisfies gt/lt
        Arguments.of("missing<100", false),
        Arguments.of("ssd=", true), // the empty value
        Arguments.of("zone=", false),
        Arguments.of("ssd in ()", true), // "in ()" is the set of the empty value
        Arguments.of("zone in ()", false),
        Arguments.of("ssd in (,x)", true), // empty members are the empty value
        Arguments.of("ssd in (x,)", true),
        Arguments.of("ssd in (x,,y)", true),
        Arguments.of("zone in (x,,y)", false),
        Arguments.of("example.com/tier=gold", true),
        Arguments.of("zone=a,pool=edge", true), // comma is AND
        Arguments.of("zone=a,pool=core", false),
        Arguments.of("  zone = a ,\tpool in(edge)  ", true), // whitespace between tokens
        Arguments.of("zone=a,!missing,rack>3,pool notin (core)", true),
        Arguments.of("zone in (in,notin,a)", true), // "in" and "notin" are plain values in lists
        Arguments.of("zone=in", false),
        Arguments.of("", true),
        Arguments.of("   ", true));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "zone in (a", // unclosed list
        "zone in a", // no list
        "zone in (a b)", // missing comma
        "zone in [a]",
        "zone=a,", // trailing comma
        ",zone=a",
        "zone=a,,pool=b",
        "zone=a pool=b", // missing comma
        "=a", // no key
        "!", // no key after !
        "!zone=a", // ! takes no value
        "zone=a=b",
        "zone=(a)",
        "zone<>1",
        "zone=!a",
        "rack>a", // gt/lt need an integer
        "rack>1.5",
        "rack<-1", // ... that is also a valid label value
        "rack>",
        "-zone=a", // invalid key: must start alphanumeric
        "zone-=a", // ... and end alphanumeric
        "Example.com/zone=a", // the prefix is a lowercase DNS subdomain
        "/zone=a", // empty prefix
        "example.com/=a", // empty name
        "a/b/c=d",
        "zone=-a", // invalid values
        "zone=a-",
        "zone=a b",
        "zone in (a,-b)",
        "zone&x=1",
        "%$#",
        "(",
        ")",
        "))(("
      })
  void invalidTextIsASyntaxError(String text) {
    assertThatThrownBy(() -> LabelSelector.parse(text))
        .isInstanceOf(SelectorSyntaxException.class)
        .hasMessageContaining("unable to parse selector");
  }

  @Test
  void keysAndValuesHaveTheirLengthLimits() {
    String name63 = "k".repeat(63);
    assertThat(
            LabelSelector.parse(name63 + "=" + "v".repeat(63))
                .matches(Map.of(name63, "v".repeat(63))))
        .isTrue();
    assertThatThrownBy(() -> LabelSelector.parse("k".repeat(64) + "=v"))
        .isInstanceOf(SelectorSyntaxException.class);
    assertThatThrownBy(() -> LabelSelector.parse("k=" + "v".repeat(64)))
        .isInstanceOf(SelectorSyntaxException.class);
    String prefix253 = ("a".repeat(63) + ".").repeat(3) + "a".repeat(61);
    assertThat(prefix253).hasSize(253);
    assertThat(LabelSelector.parse(prefix253 + "/k").requirements()).hasSize(1);
    assertThatThrownBy(() -> LabelSelector.parse("a" + prefix253 + "/k"))
        .isInstanceOf(SelectorSyntaxException.class);
  }

  @Test
  void theParsedRequirementsCarryOperatorsAndValues() {
    LabelSelector s = LabelSelector.parse("a=1,b==2,c!=3,d in (x,y),e notin (z),f,!g,h>4,i<5");
    assertThat(s.requirements())
        .containsExactly(
            new Requirement("a", Operator.EQUALS, Set.of("1")),
            new Requirement("b", Operator.DOUBLE_EQUALS, Set.of("2")),
            new Requirement("c", Operator.NOT_EQUALS, Set.of("3")),
            new Requirement("d", Operator.IN, Set.of("x", "y")),
            new Requirement("e", Operator.NOT_IN, Set.of("z")),
            new Requirement("f", Operator.EXISTS, Set.of()),
            new Requirement("g", Operator.DOES_NOT_EXIST, Set.of()),
            new Requirement("h", Operator.GREATER_THAN, Set.of("4")),
            new Requirement("i", Operator.LESS_THAN, Set.of("5")));
    assertThat(s.text()).isEqualTo("a=1,b==2,c!=3,d in (x,y),e notin (z),f,!g,h>4,i<5");
  }

  @Test
  void theEmptySelectorIsEverything() {
    assertThat(LabelSelector.parse("").isEverything()).isTrue();
    assertThat(LabelSelector.everything().matches(Map.of())).isTrue();
    assertThat(LabelSelector.parse("a").isEverything()).isFalse();
  }

  @Test
  void structuredSelectorsCombineMatchLabelsAndExpressions() {
    LabelSelector s =
        LabelSelector.of(
            Map.of("app", "web"), List.of(new Requirement("tier", Operator.NOT_IN, Set.of("db"))));
    assertThat(s.matches(Map.of("app", "web", "tier", "api"))).isTrue();
    assertThat(s.matches(Map.of("app", "web", "tier", "db"))).isFalse();
    assertThat(s.matches(Map.of("tier", "api"))).isFalse();
    assertThat(LabelSelector.of(Map.of(), List.of()).matches(Map.of("x", "y"))).isTrue();
  }
}

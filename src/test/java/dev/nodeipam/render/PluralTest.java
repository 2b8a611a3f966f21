package dev.nodeipam.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Counts read right: one noun for 1, its plural for 0 and more. */
class PluralTest {
  static Stream<Arguments> counts() {
    return Stream.of(
        Arguments.of(1, "Service", "1 Service"),
        Arguments.of(0, "Service", "0 Services"),
        Arguments.of(12, "Service", "12 Services"),
        Arguments.of(1, "object", "1 object"),
        Arguments.of(3, "object", "3 objects"),
        Arguments.of(1, "companion policy", "1 companion policy"),
        Arguments.of(2, "companion policy", "2 companion policies"),
        Arguments.of(2, "Service address", "2 Service addresses"),
        Arguments.of(1, "Service address", "1 Service address"),
        Arguments.of(2, "key", "2 keys"),
        Arguments.of(2, "uses", "2 use"),
        Arguments.of(1, "uses", "1 uses"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("counts")
  void singularForOnePluralOtherwise(long n, String noun, String expected) {
    assertThat(Plural.of(n, noun)).isEqualTo(expected);
  }
}

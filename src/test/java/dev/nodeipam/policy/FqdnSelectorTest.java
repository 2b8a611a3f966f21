package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodeipam.policy.model.FqdnSelector;
import org.junit.jupiter.api.Test;

/**
 * toFQDNs selectors as Cilium reads them ({@code pkg/fqdn/matchpattern/matchpattern.go}): names
 * compare lower case as FQDNs; in a pattern {@code *} is zero or more of {@code [-a-zA-Z0-9_]}
 * within a label, a leading {@code **.} is one or more whole labels, stars alone match every name.
 */
class FqdnSelectorTest {
  @Test
  void matchNameIsTheExactNameCaseInsensitiveTrailingDotIgnored() {
    FqdnSelector s = FqdnSelector.of("matchName", "API.example.com.");
    assertThat(s.matches("api.example.com")).isTrue();
    assertThat(s.matches("Api.Example.Com.")).isTrue();
    assertThat(s.matches("v2.api.example.com")).isFalse();
  }

  @Test
  void aStarMatchesWithinOneLabelOnly() {
    FqdnSelector s = FqdnSelector.of("matchPattern", "*.example.com");
    assertThat(s.matches("api.example.com")).isTrue();
    assertThat(s.matches("a_b-1.example.com")).isTrue();
    assertThat(s.matches("a.b.example.com")).isFalse();
    assertThat(s.matches("example.com")).isFalse();
    FqdnSelector inLabel = FqdnSelector.of("matchPattern", "api-*.example.com");
    assertThat(inLabel.matches("api-.example.com")).isTrue();
    assertThat(inLabel.matches("api-v1.example.com")).isTrue();
    assertThat(inLabel.matches("web.example.com")).isFalse();
  }

  @Test
  void aLeadingDoubleStarMatchesOneOrMoreWholeLabels() {
    FqdnSelector s = FqdnSelector.of("matchPattern", "**.example.com");
    assertThat(s.matches("a.example.com")).isTrue();
    assertThat(s.matches("a.b.c.example.com")).isTrue();
    assertThat(s.matches("example.com")).isFalse();
  }

  @Test
  void starsAloneMatchEveryName() {
    for (String all : new String[] {"*", "**", "*."}) {
      assertThat(FqdnSelector.of("matchPattern", all).matches("anything.at.all")).isTrue();
    }
  }

  @Test
  void charactersOutsideCiliumsSetAreRejected() {
    assertThatThrownBy(() -> FqdnSelector.of("matchPattern", "[a-z].example.com"))
        .hasMessageContaining("only 0-9, a-z, A-Z and ., -, _ and * are allowed");
  }
}

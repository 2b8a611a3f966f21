package dev.nodeipam.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A parsed Kubernetes label selector: every requirement must hold (comma means AND). The empty
 * selector matches everything, as the API machinery's {@code labels.Everything()} does.
 */
public record LabelSelector(String text, List<Requirement> requirements) {

  public LabelSelector {
    requirements = List.copyOf(requirements);
  }

  /** The selector that matches every label set. */
  public static LabelSelector everything() {
    return new LabelSelector("", List.of());
  }

  /**
   * Parses a selector string with the grammar of Kubernetes' {@code labels.Parse}.
   *
   * @throws SelectorSyntaxException when the text is not a valid selector
   */
  public static LabelSelector parse(String text) {
    return new SelectorParser(text).parse();
  }

  /**
   * A structured selector ({@code matchLabels} and {@code matchExpressions} of a
   * {@code metav1.LabelSelector}) as requirements; both empty means every label set.
   */
  public static LabelSelector of(Map<String, String> matchLabels, List<Requirement> expressions) {
    List<Requirement> all = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    new TreeMap<>(matchLabels)
        .forEach(
            (key, value) -> {
              all.add(new Requirement(key, Requirement.Operator.EQUALS, Set.of(value)));
              text.append(text.length() == 0 ? "" : ",").append(key).append('=').append(value);
            });
    for (Requirement expression : expressions) {
      all.add(expression);
      text.append(text.length() == 0 ? "" : ",").append(expression);
    }
    return new LabelSelector(text.toString(), all);
  }

  public boolean isEverything() {
    return requirements.isEmpty();
  }

  public boolean matches(Map<String, String> labels) {
    for (Requirement requirement : requirements) {
      if (!requirement.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return text;
  }
}

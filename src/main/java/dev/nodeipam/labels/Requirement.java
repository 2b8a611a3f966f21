package dev.nodeipam.labels;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** One clause of a label selector: a key, an operator and (for some operators) values. */
public record Requirement(String key, Operator operator, Set<String> values) {

  /** The operators of Kubernetes' selector grammar. */
  public enum Operator {
    EQUALS,
    DOUBLE_EQUALS,
    NOT_EQUALS,
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST,
    GREATER_THAN,
    LESS_THAN;

    /**
     * The operator a structured selector's {@code matchExpressions} entry names ({@code In},
     * {@code NotIn}, {@code Exists}, {@code DoesNotExist}, case-sensitive as the API server reads
     * them), or null for any other text: each caller reports that in its own terms.
     */
    public static Operator ofExpression(String text) {
      return switch (text == null ? "" : text) {
        case "In" -> IN;
        case "NotIn" -> NOT_IN;
        case "Exists" -> EXISTS;
        case "DoesNotExist" -> DOES_NOT_EXIST;
        default -> null;
      };
    }
  }

  public Requirement {
    values = Set.copyOf(values);
  }

  public boolean matches(Map<String, String> labels) {
    String actual = labels.get(key);
    boolean present = labels.containsKey(key);
    return switch (operator) {
      case EQUALS, DOUBLE_EQUALS, IN -> present && values.contains(actual);
      // Absent keys satisfy negative operators, exactly as in the API machinery.
      case NOT_EQUALS, NOT_IN -> !present || !values.contains(actual);
      case EXISTS -> present;
      case DOES_NOT_EXIST -> !present;
      case GREATER_THAN, LESS_THAN -> present && compareIntegers(actual);
    };
  }

  @Override
  public String toString() {
    String list = String.join(",", new TreeSet<>(values));
    return switch (operator) {
      case EQUALS -> key + "=" + list;
      case DOUBLE_EQUALS -> key + "==" + list;
      case NOT_EQUALS -> key + "!=" + list;
      case IN -> key + " in (" + list + ")";
      case NOT_IN -> key + " notin (" + list + ")";
      case EXISTS -> key;
      case DOES_NOT_EXIST -> "!" + key;
      case GREATER_THAN -> key + ">" + list;
      case LESS_THAN -> key + "<" + list;
    };
  }

  private boolean compareIntegers(String actual) {
    long labelValue;
    try {
      labelValue = Long.parseLong(actual);
    } catch (NumberFormatException e) {
      return false;
    }
    long bound = Long.parseLong(values.iterator().next());
    return operator == Operator.GREATER_THAN ? labelValue > bound : labelValue < bound;
  }
}

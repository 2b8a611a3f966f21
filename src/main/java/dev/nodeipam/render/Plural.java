package dev.nodeipam.render;

import java.util.Map;

/**
 * Counts in text output: "1 Service", "2 Services", "1 policy", "3 policies". Every count a
 * renderer prints goes through {@link #of}, so singular and plural are right everywhere.
 */
public final class Plural {
  /** Nouns whose plural is not the singular plus "s" or "es". */
  private static final Map<String, String> IRREGULAR = Map.of(
      "policy", "policies", "address", "addresses", "is", "are", "was", "were",
      "remains", "remain", "uses", "use");

  private Plural() {}

  /** {@code n} and the noun, singular when {@code n} is 1: {@code of(2, "Service")}. */
  public static String of(long n, String noun) {
    return n + " " + word(n, noun);
  }

  /** The noun alone, singular when {@code n} is 1, else its plural. */
  public static String word(long n, String noun) {
    if (n == 1) {
      return noun;
    }
    int space = noun.lastIndexOf(' ');
    String head = noun.substring(0, space + 1);
    String last = noun.substring(space + 1);
    String irregular = IRREGULAR.get(last);
    if (irregular != null) {
      return head + irregular;
    }
    if (last.endsWith("s") || last.endsWith("x") || last.endsWith("ch") || last.endsWith("sh")) {
      return head + last + "es";
    }
    if (last.endsWith("y")
        && last.length() > 1
        && "aeiou".indexOf(last.charAt(last.length() - 2)) < 0) {
      return head + last.substring(0, last.length() - 1) + "ies";
    }
    return head + last + "s";
  }
}

package dev.nodeipam.snapshot;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The one wording of a spelling the API server rejects, shared by the Service enums. */
final class WireNames {
  private WireNames() {}

  /**
   * The value whose Kubernetes spelling ({@code toString()}) is {@code text}, compared
   * case-sensitively as the API server does; null for null (unset: the default applies).
   *
   * @throws IllegalArgumentException for a spelling the API server rejects
   */
  static <E extends Enum<E>> E parse(String text, E[] values) {
    if (text == null) {
      return null;
    }
    for (E v : values) {
      if (v.toString().equals(text)) {
        return v;
      }
    }
    throw new IllegalArgumentException(unsupported(text, values));
  }

  /** Worded as the API server's {@code field.NotSupported}: the value, then the supported ones. */
  static String unsupported(String text, Enum<?>[] values) {
    return "Unsupported value: \"" + text + "\": supported values: "
        + Arrays.stream(values).map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
  }
}

package dev.nodeipam.snapshot;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The one wording of a spelling the API server rejects, shared by the Service enums. */
final class WireNames {
  private WireNames() {}

  /** Worded as the API server's {@code field.NotSupported}: the value, then the supported ones. */
  static String unsupported(String text, Enum<?>[] values) {
    return "Unsupported value: \"" + text + "\": supported values: "
        + Arrays.stream(values).map(v -> "\"" + v + "\"").collect(Collectors.joining(", "));
  }
}

package dev.nodeipam.policy.model;

import dev.nodeipam.snapshot.BadInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading a policy's plain tree with errors that name the object, its source and the field path.
 */
final class Raw {
  private final PolicyRef policy;

  Raw(PolicyRef policy) {
    this.policy = policy;
  }

  BadInputException bad(String path, String problem) {
    return new BadInputException(
        policy.source() + ": " + policy.label() + ": " + path + ": " + problem);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> map(Object value, String path) {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?>)) {
      throw bad(path, "expected an object");
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  List<Object> list(Object value, String path) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?>)) {
      throw bad(path, "expected a list");
    }
    return (List<Object>) value;
  }

  String string(Object value, String path) {
    if (value == null) {
      return null;
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      throw bad(path, "expected a string");
    }
    return String.valueOf(value);
  }

  Boolean bool(Object value, String path) {
    if (value == null) {
      return null;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String s = String.valueOf(value);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.valueOf(s);
    }
    throw bad(path, "expected true or false, found \"" + s + "\"");
  }

  /** A string map such as {@code matchLabels}; values are read as text. */
  Map<String, String> stringMap(Object value, String path) {
    Map<String, String> out = new LinkedHashMap<>();
    map(value, path).forEach((k, v) -> out.put(k, v == null ? "" : string(v, path + "." + k)));
    return out;
  }
}

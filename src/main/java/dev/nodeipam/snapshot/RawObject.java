package dev.nodeipam.snapshot;

import java.util.Map;

/**
 * An object kept as its plain JSON tree (policies and kinds without a typed model), deeply
 * unmodifiable: maps, lists, strings, numbers, booleans and nulls.
 */
public record RawObject(
    String apiVersion,
    String kind,
    String namespace,
    String name,
    Map<String, Object> body,
    String source) {

  public String key() {
    return namespace == null ? name : namespace + "/" + name;
  }
}

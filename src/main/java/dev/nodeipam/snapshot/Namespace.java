package dev.nodeipam.snapshot;

import java.util.Map;

/** A namespace with its labels (including {@code kubernetes.io/metadata.name}). */
public record Namespace(String name, Map<String, String> labels, String source) {
  public Namespace {
    labels = Map.copyOf(labels);
  }
}

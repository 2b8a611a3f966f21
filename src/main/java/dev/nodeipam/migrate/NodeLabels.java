package dev.nodeipam.migrate;

import java.util.Map;

/** The labels the plan adds to one node. */
public record NodeLabels(String node, Map<String, String> labels) {
  public NodeLabels {
    labels = Map.copyOf(labels);
  }
}

package dev.nodeipam.snapshot;

import java.util.List;

/**
 * A DaemonSet's container images (init containers included): enough to tell which Cilium agent
 * release runs on the nodes.
 */
public record DaemonSetImages(String namespace, String name, List<String> images, String source) {
  public DaemonSetImages {
    images = List.copyOf(images);
  }

  public String key() {
    return namespace + "/" + name;
  }
}

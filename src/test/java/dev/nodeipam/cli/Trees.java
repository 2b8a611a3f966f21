package dev.nodeipam.cli;

/** Manifest trees the command tests share, written as YAML. */
final class Trees {
  /**
   * Two nodes, node-a and node-b (no conditions), each with an InternalIP in 10.0.0.0/24 and an
   * ExternalIP (198.51.100.1, 198.51.100.2), ending in a document separator: a test's own
   * documents follow it.
   */
  static final String TWO_NODES = """
      apiVersion: v1
      kind: Node
      metadata: {name: node-a}
      status:
        addresses:
        - {type: InternalIP, address: 10.0.0.10}
        - {type: ExternalIP, address: 198.51.100.1}
      ---
      apiVersion: v1
      kind: Node
      metadata: {name: node-b}
      status:
        addresses:
        - {type: InternalIP, address: 10.0.0.11}
        - {type: ExternalIP, address: 198.51.100.2}
      ---
      """;

  private Trees() {}
}

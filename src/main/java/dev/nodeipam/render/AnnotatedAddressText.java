package dev.nodeipam.render;

import dev.nodeipam.snapshot.AnnotatedAddresses;
import java.util.List;

/** The sentences of the {@code nodeipam.dev/external-ips} node annotation (E13). */
public final class AnnotatedAddressText {
  private AnnotatedAddressText() {}

  /** Why the annotation's value is ignored, as the Node's Warning Event says it. */
  public static String ignored(AnnotatedAddresses annotation) {
    return "annotation " + AnnotatedAddresses.ANNOTATION + " ignored: " + annotation.invalid();
  }

  /** The warning line of plan, audit, diff and migrate: the same, naming the node. */
  public static String ignored(String node, AnnotatedAddresses annotation) {
    return "node " + node + ": " + ignored(annotation);
  }

  /** What a Service depends on when it publishes annotated addresses. */
  public static String dependsOn(List<String> addresses) {
    return "publishes " + String.join(", ", addresses) + " by " + AnnotatedAddresses.EXTENSION;
  }
}

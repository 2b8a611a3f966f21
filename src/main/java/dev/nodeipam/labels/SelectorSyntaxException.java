package dev.nodeipam.labels;

/** A label selector string that Kubernetes would reject. */
public final class SelectorSyntaxException extends IllegalArgumentException {
  public SelectorSyntaxException(String message) {
    super(message);
  }
}

package dev.nodeipam.policy.explanation;

/** A verdict: allowed, denied, or (for a Service with several backends) some of each. */
public enum Outcome {
  ALLOWED,
  DENIED,
  PARTIAL
}

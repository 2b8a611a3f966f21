package dev.nodeipam.reconcile;

/** How a reconcile ended; the label of {@code nodeipam_reconcile_total}. */
public enum Outcome {
  WRITTEN("written", false),
  UNCHANGED("unchanged", false),
  /** The addresses were as they should be; only the condition was written. */
  CONDITION("condition", false),
  DRY_RUN("dry_run", false),
  NOT_HANDLED("not_handled", false),
  CLEARED("cleared", false),
  GONE("gone", false),
  INVALID("invalid", true),
  REJECTED("rejected", true),
  ERROR("error", true);

  private final String label;
  private final boolean retry;

  Outcome(String label, boolean retry) {
    this.label = label;
    this.retry = retry;
  }

  public String label() {
    return label;
  }

  /** Whether the Service comes back after its per-Service backoff. */
  public boolean retry() {
    return retry;
  }

  /** Whether the Service no longer has a published-addresses series. */
  public boolean unpublishes() {
    return this == NOT_HANDLED || this == CLEARED || this == GONE;
  }
}

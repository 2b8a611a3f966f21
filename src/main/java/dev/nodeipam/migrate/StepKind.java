package dev.nodeipam.migrate;

/** What a step of the plan does; steps run in the order of this enum. */
public enum StepKind {
  APPLY_POLICY("apply-policy"),
  LABEL_NODES("label-nodes"),
  MIGRATE_SERVICE("migrate-service"),
  VERIFY("verify"),
  ROLLBACK("rollback");

  private final String text;

  StepKind(String text) {
    this.text = text;
  }

  /** The spelling of the JSON contract. */
  public String text() {
    return text;
  }

  @Override
  public String toString() {
    return text;
  }
}

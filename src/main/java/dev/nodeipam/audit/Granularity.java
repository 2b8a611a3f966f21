package dev.nodeipam.audit;

/**
 * How finely the JSON and YAML reports list identity traps, and the {@code version} each form
 * has. The coarser forms are the finer ones merged: nothing is lost but repetition.
 */
public enum Granularity {
  /** Version 3: one finding per policy rule, Service, port, direction and state. */
  SERVICE(3),
  /** Version 2: one finding per source workload or identity, address, port and direction. */
  ADDRESS(2),
  /** Version 1: one finding per source pod, address, port and direction. */
  POD(1);

  private final int version;

  Granularity(int version) {
    this.version = version;
  }

  /** The report's {@code version} in this form. */
  public int version() {
    return version;
  }
}

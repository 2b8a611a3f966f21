package dev.nodeipam.snapshot;

/** A port given by number or by name (Kubernetes' IntOrString). Exactly one is set. */
public record PortRef(Integer number, String name) {

  public static PortRef of(int number) {
    return new PortRef(number, null);
  }

  public static PortRef named(String name) {
    return new PortRef(null, name);
  }

  public boolean isNamed() {
    return name != null;
  }

  @Override
  public String toString() {
    return isNamed() ? name : Integer.toString(number);
  }
}

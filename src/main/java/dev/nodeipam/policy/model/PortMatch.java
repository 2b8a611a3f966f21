package dev.nodeipam.policy.model;

import dev.nodeipam.snapshot.Pod;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One port clause of a rule: a number (0 = every port), a range up to {@code endPort}, or a name
 * resolved on the destination pod's container ports; with the protocols it covers.
 *
 * @param port the first port, 0 for every port, null when the clause names a port
 * @param name the port name, or null
 * @param endPort the last port of a range, or null
 */
public record PortMatch(Integer port, String name, Integer endPort, Set<Protocol> protocols) {
  public PortMatch {
    protocols = Set.copyOf(protocols);
  }

  public boolean isNamed() {
    return name != null;
  }

  /**
   * Whether the clause covers the port; a name counts only when the destination pod declares a
   * container port of that name and protocol with exactly that number.
   */
  public boolean matches(int actual, Protocol protocol, List<Pod.ContainerPort> destinationPorts) {
    if (!protocols.contains(protocol)) {
      return false;
    }
    if (isNamed()) {
      Integer resolved = resolve(name, protocol, destinationPorts);
      return resolved != null && resolved == actual;
    }
    if (port == 0) {
      return true;
    }
    int last = endPort == null ? port : endPort;
    return actual >= port && actual <= last;
  }

  /** The number a named port has on a pod, or null when the pod declares no such port. */
  public static Integer resolve(String name, Protocol protocol, List<Pod.ContainerPort> ports) {
    for (Pod.ContainerPort p : ports) {
      String proto = p.protocol() == null ? "TCP" : p.protocol();
      if (name.equals(p.name()) && protocol.name().equalsIgnoreCase(proto)) {
        return p.port();
      }
    }
    return null;
  }

  @Override
  public String toString() {
    String number =
        isNamed()
            ? name
            : port == 0 ? "any port" : endPort == null ? "" + port : port + "-" + endPort;
    return number
        + "/"
        + String.join("+", new TreeSet<>(protocols.stream().map(Enum::name).toList()));
  }
}

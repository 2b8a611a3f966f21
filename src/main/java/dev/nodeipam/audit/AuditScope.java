package dev.nodeipam.audit;

import java.util.Set;

/**
 * What part of the (address, source) pairs an audit looks at: every source at the addresses of
 * some Services, and every address for some source pods. A diff asks only for what its change can
 * affect; outside the scope the traps of two states are the same by construction.
 *
 * @param everything the whole audit (settings changed, or a plain {@code audit})
 * @param services {@code namespace/name} of Services whose addresses are audited for every source
 * @param sourcePods {@code namespace/name} of pods audited as sources at every address (their
 *     whole identity group is judged)
 */
public record AuditScope(boolean everything, Set<String> services, Set<String> sourcePods) {
  public AuditScope {
    services = Set.copyOf(services);
    sourcePods = Set.copyOf(sourcePods);
  }

  public static AuditScope all() {
    return new AuditScope(true, Set.of(), Set.of());
  }

  public static AuditScope of(Set<String> services, Set<String> sourcePods) {
    return new AuditScope(false, services, sourcePods);
  }

  /** Whether every source is audited at the Service's addresses. */
  public boolean coversService(String serviceKey) {
    return everything || services.contains(serviceKey);
  }
}

package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.explanation.Note;
import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.snapshot.EndpointSlice;
import java.util.List;

/**
 * Which EndpointSlice endpoints Cilium load-balances new connections to, by release. Ready
 * endpoints always ({@code ready} absent reads as ready); terminating ones only when no endpoint of
 * the Service is ready:
 *
 * <ul>
 *   <li>1.14-1.17: never: a Service whose endpoints all terminate has no backend for a new
 *       connection (cilium/cilium#37613; existing connections drain, #17716, #31840);
 *   <li>1.18: every terminating endpoint, serving or not: the new load-balancer control plane
 *       falls back to {@code BackendStateTerminating} backends (cilium/cilium#39743, #40279);
 *   <li>1.19+: terminating endpoints that are still serving ({@code serving} absent reads as
 *       serving); terminating and not serving ones are kept for existing connections only
 *       (cilium/cilium#40969, {@code ParseEndpointConditionsV1}).
 * </ul>
 */
final class TerminatingBackends {
  /** The fallback a load balancer applies when no endpoint is ready. */
  enum Fallback {
    NONE,
    TERMINATING,
    SERVING_TERMINATING
  }

  private TerminatingBackends() {}

  /** Cilium's fallback in the release. */
  static Fallback of(CiliumVersion v) {
    return v.atLeast(1, 19) ? Fallback.SERVING_TERMINATING
        : v.atLeast(1, 18) ? Fallback.TERMINATING : Fallback.NONE;
  }

  /** Whether the endpoint is a backend, given whether any endpoint of the Service is ready. */
  static boolean used(EndpointSlice.Endpoint e, boolean anyReady, Fallback f) {
    if (e.isReady()) {
      return true;
    }
    if (anyReady || !Boolean.TRUE.equals(e.terminating())) {
      return false;
    }
    return switch (f) {
      case NONE -> false;
      case TERMINATING -> true;
      case SERVING_TERMINATING -> e.serving() == null || e.serving();
    };
  }

  /** Whether some endpoint of the slices (of the family, when given) is ready. */
  static boolean anyReady(List<EndpointSlice> slices, String family) {
    return slices.stream()
        .filter(s -> family == null || s.addressType() == null || s.addressType().equals(family))
        .flatMap(s -> s.endpoints().stream())
        .anyMatch(e -> e.isReady() && !e.addresses().isEmpty());
  }

  /** The note for a backend used by the fallback. */
  static Note note(EndpointSlice.Endpoint e, CiliumVersion v) {
    return Note.of(Note.Kind.TERMINATING_FALLBACK,
        Note.flag(Boolean.FALSE.equals(e.serving()), "not serving"), v.major(), v.minor());
  }
}

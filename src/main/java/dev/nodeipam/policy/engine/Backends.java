package dev.nodeipam.policy.engine;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.explanation.Note;
import dev.nodeipam.policy.model.PortMatch;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ready backends of a Service port, each with the port policy sees: the {@code targetPort}, a
 * name resolved on the backend pod's container ports. Backends come from the EndpointSlices when
 * the input has them, else from the pods the Service's selector matches.
 */
final class Backends {
  /**
   * One backend.
   *
   * @param pod the backend pod, or null for an address no pod of the input has
   * @param address the backend address, or null for a template pod
   */
  record Backend(Pod pod, IPAddress address, int port, Note note) {}

  /** The backends, and notes on endpoints that could not be used. */
  record Result(List<Backend> backends, List<Note> notes) {}

  private final ClusterSnapshot snapshot;
  private final AddressBook book;
  private final Map<String, Map<String, Pod>> podsByName =
      new ConcurrentHashMap<>();

  Backends(ClusterSnapshot snapshot, AddressBook book) {
    this.snapshot = snapshot;
    this.book = book;
  }

  Result of(Service service, Service.ServicePort port, boolean ipv4, Protocol protocol) {
    return of(service, port, ipv4, protocol, null);
  }

  /**
   * The backends, with the terminating endpoints Cilium of release {@code v} falls back to when
   * none is ready ({@link TerminatingBackends}); null: ready endpoints only.
   */
  Result of(Service service, Service.ServicePort port, boolean ipv4, Protocol protocol,
      CiliumVersion v) {
    List<Backend> out = new ArrayList<>();
    List<Note> notes = new ArrayList<>();
    List<EndpointSlice> slices = snapshot.slicesOf(service.namespace(), service.name());
    String family = ipv4 ? "IPv4" : "IPv6";
    // A Service without a selector has no pods of its own: its EndpointSlices' ports are the
    // backends' ports, whatever spec.ports[].targetPort says (Cilium reads backend ports from the
    // slices: convertEndpoints in pkg/loadbalancer/reflectors/conversions.go).
    boolean selectorless = service.selector() == null || service.selector().isEmpty();
    TerminatingBackends.Fallback fallback =
        v == null ? TerminatingBackends.Fallback.NONE : TerminatingBackends.of(v);
    boolean anyReady = fallback == TerminatingBackends.Fallback.NONE
        || TerminatingBackends.anyReady(slices, family);
    if (!slices.isEmpty()) {
      for (EndpointSlice slice : slices) {
        if (slice.addressType() != null && !slice.addressType().equals(family)) {
          continue;
        }
        Integer slicePort = null;
        for (EndpointSlice.EndpointPort p : slice.ports()) {
          if (blankToNull(p.name()) == null
              ? blankToNull(port.name()) == null
              : p.name().equals(port.name())) {
            slicePort = p.port();
          }
        }
        for (EndpointSlice.Endpoint e : slice.endpoints()) {
          if (!TerminatingBackends.used(e, anyReady, fallback) || e.addresses().isEmpty()) {
            continue;
          }
          IPAddress address = IpText.parse(e.addresses().get(0));
          if (address == null) {
            continue;
          }
          Pod pod = e.podName() != null ? pod(service.namespace(), e.podName()) : null;
          if (pod == null) {
            pod = book.pod(address).orElse(null);
          }
          Integer target = pod == null || selectorless ? null : targetPort(port, pod, protocol);
          Note note = null;
          if (target == null) {
            target = slicePort;
            note = pod == null ? null : Note.of(Note.Kind.PORT_FROM_SLICE, slice.name(),
                Note.flag(selectorless, "selectorless"));
          }
          if (target == null) {
            notes.add(Note.of(Note.Kind.ENDPOINT_WITHOUT_PORT, address, service.key(),
                port.targetPort()));
            continue;
          }
          if (!e.isReady()) {
            note = TerminatingBackends.note(e, v).then(note);
          }
          out.add(new Backend(pod, address, target, note));
        }
      }
      return new Result(out, notes);
    }
    if (service.selector() == null || service.selector().isEmpty()) {
      notes.add(Note.of(Note.Kind.NO_SELECTOR_NO_SLICES, service.key()));
      return new Result(out, notes);
    }
    return selected(service, port, ipv4, protocol, out, notes);
  }

  /** The ready pods (and pod templates) the Service's selector picks, on the port's target. */
  private Result selected(Service service, Service.ServicePort port, boolean ipv4,
      Protocol protocol, List<Backend> out, List<Note> notes) {
    for (Pod pod : snapshot.podsIn(service.namespace())) {
      if (pod.deleting() || (!pod.ready() && !pod.isTemplate())) {
        continue;
      }
      if (!service.selector().entrySet().stream()
          .allMatch(e -> e.getValue().equals(pod.labels().get(e.getKey())))) {
        continue;
      }
      Integer target = targetPort(port, pod, protocol);
      if (target == null) {
        notes.add(Note.of(Note.Kind.NO_NAMED_PORT, pod.key(), port.targetPort().name(),
            port.port()));
        continue;
      }
      IPAddress address =
          pod.ips().stream()
              .map(IpText::parse)
              .filter(a -> a != null && a.isIPv4() == ipv4)
              .findFirst()
              .orElse(null);
      if (address == null && !pod.isTemplate() && !pod.ips().isEmpty()) {
        continue;
      }
      Note note =
          port.targetPort().isNamed()
              ? Note.of(Note.Kind.NAMED_PORT_RESOLVED, port.targetPort().name(), target,
                  pod.key(), pod.isTemplate() ? pod.workload() : "")
              : null;
      out.add(new Backend(pod, address, target, note));
    }
    return new Result(out, notes);
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** The targetPort on a pod: the number, or the number of the container port of that name. */
  static Integer targetPort(Service.ServicePort port, Pod pod, Protocol protocol) {
    if (!port.targetPort().isNamed()) {
      return port.targetPort().number();
    }
    return PortMatch.resolve(port.targetPort().name(), protocol, pod.ports());
  }

  private Pod pod(String namespace, String name) {
    Map<String, Pod> byName =
        podsByName.computeIfAbsent(
            namespace,
            ns -> {
              Map<String, Pod> m = new HashMap<>();
              snapshot.podsIn(ns).forEach(p -> m.putIfAbsent(p.name(), p));
              return m;
            });
    return byName.get(name);
  }
}

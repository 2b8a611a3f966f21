package dev.nodeipam.policy.engine;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.explanation.Note;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;
import java.util.Optional;

/**
 * The translation step for a flow (section 2 of the policy model): which frontend its address and
 * port hit, and whether Cilium translates it for this client ({@link ServiceTranslation#decide}).
 */
final class FrontendLookup {
  private final ClusterSnapshot snapshot;
  private final ServiceTranslation translation;

  FrontendLookup(ClusterSnapshot snapshot, ServiceTranslation translation) {
    this.snapshot = snapshot;
    this.translation = translation;
  }

  ServiceTranslation table() {
    return translation;
  }

  /** The translation step alone: is the flow's address a frontend Cilium translates for P? */
  Translation translation(Flow flow, DatapathSettings s) {
    Pod source = flow.source();
    Optional<ServiceTranslation.Hit> hit = anyHit(flow);
    Node node = source.nodeName() == null ? null : snapshot.node(source.nodeName()).orElse(null);
    if (hit.isEmpty()) {
      Optional<ServiceTranslation.HostPortHit> hostPort = hostPortHit(flow);
      if (hostPort.isPresent()) {
        return ServiceTranslation.decideHostPort(hostPort.get(),
            ServiceTranslation.isAddressOf(node, flow.address()), s);
      }
      Optional<Service> other = translation.serviceAt(flow.address());
      return other.isPresent()
          ? ServiceTranslation.otherPort(flow, other.get())
          : ServiceTranslation.noFrontend(flow);
    }
    boolean onClientNode = ServiceTranslation.isAddressOf(node, flow.address());
    return ServiceTranslation.decide(hit.get(), onClientNode, node != null, source.isItsNode(), s);
  }

  /** A frontend the flow hits: a Service address and port, else a nodePort on a node address. */
  Optional<ServiceTranslation.Hit> anyHit(Flow flow) {
    Optional<ServiceTranslation.Hit> hit =
        translation.hit(flow.address(), flow.port(), flow.protocol());
    return hit.isPresent()
        ? hit
        : translation.nodePortHit(flow.address(), flow.port(), flow.protocol());
  }

  Optional<ServiceTranslation.HostPortHit> hostPortHit(Flow flow) {
    return translation.hostPortHit(flow.address(), flow.port(), flow.protocol());
  }

  /** Whether the flow's address and port are some frontend, translated or not. */
  boolean hitsFrontend(Flow flow) {
    return anyHit(flow).isPresent() || hostPortHit(flow).isPresent();
  }

  /** The pod behind a hostPort, as a backend on its containerPort. */
  static Backends.Backend hostPortBackend(ServiceTranslation.HostPortHit h) {
    Pod p = h.pod();
    IPAddress ip = p.ips().isEmpty() ? null : IpText.parse(p.ips().get(0));
    return new Backends.Backend(p, ip, h.port().port(), Note.of(Note.Kind.HOST_PORT_EXPOSED,
        h.port().port(), h.port().hostPort(), h.node().name()));
  }
}

package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Note;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.TrafficPolicy;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A frontend Cilium left untranslated at the client is still delivered to a backend by the next
 * hop, and the backend's ingress judges the flow as it arrives (Cilium judged the sender's egress
 * on the address). Two next hops:
 *
 * <ul>
 *   <li>kube-proxy (kube-proxy replacement off): its DNAT (iptables or IPVS) on the client's
 *       node for an externalIP or LoadBalancer address, on the node that owns the address for a
 *       nodePort (KUBE-NODEPORTS matches only local addresses). With {@code
 *       externalTrafficPolicy: Cluster} its KUBE-EXT chain masquerades traffic to external
 *       destinations, so the backend sees the delivering node (host there, remote-node
 *       elsewhere); with {@code Local} it sends pod traffic to the cluster-wide backends without
 *       SNAT, so the backend sees the client.
 *   <li>Cilium on the node that owns the address (kube-proxy replacement on, an externalIP
 *       socket LB skipped for the CVE-2020-8554 mitigation): its NodePort load balancer at the
 *       node's device ({@code nodeport_lb4}, {@code bpf/lib/nodeport.h}) translates it; a backend
 *       on that node sees the client, one elsewhere the owning node (SNAT, the default non-DSR
 *       mode); {@code Local} keeps the owning node's backends. An address no node owns leaves
 *       the cluster: where the network routes it is not modelled. The same load balancer
 *       delivers a nodePort a pod dialled on another node's address before Cilium 1.20 when
 *       socket LB does not translate for pods; a backend elsewhere then sees world
 *       (cilium/cilium#44507's description).
 * </ul>
 *
 * Nothing is delivered this way for ipMode: Proxy (the external load balancer does).
 */
final class NextHopDelivery {
  private final ClusterSnapshot snapshot;
  private final Identities identities;
  private final Backends backends;
  private final SideEvaluation sides;
  private final FrontendLookup frontends;

  NextHopDelivery(ClusterSnapshot snapshot, Identities identities, Backends backends,
      SideEvaluation sides, FrontendLookup frontends) {
    this.snapshot = snapshot;
    this.identities = identities;
    this.backends = backends;
    this.sides = sides;
    this.frontends = frontends;
  }

  /** How the next hop delivers an untranslated frontend: by whom, to which backends. */
  final class Plan {
    final String by;
    final Node delivering;
    final boolean local;
    final boolean kubeProxy;
    final List<Backends.Backend> backends;
    final Pod source;
    /** The owning node's address when a SNAT'd flow arrives as world (a nodePort), else null. */
    final IPAddress snatAsWorld;

    Plan(String by, Node delivering, boolean local, boolean kubeProxy,
        List<Backends.Backend> backends, Pod source, IPAddress snatAsWorld) {
      this.by = by;
      this.delivering = delivering;
      this.local = local;
      this.kubeProxy = kubeProxy;
      this.backends = backends;
      this.source = source;
      this.snatAsWorld = snatAsWorld;
    }

    /** The source identity as the flow arrives at the backend (class comment). */
    Identity arriving(Backends.Backend b, Identity src, DatapathSettings s) {
      String backendNode = b.pod().nodeName();
      boolean snat = !local && (kubeProxy || !delivering.name().equals(backendNode));
      if (snat && snatAsWorld != null) {
        return identities.world(snatAsWorld, s);
      }
      if (snat) {
        return identities.ofNode(delivering, backendNode, s);
      }
      return identities.seenFrom(source, src, backendNode, s);
    }
  }

  /** Each delivered backend judged on its ingress; the egress is {@code asSeen}'s. */
  List<DestinationVerdict> delivered(Flow flow, Identity src, Plan plan,
      DestinationVerdict asSeen, DatapathSettings s, Detail detail) {
    List<DestinationVerdict> out = new ArrayList<>();
    for (Backends.Backend b : plan.backends) {
      Identity dst = identities.ofPod(b.pod(), flow.source().nodeName(), s, b.address());
      Identity seen = plan.arriving(b, src, s);
      SideVerdict ingress = sides.evaluate(new SideEvaluation.Question(
          dst, Direction.INGRESS, seen, b.port(), flow.protocol(), b.pod().ports(),
          flow.port(), true), s, detail);
      List<Note> dn = new ArrayList<>();
      if (b.note() != null) {
        dn.add(b.note());
      }
      DestinationVerdict d = FlowEvaluation.destination(
          b.pod().key(), dst, b.port(), flow, asSeen.egress(), ingress, dn);
      out.add(
          DestinationVerdict.builder()
              .endpoint(d.endpoint())
              .identity(d.identity())
              .port(d.port())
              .protocol(d.protocol())
              .outcome(d.outcome())
              .dropReason(d.dropReason())
              .egress(d.egress())
              .ingress(d.ingress())
              .notes(d.notes())
              .delivery(
                  new DestinationVerdict.Delivery(plan.by, asSeen.identity(), flow.port(), seen))
              .build());
    }
    return out;
  }

  /** The next hop's delivery of an untranslated flow: a Service frontend's, or a hostPort's. */
  Optional<Plan> plan(Flow flow, Identity addressIdentity, DatapathSettings s,
      List<Note> notes) {
    Optional<ServiceTranslation.Hit> hit = frontends.anyHit(flow);
    if (hit.isPresent()) {
      return plan(flow, hit.get(), addressIdentity, s, notes);
    }
    Optional<ServiceTranslation.HostPortHit> hostPort = frontends.hostPortHit(flow);
    if (hostPort.isEmpty() || !s.kubeProxyReplacement()) {
      return Optional.empty();
    }
    // Another node's hostPort: that node's NodePort load balancer translates it at its device
    // (HostPort frontends are NodePort-type services there) to its own pod: no SNAT.
    Node owner = hostPort.get().node();
    String by = "Cilium's NodePort load balancer on node " + owner.name() + " (hostPort)";
    notes.add(Note.of(Note.Kind.HOST_PORT_DELIVERY, owner.name(), flow.address(), flow.port(),
        hostPort.get().pod().key(), hostPort.get().port().port()));
    return Optional.of(new Plan(by, owner, false, false,
        List.of(FrontendLookup.hostPortBackend(hostPort.get())), flow.source(), null));
  }

  private Optional<Plan> plan(Flow flow, ServiceTranslation.Hit hit,
      Identity addressIdentity, DatapathSettings s, List<Note> notes) {
    if ("Proxy".equals(hit.ipMode())) {
      return Optional.empty();
    }
    Pod source = flow.source();
    boolean local = hit.service().externalTrafficPolicy() == TrafficPolicy.LOCAL;
    boolean kubeProxy = !s.kubeProxyReplacement();
    Node owner = addressIdentity.node();
    Node delivering;
    if (kubeProxy) {
      String name = hit.kind() == Translation.Frontend.NODE_PORT && owner != null
          ? owner.name() : source.nodeName();
      delivering = name == null ? null : snapshot.node(name).orElse(null);
      if (delivering == null) {
        notes.add(Note.of(Note.Kind.KUBE_PROXY_NODE_UNKNOWN, flow.address(),
            hit.service().key()));
        return Optional.empty();
      }
    } else {
      if (owner == null) {
        notes.add(Note.of(Note.Kind.UNOWNED_ADDRESS, flow.address()));
        return Optional.empty();
      }
      delivering = owner;
    }
    Backends.Result result =
        backends.of(hit.service(), hit.port(), flow.address().isIPv4(), flow.protocol(),
            kubeProxy ? null : s.version());
    notes.addAll(result.notes());
    String at = "node " + delivering.name();
    String by = (kubeProxy ? "kube-proxy" : "Cilium's NodePort load balancer") + " on " + at;
    List<Backends.Backend> usable = result.backends().stream()
        .filter(b -> b.pod() != null) // an endpoint outside the cluster has no ingress policy
        .filter(b -> kubeProxy || !local || delivering.name().equals(b.pod().nodeName()))
        .toList();
    if (usable.isEmpty()) {
      notes.add(Note.of(Note.Kind.NEXT_HOP_NO_BACKEND, hit.service().key(), flow.port(),
          delivering.name(), Note.flag(kubeProxy, "kube-proxy"), Note.flag(local, "local")));
      return Optional.empty();
    }
    notes.add(Note.of(Note.Kind.NEXT_HOP_DELIVERS, flow.address(), flow.port(),
        hit.service().key(), delivering.name(), Note.flag(kubeProxy, "kube-proxy"),
        Note.flag(local, "local")));
    // A nodePort another node's NodePort load balancer SNATs to a backend elsewhere arrives as
    // world: before cilium/cilium#44507 backends "needed to allow WORLD for serving in-cluster
    // clients" (its description). The mitigated externalIP path keeps the owning node.
    IPAddress world = !kubeProxy && hit.kind() == Translation.Frontend.NODE_PORT
        ? flow.address() : null;
    return Optional.of(new Plan(by, delivering, local, kubeProxy, usable, source, world));
  }
}

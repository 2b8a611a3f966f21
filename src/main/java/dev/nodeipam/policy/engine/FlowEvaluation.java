package dev.nodeipam.policy.engine;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Note;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.TranslationReason;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Pod;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The definition of Cilium's verdict (section 1 of the policy model), at a level of {@link
 * Detail}: translate the destination (or not), find the identities, evaluate the sender's egress
 * and each receiver's ingress. Every other answer of {@link PolicyEngine} is either this or a
 * faster path proven equal to it.
 */
final class FlowEvaluation {
  private final AddressBook book;
  private final Identities identities;
  private final FrontendLookup frontends;
  private final Backends backends;
  private final SideEvaluation sides;
  private final NextHopDelivery nextHop;

  FlowEvaluation(AddressBook book, Identities identities, FrontendLookup frontends,
      Backends backends, SideEvaluation sides, NextHopDelivery nextHop) {
    this.book = book;
    this.identities = identities;
    this.frontends = frontends;
    this.backends = backends;
    this.sides = sides;
    this.nextHop = nextHop;
  }

  /** Cilium's verdict for the flow under the settings: the definition. */
  Verdict verdict(Flow flow, DatapathSettings s, Detail detail) {
    Pod source = flow.source();
    List<Note> notes = new ArrayList<>();
    if (source.isTemplate()) {
      notes.add(templateNote(source));
    }
    if (source.nodeName() == null) {
      notes.add(Note.of(Note.Kind.SOURCE_NODE_UNKNOWN));
    }
    Identity src = identities.ofPod(source, source.nodeName(), s);
    Translation t = frontends.translation(flow, s);
    frontends.anyHit(flow).flatMap(h -> SourceRanges.note(flow, h, s)).ifPresent(notes::add);
    List<DestinationVerdict> destinations;
    if (t.translated() && t.frontend() == Translation.Frontend.HOST_PORT) {
      destinations = List.of(toBackend(flow, src,
          FrontendLookup.hostPortBackend(frontends.hostPortHit(flow).get()), flow.port(), s,
          detail));
    } else if (t.translated()) {
      destinations = translated(flow, src, t, s, detail, notes);
    } else {
      destinations = untranslated(flow, src, s, detail, notes);
    }
    return aggregate(flow, src, t, destinations, s, false, notes);
  }

  private List<DestinationVerdict> translated(Flow flow, Identity src, Translation t,
      DatapathSettings s, Detail detail, List<Note> notes) {
    Pod source = flow.source();
    ServiceTranslation.Hit hit = frontends.anyHit(flow).get();
    Backends.Result result =
        backends.of(hit.service(), hit.port(), flow.address().isIPv4(), flow.protocol(),
            s.version());
    notes.addAll(result.notes());
    List<Backends.Backend> usable = result.backends();
    // internalTrafficPolicy: Local keeps in-cluster clients on their node's backends: the
    // service's internal scope (convertService in pkg/loadbalancer/reflectors/conversions.go;
    // agent option enable-internal-traffic-policy, default true). externalIPs have only the
    // external scope.
    if (hit.service().internalTrafficLocal() && s.internalTrafficPolicy()
        && hit.kind() != Translation.Frontend.EXTERNAL_IP) {
      usable = usable.stream().filter(b -> b.pod() != null && source.nodeName() != null
          && source.nodeName().equals(b.pod().nodeName())).toList();
      if (usable.isEmpty() && !result.backends().isEmpty()) {
        notes.add(Note.of(Note.Kind.INTERNAL_LOCAL_NO_BACKEND, t.service(), source.nodeName()));
      }
    }
    List<DestinationVerdict> out = new ArrayList<>();
    for (Backends.Backend b : usable) {
      out.add(toBackend(flow, src, b, hit.port().port(), s, detail));
    }
    if (usable.isEmpty()) {
      notes.add(Note.of(Note.Kind.NO_READY_BACKEND, t.service(), flow.port()));
    }
    return out;
  }

  /** The address as policy sees it, then the backends the next hop delivers it to, if any. */
  private List<DestinationVerdict> untranslated(Flow flow, Identity src, DatapathSettings s,
      Detail detail, List<Note> notes) {
    Identity dst = identities.ofAddress(flow.address(), flow.source().nodeName(), s);
    if (dst.kind() == Identity.Kind.WORLD) {
      book.podCidrOwner(flow.address()).ifPresent(n -> notes.add(
          Note.of(Note.Kind.PODCIDR_WITHOUT_POD, flow.address(), n.name())));
    }
    List<Pod.ContainerPort> ports = dst.isPod() ? dst.pod().ports() : List.of();
    DestinationVerdict asSeen = judge(flow, src, dst, flow.port(), null, ports, false, s, detail,
        name(dst, flow.address()), List.of());
    Optional<NextHopDelivery.Plan> plan = nextHop.plan(flow, dst, s, notes);
    List<DestinationVerdict> delivered = plan.isPresent()
        ? nextHop.delivered(flow, src, plan.get(), asSeen, s, detail) : List.of();
    return delivered.isEmpty() ? List.of(asSeen) : delivered;
  }

  /**
   * The verdict for a destination pod named by identity rather than dialled by address: no
   * translation, the sender's egress to its identity and its ingress from the sender.
   */
  Verdict verdictTo(Pod source, Pod destination, int port, Protocol protocol, DatapathSettings s,
      Detail detail) {
    Identity src = identities.ofPod(source, source.nodeName(), s);
    Identity dst = identities.ofPod(destination, source.nodeName(), s);
    Flow flow = new Flow(source, IpText.parse("0.0.0.0"), port, protocol);
    List<Note> notes = new ArrayList<>();
    if (source.isTemplate()) {
      notes.add(templateNote(source));
    }
    notes.add(Note.of(Note.Kind.NOT_DIALLED, destination.key(),
        destination.isTemplate() ? destination.workload() : ""));
    DestinationVerdict d = judge(source, dst, port, protocol, null, s, detail);
    return aggregate(flow, src,
        Translation.none(TranslationReason.of(TranslationReason.Kind.NOT_DIALLED)),
        List.of(d), s, false, notes);
  }

  /**
   * The verdict with the address read as itself: destination = the world identity of the
   * address, port = the dialled port, no translation, no ingress.
   */
  Verdict verdictAsAddress(Flow flow, DatapathSettings s, Detail detail) {
    Identity src = identities.ofPod(flow.source(), flow.source().nodeName(), s);
    Identity dst = identities.world(flow.address(), s);
    SideVerdict egress = sides.evaluate(new SideEvaluation.Question(src, Direction.EGRESS, dst,
        flow.port(), flow.protocol(), List.of(), null, false), s, detail);
    SideVerdict ingress = SideVerdict.notEnforced(Direction.INGRESS,
        "the destination is read as the world address " + flow.address()
            + ": no endpoint ingress policy applies");
    DestinationVerdict d = destination(
        flow.address().toCanonicalString(), dst, flow.port(), flow, egress, ingress, List.of());
    return aggregate(flow, src, Translation.none(
        TranslationReason.of(TranslationReason.Kind.AS_ADDRESS)),
        List.of(d), s, true, List.of());
  }

  /**
   * One destination judged for a source without the translation step (section 1, steps 2-4).
   *
   * @param servicePort the Service port dialled when translated (for explanations), else null
   */
  DestinationVerdict judge(Pod source, Identity destination, int port, Protocol protocol,
      Integer servicePort, DatapathSettings s, Detail detail) {
    Identity src = identities.ofPod(source, source.nodeName(), s);
    IPAddress where =
        destination.address() != null ? destination.address() : IpText.parse("0.0.0.0");
    Flow flow = new Flow(source, where, port, protocol);
    List<Pod.ContainerPort> ports = destination.isPod() ? destination.pod().ports() : List.of();
    return judge(flow, src, destination, port, servicePort, ports, servicePort != null, s, detail,
        name(destination, where), List.of());
  }

  private DestinationVerdict toBackend(Flow flow, Identity src, Backends.Backend b,
      int servicePort, DatapathSettings s, Detail detail) {
    List<Note> notes = b.note() == null ? List.of() : List.of(b.note());
    if (Hairpin.loopsBack(flow.source(), b.pod())) {
      Identity dst = identities.ofPod(b.pod(), flow.source().nodeName(), s, b.address());
      return destination(b.pod().key(), dst, b.port(), flow, Hairpin.side(Direction.EGRESS),
          Hairpin.side(Direction.INGRESS), notes);
    }
    if (b.pod() != null) {
      Identity dst = identities.ofPod(b.pod(), flow.source().nodeName(), s, b.address());
      return judge(flow, src, dst, b.port(), servicePort, b.pod().ports(), true, s, detail,
          b.pod().key(), notes);
    }
    Identity dst = identities.ofAddress(b.address(), flow.source().nodeName(), s);
    return judge(flow, src, dst, b.port(), servicePort, List.of(), true, s, detail,
        b.address().toCanonicalString(), notes);
  }

  /**
   * Both sides for one destination: the sender's egress to it, its ingress from the sender (a
   * receiver sees a hostNetwork client as its node: host on the same node, else remote-node).
   */
  private DestinationVerdict judge(Flow flow, Identity src, Identity dst, int port,
      Integer servicePort, List<Pod.ContainerPort> ports, boolean translated, DatapathSettings s,
      Detail detail, String name, List<Note> notes) {
    SideVerdict egress = sides.evaluate(new SideEvaluation.Question(src, Direction.EGRESS, dst,
        port, flow.protocol(), ports, servicePort, translated), s, detail);
    Identity seen =
        dst.isPod() ? identities.seenFrom(flow.source(), src, dst.pod().nodeName(), s) : src;
    SideVerdict ingress = sides.evaluate(new SideEvaluation.Question(dst, Direction.INGRESS,
        seen, port, flow.protocol(), ports, servicePort, translated), s, detail);
    return destination(name, dst, port, flow, egress, ingress, notes);
  }

  private static String name(Identity dst, IPAddress address) {
    return dst.isPod() ? dst.pod().key()
        : dst.node() != null ? dst.node().name()
        : address.toCanonicalString();
  }

  private static Note templateNote(Pod source) {
    return Note.of(Note.Kind.TEMPLATE_SOURCE, source.workload(), source.namespace());
  }

  static DestinationVerdict destination(String name, Identity dst, int port, Flow flow,
      SideVerdict egress, SideVerdict ingress, List<Note> notes) {
    Outcome o = egress.allowed() && ingress.allowed() ? Outcome.ALLOWED : Outcome.DENIED;
    Integer drop = null;
    if (o == Outcome.DENIED) {
      drop = !egress.allowed() ? egress.dropReason() : ingress.dropReason();
    }
    return DestinationVerdict.builder()
        .endpoint(name)
        .identity(dst)
        .port(port)
        .protocol(flow.protocol())
        .outcome(o)
        .dropReason(drop)
        .egress(egress)
        .ingress(ingress)
        .notes(notes)
        .build();
  }

  private static Verdict aggregate(Flow flow, Identity src, Translation t,
      List<DestinationVerdict> ds, DatapathSettings s, boolean asAddress, List<Note> notes) {
    long allowed = ds.stream().filter(d -> d.outcome() == Outcome.ALLOWED).count();
    Outcome o;
    Integer drop = null;
    if (!ds.isEmpty() && allowed == ds.size()) {
      o = Outcome.ALLOWED;
    } else if (allowed == 0) {
      o = Outcome.DENIED;
      boolean deny =
          ds.stream().anyMatch(d -> Integer.valueOf(DropReason.POLICY_DENY).equals(d.dropReason()));
      drop = ds.isEmpty() ? null : deny ? DropReason.POLICY_DENY : DropReason.POLICY_DENIED;
    } else {
      o = Outcome.PARTIAL;
    }
    return Verdict.builder()
        .flow(flow)
        .source(src)
        .outcome(o)
        .dropReason(drop)
        .translation(t)
        .destinations(ds)
        .settings(s)
        .readAsAddress(asAddress)
        .notes(notes)
        .build();
  }
}

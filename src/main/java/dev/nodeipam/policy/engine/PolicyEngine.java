package dev.nodeipam.policy.engine;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.model.RuleEntry;
import dev.nodeipam.policy.settings.AgentVersion;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.RawObject;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cilium's verdict for a flow, as section 1 of the policy model describes it: translate the
 * destination (or not), find the identities, evaluate the sender's egress and each receiver's
 * ingress. Built once per snapshot (policies parsed and indexed, addresses indexed); then pure,
 * immutable and safe to share between threads.
 *
 * <p>The two questions the audit asks:
 *
 * <ul>
 *   <li>{@link #verdict(Flow, DatapathSettings)}: what Cilium does with the flow.
 *   <li>{@link #verdictAsAddress(Flow, DatapathSettings)}: what the rules say when the address is
 *       read as itself (world/CIDR, the dialled port, no translation) — what their author pictured.
 * </ul>
 */
public final class PolicyEngine {
  private final ClusterSnapshot snapshot;
  private final PolicyIndex index;
  private final AddressBook book;
  private final Identities identities;
  private final ServiceTranslation translation;
  private final Backends backends;
  private final SideEvaluation sides;
  private final Optional<AgentVersion.Found> agentVersion;

  private final dev.nodeipam.policy.model.DnsAnswers dns;

  private PolicyEngine(ClusterSnapshot snapshot, dev.nodeipam.policy.model.DnsAnswers dns) {
    this(snapshot, dns, new PolicyIndex(snapshot.policies(), dns));
  }

  private PolicyEngine(
      ClusterSnapshot snapshot, dev.nodeipam.policy.model.DnsAnswers dns, PolicyIndex index) {
    this.snapshot = snapshot;
    this.dns = dns;
    this.index = index;
    this.book = new AddressBook(snapshot);
    this.identities = new Identities(snapshot, book);
    this.translation = new ServiceTranslation(snapshot);
    this.backends = new Backends(snapshot, book);
    this.sides = new SideEvaluation(index);
    this.agentVersion = AgentVersion.of(snapshot);
  }

  /**
   * An engine for a snapshot that differs from {@code sameRules}' only in its Services (e.g.
   * planned statuses written in): the policies already read are reused, not read again.
   */
  public static PolicyEngine withServicesOf(ClusterSnapshot snapshot, PolicyEngine sameRules) {
    List<RawObject> mine = snapshot.policies();
    List<RawObject> theirs = sameRules.snapshot.policies();
    boolean same = mine.size() == theirs.size();
    for (int i = 0; same && i < mine.size(); i++) {
      same = mine.get(i) == theirs.get(i);
    }
    return same ? new PolicyEngine(snapshot, sameRules.dns, sameRules.index)
        : of(snapshot, sameRules.dns);
  }

  /**
   * An engine that has read every policy of the snapshot: an invalid one anywhere is an error.
   *
   * @throws dev.nodeipam.snapshot.BadInputException naming the policy's source on invalid policy input
   */
  public static PolicyEngine of(ClusterSnapshot snapshot) {
    return of(snapshot, dev.nodeipam.policy.model.DnsAnswers.NONE);
  }

  /** {@link #of(ClusterSnapshot)} with toFQDNs rules resolved by the DNS answers given. */
  public static PolicyEngine of(ClusterSnapshot snapshot, dev.nodeipam.policy.model.DnsAnswers dns) {
    PolicyEngine engine = new PolicyEngine(snapshot, dns);
    engine.rules();
    return engine;
  }

  /**
   * An engine that reads the clusterwide policies now and a namespace's policies the first time a
   * verdict involves a pod of that namespace: what a single trace needs. A verdict throws {@link
   * dev.nodeipam.snapshot.BadInputException} when a policy it reads is invalid.
   */
  public static PolicyEngine lazy(ClusterSnapshot snapshot) {
    return lazy(snapshot, dev.nodeipam.policy.model.DnsAnswers.NONE);
  }

  /** {@link #lazy(ClusterSnapshot)} with toFQDNs rules resolved by the DNS answers given. */
  public static PolicyEngine lazy(ClusterSnapshot snapshot,
      dev.nodeipam.policy.model.DnsAnswers dns) {
    return new PolicyEngine(snapshot, dns);
  }

  public ClusterSnapshot snapshot() {
    return snapshot;
  }

  /** Every rule, in a stable order (kind, namespace, name, spec). */
  public List<Rule> rules() {
    return index.all();
  }

  /**
   * The datapath settings of the snapshot's cilium-config with {@code --set} overrides, and the
   * Cilium release: {@link DatapathSettings#CILIUM_VERSION} in the overrides, else the agent
   * DaemonSet's image, else the newest modelled.
   */
  public DatapathSettings settings(Map<String, String> overrides) {
    return DatapathSettings.resolve(
        snapshot.ciliumConfig(), overrides, book.seenIpv4(), book.seenIpv6(), agentVersion,
        snapshot.ciliumConfigSource().orElse(null));
  }

  /** A pod's identity (a hostNetwork pod is its node, seen from its own node: host). */
  public Identity identityOf(Pod pod, DatapathSettings s) {
    return identities.ofPod(pod, pod.nodeName(), s);
  }

  /** The world identity of an address: what a CIDR rule's author pictures it as. */
  public Identity worldIdentity(IPAddress address, DatapathSettings s) {
    return identities.world(address, s);
  }

  /**
   * The identity of an address policy sees as itself (not translated), from a client on {@code
   * viewerNode}: a pod, host/remote-node, or world.
   */
  public Identity identityOfAddress(IPAddress address, String viewerNode, DatapathSettings s) {
    return identities.ofAddress(address, viewerNode, s);
  }

  /** The rules selecting an identity (none for reserved identities). */
  public List<Rule> rulesSelecting(Identity identity) {
    return index.selecting(identity);
  }

  /**
   * The Service whose backends a frontend address and port lead to ({@code namespace/name}): when
   * several Services claim the same address and port, the one the datapath picks.
   */
  public Optional<String> frontendService(IPAddress address, int port, Protocol protocol) {
    return translation.hit(address, port, protocol).map(h -> h.service().key());
  }

  /** The translation step alone: is the flow's address a frontend Cilium translates for P? */
  public Translation translation(Flow flow, DatapathSettings s) {
    Pod source = flow.source();
    Optional<ServiceTranslation.Hit> hit = anyHit(flow);
    if (hit.isEmpty()) {
      Optional<dev.nodeipam.snapshot.Service> other = translation.serviceAt(flow.address());
      return Translation.none(
          other.isPresent()
              ? flow.address()
                  + " is a frontend of "
                  + other.get().key()
                  + " but not for port "
                  + flow.port()
                  + "/"
                  + flow.protocol()
                  + ": nothing translates it"
              : flow.address() + " is no Service frontend");
    }
    Node node = source.nodeName() == null ? null : snapshot.node(source.nodeName()).orElse(null);
    boolean onClientNode = ServiceTranslation.isAddressOf(node, flow.address());
    return ServiceTranslation.decide(hit.get(), onClientNode, node != null, s);
  }

  /** A frontend the flow hits: a Service address and port, else a nodePort on a node address. */
  private Optional<ServiceTranslation.Hit> anyHit(Flow flow) {
    Optional<ServiceTranslation.Hit> hit =
        translation.hit(flow.address(), flow.port(), flow.protocol());
    return hit.isPresent()
        ? hit
        : translation.nodePortHit(flow.address(), flow.port(), flow.protocol());
  }

  /** Cilium's verdict for the flow under the settings. */
  public Verdict verdict(Flow flow, DatapathSettings s) {
    Pod source = flow.source();
    List<String> notes = new ArrayList<>();
    if (source.isTemplate()) {
      notes.add(
          "the source is the pod template of "
              + source.workload()
              + " in "
              + source.namespace()
              + " (the input has no pods of it)");
    }
    if (source.nodeName() == null) {
      notes.add("the source's node is unknown: node addresses are read as another node's");
    }
    Identity src = identities.ofPod(source, source.nodeName(), s);
    Translation t = translation(flow, s);
    List<DestinationVerdict> destinations = new ArrayList<>();
    if (t.translated()) {
      ServiceTranslation.Hit hit = anyHit(flow).get();
      Backends.Result result =
          backends.of(hit.service(), hit.port(), flow.address().isIPv4(), flow.protocol());
      notes.addAll(result.notes());
      List<Backends.Backend> usable = result.backends();
      // internalTrafficPolicy: Local keeps in-cluster clients on their node's backends: the
      // service's internal scope (convertService in pkg/loadbalancer/reflectors/conversions.go;
      // agent option enable-internal-traffic-policy, default true). externalIPs have only the
      // external scope.
      if (hit.service().internalTrafficLocal() && s.internalTrafficPolicy()
          && hit.kind() != dev.nodeipam.policy.explanation.Translation.Frontend.EXTERNAL_IP) {
        usable = usable.stream().filter(b -> b.pod() != null && source.nodeName() != null
            && source.nodeName().equals(b.pod().nodeName())).toList();
        if (usable.isEmpty() && !result.backends().isEmpty()) {
          notes.add(t.service() + " has internalTrafficPolicy: Local and no ready backend on the"
              + " client's node " + source.nodeName() + ": the connection fails for lack of a"
              + " backend, not by policy");
        }
      }
      for (Backends.Backend b : usable) {
        destinations.add(toBackend(flow, src, b, hit.port().port(), s));
      }
      if (usable.isEmpty()) {
        notes.add(
            t.service()
                + " has no ready backend for port "
                + flow.port()
                + ": Cilium drops the flow for lack of a backend, whatever the policy");
      }
    } else {
      Identity dst = identities.ofAddress(flow.address(), source.nodeName(), s);
      if (dst.kind() == Identity.Kind.WORLD) {
        book.podCidrOwner(flow.address())
            .ifPresent(
                n ->
                    notes.add(
                        flow.address()
                            + " lies in the podCIDR of node "
                            + n.name()
                            + " but no pod of the input has it: read as world"));
      }
      destinations.add(toAddress(flow, src, dst, s));
    }
    return aggregate(flow, src, t, destinations, s, false, notes);
  }

  /**
   * The verdict for a destination pod named by identity rather than dialled by address (a pod
   * without {@code status.podIP}, a workload's template pod): no translation, the sender's egress
   * to its identity and its ingress from the sender, at {@code port}.
   */
  public Verdict verdictTo(
      Pod source, Pod destination, int port, Protocol protocol, DatapathSettings s) {
    Identity src = identities.ofPod(source, source.nodeName(), s);
    Identity dst = identities.ofPod(destination, source.nodeName(), s);
    Flow flow = new Flow(source, IpText.parse("0.0.0.0"), port, protocol);
    List<String> notes = new ArrayList<>();
    if (source.isTemplate()) {
      notes.add("the source is the pod template of " + source.workload() + " in "
          + source.namespace() + " (the input has no pods of it)");
    }
    notes.add("no address was dialled: " + destination.key()
        + (destination.isTemplate() ? " (the pod template of " + destination.workload() + ")"
            : "") + " has none in the input, so it is judged by its identity (labels,"
        + " namespace) and port");
    DestinationVerdict d = judge(source, dst, port, protocol, null, s);
    return aggregate(flow, src,
        Translation.none("no address was dialled: the destination is named by its identity"),
        List.of(d), s, false, notes);
  }

  /**
   * The verdict with the address read as itself: destination = the world identity of the address
   * (as a CIDR rule's author pictures it), port = the dialled port, no translation, no ingress.
   */
  public Verdict verdictAsAddress(Flow flow, DatapathSettings s) {
    Identity src = identities.ofPod(flow.source(), flow.source().nodeName(), s);
    Identity dst = identities.world(flow.address(), s);
    SideVerdict egress = egress(src, dst, flow.port(), flow, null, List.of(), false, s);
    SideVerdict ingress =
        SideVerdict.notEnforced(
            Direction.INGRESS,
            "the destination is read as the world address "
                + flow.address()
                + ": no endpoint ingress policy applies");
    DestinationVerdict d =
        destination(
            flow.address().toCanonicalString(), dst, flow.port(), flow, egress, ingress, List.of());
    return aggregate(
        flow,
        src,
        Translation.none("read as the address itself: no translation"),
        List.of(d),
        s,
        true,
        List.of());
  }

  /**
   * Whether {@link #verdictAsAddress} allows the flow, without building the explanation: the
   * sender's egress to the address read as world, on the dialled port.
   */
  public boolean allowsAsAddress(Flow flow, DatapathSettings s) {
    Identity src = identities.ofPod(flow.source(), flow.source().nodeName(), s);
    Identity dst = identities.world(flow.address(), s);
    return sides.allows(new SideEvaluation.Question(
        src, Direction.EGRESS, dst, flow.port(), flow.protocol(), List.of(), null, false), s);
  }

  /**
   * Whether {@link #verdict} allows the flow, without building the explanation when the address
   * is not translated (a translated flow is judged in full).
   */
  public boolean allows(Flow flow, DatapathSettings s) {
    if (translation(flow, s).translated()) {
      return verdict(flow, s).allowed();
    }
    Pod source = flow.source();
    Identity src = identities.ofPod(source, source.nodeName(), s);
    Identity dst = identities.ofAddress(flow.address(), source.nodeName(), s);
    List<Pod.ContainerPort> ports = dst.isPod() ? dst.pod().ports() : List.of();
    if (!sides.allows(new SideEvaluation.Question(
        src, Direction.EGRESS, dst, flow.port(), flow.protocol(), ports, null, false), s)) {
      return false;
    }
    if (!dst.isPod()) {
      return true;
    }
    Identity seen = source.hostNetwork() ? identities.ofPod(source, dst.pod().nodeName(), s) : src;
    return sides.allows(new SideEvaluation.Question(
        dst, Direction.INGRESS, seen, flow.port(), flow.protocol(), ports, null, false), s);
  }

  /**
   * The sender's side alone, as a drop reason ({@link DropReason#POLICY_DENY}, {@link
   * DropReason#POLICY_DENIED}) or 0 when its egress allows {@code destination} at {@code port}:
   * no explanation is built, so a caller can judge millions of (source, destination) pairs.
   */
  public int egressDrop(
      Identity source, Identity destination, int port, Protocol protocol, DatapathSettings s) {
    List<Pod.ContainerPort> ports = destination.isPod() ? destination.pod().ports() : List.of();
    return sides.drop(new SideEvaluation.Question(
        source, Direction.EGRESS, destination, port, protocol, ports, null, false), s);
  }

  /**
   * Whether the sender's egress drops every pod at the port ({@link DropReason#POLICY_DENIED}),
   * whatever the pod: it is default-deny and none of its entries on that port can match a pod.
   * A true answer spares judging each backend; false says nothing (judge them).
   */
  public boolean egressDeniesEveryPod(
      Identity source, int port, Protocol protocol, DatapathSettings s) {
    return sides.deniesEveryPod(source, Direction.EGRESS, port, protocol, s);
  }

  /**
   * The receiver's side alone, like {@link #egressDrop}: whether {@code destination}'s ingress
   * admits {@code source} (identity {@code sourceIdentity}) at {@code port}. A hostNetwork source
   * is seen as its node from the destination's node.
   */
  public int ingressDrop(
      Pod source, Identity sourceIdentity, Identity destination, int port, Protocol protocol,
      DatapathSettings s) {
    if (!destination.isPod()) {
      return 0; // host policies are not modelled: a node admits everything
    }
    Identity seen = source.hostNetwork()
        ? identities.ofPod(source, destination.pod().nodeName(), s)
        : sourceIdentity;
    return sides.drop(new SideEvaluation.Question(
        destination, Direction.INGRESS, seen, port, protocol, destination.pod().ports(), null,
        false), s);
  }

  /**
   * An allow entry of a rule that selects an endpoint.
   *
   * @param policy the policy the rule came from
   * @param entry the entry; its peers say who it lets in or out
   */
  public record AllowEntry(PolicyRef policy, RuleEntry entry) {}

  /**
   * The allow entries for the direction, of the rules selecting the subject, whose ports cover
   * the port (named ports resolved on {@code destinationPorts}), whoever the peer. The audit asks
   * which of them admit the peer only as a CIDR/world address.
   */
  public List<AllowEntry> allowEntriesCovering(
      Identity subject, Direction direction, int port, Protocol protocol,
      List<Pod.ContainerPort> destinationPorts) {
    List<AllowEntry> out = new ArrayList<>();
    for (Rule r : index.selecting(subject)) {
      for (RuleEntry e : r.allows(direction)) {
        if (SideEvaluation.portsCover(e, port, protocol, destinationPorts)) {
          out.add(new AllowEntry(r.policy(), e));
        }
      }
    }
    return out;
  }

  /**
   * One destination judged for a source without the translation step (section 1, steps 2-4): the
   * sender's egress to the destination identity and, for a pod, its ingress from the sender, at
   * the port policy sees. Replicas share an identity, so a caller judging many flows can judge
   * each distinct backend identity once instead of every backend.
   *
   * @param port the port policy sees (the targetPort when the flow was translated)
   * @param servicePort the Service port dialled when translated (for explanations), else null
   */
  public DestinationVerdict judge(
      Pod source, Identity destination, int port, Protocol protocol, Integer servicePort,
      DatapathSettings s) {
    return judge(source, destination, port, protocol, servicePort, s, true);
  }

  /**
   * {@link #judge(Pod, Identity, int, Protocol, Integer, DatapathSettings)}, optionally without
   * the reasons why each selecting rule did not match ({@code NotMatching.why} left empty): the
   * verdicts are the same, at a fraction of the cost.
   */
  public DestinationVerdict judge(
      Pod source, Identity destination, int port, Protocol protocol, Integer servicePort,
      DatapathSettings s, boolean explain) {
    Identity src = identities.ofPod(source, source.nodeName(), s);
    IPAddress where =
        destination.address() != null ? destination.address() : IpText.parse("0.0.0.0");
    Flow flow = new Flow(source, where, port, protocol);
    List<Pod.ContainerPort> ports = destination.isPod() ? destination.pod().ports() : List.of();
    boolean translated = servicePort != null;
    SideVerdict egress = sides.evaluate(new SideEvaluation.Question(
        src, Direction.EGRESS, destination, port, protocol, ports, servicePort, translated), s,
        explain);
    Identity seen = destination.isPod() && source.hostNetwork()
        ? identities.ofPod(source, destination.pod().nodeName(), s)
        : src;
    SideVerdict ingress = sides.evaluate(new SideEvaluation.Question(
        destination, Direction.INGRESS, seen, port, protocol, ports, servicePort, translated), s,
        explain);
    String name =
        destination.isPod() ? destination.pod().key()
            : destination.node() != null ? destination.node().name()
            : where.toCanonicalString();
    return destination(name, destination, port, flow, egress, ingress, List.of());
  }

  private DestinationVerdict toBackend(
      Flow flow, Identity src, Backends.Backend b, int servicePort, DatapathSettings s) {
    Identity dst;
    String name;
    List<Pod.ContainerPort> ports = List.of();
    if (b.pod() != null) {
      dst = identities.ofPod(b.pod(), flow.source().nodeName(), s, b.address());
      name = b.pod().key();
      ports = b.pod().ports();
    } else {
      dst = identities.ofAddress(b.address(), flow.source().nodeName(), s);
      name = b.address().toCanonicalString();
    }
    List<String> notes = new ArrayList<>();
    if (b.note() != null) {
      notes.add(b.note());
    }
    SideVerdict egress = egress(src, dst, b.port(), flow, servicePort, ports, true, s);
    SideVerdict ingress = ingress(flow, src, dst, b.port(), servicePort, ports, true, s);
    return destination(name, dst, b.port(), flow, egress, ingress, notes);
  }

  private DestinationVerdict toAddress(Flow flow, Identity src, Identity dst, DatapathSettings s) {
    List<Pod.ContainerPort> ports = dst.isPod() ? dst.pod().ports() : List.of();
    SideVerdict egress = egress(src, dst, flow.port(), flow, null, ports, false, s);
    SideVerdict ingress = ingress(flow, src, dst, flow.port(), null, ports, false, s);
    String name =
        dst.isPod()
            ? dst.pod().key()
            : dst.node() != null ? dst.node().name() : flow.address().toCanonicalString();
    return destination(name, dst, flow.port(), flow, egress, ingress, List.of());
  }

  private SideVerdict egress(
      Identity src,
      Identity dst,
      int port,
      Flow flow,
      Integer servicePort,
      List<Pod.ContainerPort> ports,
      boolean translated,
      DatapathSettings s) {
    return sides.evaluate(
        new SideEvaluation.Question(
            src, Direction.EGRESS, dst, port, flow.protocol(), ports, servicePort, translated),
        s);
  }

  private SideVerdict ingress(
      Flow flow,
      Identity src,
      Identity dst,
      int port,
      Integer servicePort,
      List<Pod.ContainerPort> ports,
      boolean translated,
      DatapathSettings s) {
    if (!dst.isPod()) {
      return sides.evaluate(
          new SideEvaluation.Question(
              dst, Direction.INGRESS, src, port, flow.protocol(), ports, servicePort, translated),
          s);
    }
    // The receiver sees a hostNetwork client as its node: host on the same node, else remote-node.
    Identity seen =
        flow.source().hostNetwork()
            ? identities.ofPod(flow.source(), dst.pod().nodeName(), s)
            : src;
    return sides.evaluate(
        new SideEvaluation.Question(
            dst, Direction.INGRESS, seen, port, flow.protocol(), ports, servicePort, translated),
        s);
  }

  private static DestinationVerdict destination(
      String name,
      Identity dst,
      int port,
      Flow flow,
      SideVerdict egress,
      SideVerdict ingress,
      List<String> notes) {
    Outcome o = egress.allowed() && ingress.allowed() ? Outcome.ALLOWED : Outcome.DENIED;
    Integer drop = null;
    if (o == Outcome.DENIED) {
      drop = !egress.allowed() ? egress.dropReason() : ingress.dropReason();
    }
    return new DestinationVerdict(
        name, dst, port, flow.protocol(), o, drop, egress, ingress, notes);
  }

  private static Verdict aggregate(
      Flow flow,
      Identity src,
      Translation t,
      List<DestinationVerdict> ds,
      DatapathSettings s,
      boolean asAddress,
      List<String> notes) {
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
    return new Verdict(flow, src, o, drop, t, ds, s, asAddress, notes);
  }
}

package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Note;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.DnsAnswers;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.model.Rejection;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.model.RuleEntry;
import dev.nodeipam.policy.model.TierRule;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.SettingsResolution;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Cilium's verdict for a flow, as section 1 of the policy model describes it: translate the
 * destination (or not), find the identities, evaluate the sender's egress and each receiver's
 * ingress. Built once per snapshot (policies parsed and indexed, addresses indexed); then pure,
 * immutable (its memos aside, {@link EngineCache}) and safe to share between threads.
 *
 * <p><b>The definition</b> is {@link #evaluate(Flow, DatapathSettings, Detail)}: one evaluation,
 * at the level of detail asked ({@link Detail#VERDICT} leaves out why rules did not match; the
 * verdicts are the same). {@link #evaluateAsAddress} and {@link #evaluateTo} ask it about the
 * address read as itself and about a destination named by identity. The other questions are
 * faster paths that build no explanation, each proven equal to the definition over generated
 * clusters by {@code EngineFastPathPropertyTest}: {@link #allows}, {@link #allowsAsAddress},
 * {@link #egressDrop}, {@link #ingressDrop}, {@link #egressDeniesEveryPod}, {@link
 * #deliveredTo}. {@link #verdict}, {@link #verdictAsAddress}, {@link #verdictTo} and {@link
 * #judge} are the definition explained in full.
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
  private final EngineCache cache;
  private final Identities identities;
  private final FrontendLookup frontends;
  private final ClusterPolicyTiers tiers;
  private final SideEvaluation sides;
  private final NextHopDelivery nextHop;
  private final FlowEvaluation definition;
  private final DnsAnswers dns;
  private final Backends backends;

  private PolicyEngine(ClusterSnapshot snapshot, DnsAnswers dns) {
    this(snapshot, dns, new EngineCache(), null, null);
  }

  /** @param like an engine whose translation table is overlaid (see ServiceTranslation), or null */
  private PolicyEngine(ClusterSnapshot snapshot, DnsAnswers dns, EngineCache cache,
      PolicyIndex index, PolicyEngine like) {
    this.snapshot = snapshot;
    this.dns = dns;
    this.cache = cache;
    this.index = index != null ? index : new PolicyIndex(snapshot.policies(), dns, cache);
    // Read from nodes, pods and EndpointSlices alone: shared by the snapshots of one change.
    AddressBook book = snapshot.derived(AddressBook.class, AddressBook::new);
    this.identities = new Identities(snapshot, book, cache);
    this.frontends = new FrontendLookup(snapshot,
        new ServiceTranslation(snapshot, like == null ? null : like.frontends.table()));
    this.backends = new Backends(snapshot, book);
    this.tiers = ClusterPolicyTiers.of(snapshot.policies());
    this.sides = new SideEvaluation(this.index,
        snapshot.derived(ClusterNamedPorts.class, ClusterNamedPorts::new), tiers);
    this.nextHop = new NextHopDelivery(snapshot, identities, backends, sides, frontends);
    this.definition =
        new FlowEvaluation(book, identities, frontends, backends, sides, nextHop);
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
    return same ? new PolicyEngine(snapshot, sameRules.dns, sameRules.cache, sameRules.index,
        sameRules) : of(snapshot, sameRules.dns);
  }

  /**
   * An engine that has read every policy of the snapshot: an invalid one anywhere is an error.
   *
   * @throws BadInputException naming the policy's source on invalid policy input
   */
  public static PolicyEngine of(ClusterSnapshot snapshot) {
    return of(snapshot, DnsAnswers.NONE);
  }

  /** {@link #of(ClusterSnapshot)} with toFQDNs rules resolved by the DNS answers given. */
  public static PolicyEngine of(ClusterSnapshot snapshot, DnsAnswers dns) {
    PolicyEngine engine = new PolicyEngine(snapshot, dns);
    engine.rules();
    return engine;
  }

  /**
   * An engine that reads the clusterwide policies now and a namespace's policies the first time a
   * verdict involves a pod of that namespace: what a single trace needs. A verdict throws {@link
   * BadInputException} when a policy it reads is invalid.
   */
  public static PolicyEngine lazy(ClusterSnapshot snapshot) {
    return lazy(snapshot, DnsAnswers.NONE);
  }

  /** {@link #lazy(ClusterSnapshot)} with toFQDNs rules resolved by the DNS answers given. */
  public static PolicyEngine lazy(ClusterSnapshot snapshot,
      DnsAnswers dns) {
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
    return SettingsResolution.of(snapshot, overrides);
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

  /**
   * The rules the agent of the settings' release installs: every rule but those of the policies
   * it rejects (section 9).
   */
  public List<Rule> rules(DatapathSettings s) {
    return index.accepted(index.all(), s.version());
  }

  /** The policies the agent of the settings' release rejects, each with why, in input order. */
  public List<Rejection> rejections(DatapathSettings s) {
    return List.copyOf(index.rejected(s.version()).values());
  }

  /**
   * The rejected policies that would select the identity if the agent accepted them: what a
   * trace names as not enforced.
   */
  public List<Rejection> rejectedSelecting(Identity identity, DatapathSettings s) {
    return index.rejections(index.selecting(identity), s.version());
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
    return frontends.table().hit(address, port, protocol).map(h -> h.service().key());
  }

  /**
   * The frontend entry an address and port hit (a Service address, else a nodePort on a node
   * address): all that the translation of a flow reads of its address, besides whether the
   * address is one of the client's node.
   */
  public Optional<ServiceTranslation.Hit> frontendHit(
      IPAddress address, int port, Protocol protocol) {
    Optional<ServiceTranslation.Hit> hit = frontends.table().hit(address, port, protocol);
    return hit.isPresent() ? hit : frontends.table().nodePortHit(address, port, protocol);
  }

  /** The translation step alone: is the flow's address a frontend Cilium translates for P? */
  public Translation translation(Flow flow, DatapathSettings s) {
    return frontends.translation(flow, s);
  }

  /** Cilium's verdict for the flow under the settings, at a level of detail: the definition. */
  public Verdict evaluate(Flow flow, DatapathSettings s, Detail detail) {
    return definition.verdict(flow, s, detail);
  }

  /**
   * The definition asked about the address read as itself: destination = the world identity of
   * the address (as a CIDR rule's author pictures it), port = the dialled port, no translation,
   * no ingress.
   */
  public Verdict evaluateAsAddress(Flow flow, DatapathSettings s, Detail detail) {
    return definition.verdictAsAddress(flow, s, detail);
  }

  /**
   * The definition asked about a destination pod named by identity rather than dialled by address
   * (a pod without {@code status.podIP}, a workload's template pod): no translation, the sender's
   * egress to its identity and its ingress from the sender, at {@code port}.
   */
  public Verdict evaluateTo(Pod source, Pod destination, int port, Protocol protocol,
      DatapathSettings s, Detail detail) {
    return definition.verdictTo(source, destination, port, protocol, s, detail);
  }

  /**
   * A backend of a Service port, by identity: the pod (a real one or a workload's template pod)
   * and the port policy sees there (the {@code targetPort}, a name resolved on the pod).
   */
  public record ServiceBackend(Pod pod, int port, Note note) {}

  /**
   * The backends a Service port is translated to, as the translation step finds them (the
   * EndpointSlices, else the pods the selector matches): for a Service the input gives no
   * frontend address, such as a manifest's Service before the API server allocates its ClusterIP.
   */
  public List<ServiceBackend> backendsOf(Service service, Service.ServicePort port,
      Protocol protocol) {
    boolean ipv4 = service.ipFamilies().isEmpty()
        || service.ipFamilies().get(0) == IpFamily.IPV4;
    return backends.of(service, port, ipv4, protocol).backends().stream()
        .filter(b -> b.pod() != null)
        .map(b -> new ServiceBackend(b.pod(), b.port(), b.note()))
        .toList();
  }

  /** {@link #evaluate} explained in full. */
  public Verdict verdict(Flow flow, DatapathSettings s) {
    return evaluate(flow, s, Detail.EXPLAINED);
  }

  /** {@link #evaluateTo} explained in full. */
  public Verdict verdictTo(
      Pod source, Pod destination, int port, Protocol protocol, DatapathSettings s) {
    return evaluateTo(source, destination, port, protocol, s, Detail.EXPLAINED);
  }

  /** {@link #evaluateAsAddress} explained in full. */
  public Verdict verdictAsAddress(Flow flow, DatapathSettings s) {
    return evaluateAsAddress(flow, s, Detail.EXPLAINED);
  }

  /**
   * One backend an untranslated frontend is delivered to by the next hop, with the identity the
   * flow arrives from and the backend's ingress drop reason (0 = allowed).
   */
  public record Delivered(Identity backend, int port, Identity arriving, int ingressDrop) {}

  /**
   * Fast path of {@link #evaluate}: the backends the next hop delivers the flow to when Cilium
   * leaves it untranslated (the destinations with a delivery), without explanations; empty when
   * the flow is translated or nothing delivers it. The sender's egress is judged on the address.
   */
  public List<Delivered> deliveredTo(Flow flow, DatapathSettings s) {
    if (translation(flow, s).translated()) {
      return List.of();
    }
    Pod source = flow.source();
    Identity address = identities.ofAddress(flow.address(), source.nodeName(), s);
    Optional<NextHopDelivery.Plan> plan = nextHop.plan(flow, address, s, new ArrayList<>());
    if (plan.isEmpty()) {
      return List.of();
    }
    Identity src = identities.ofPod(source, source.nodeName(), s);
    List<Delivered> out = new ArrayList<>();
    // Replicas share an identity: one ingress judgement per backend identity, port and source.
    for (Backends.Backend b : plan.get().backends) {
      Identity dst = identities.ofPod(b.pod(), source.nodeName(), s, b.address());
      Identity seen = plan.get().arriving(b, src, s);
      EngineCache.IngressDrop key = new EngineCache.IngressDrop(EngineCache.Selecting.of(dst),
          b.pod().ports(), b.port(), flow.protocol(), seen, s);
      int drop = cache.ingressDrop(key, k -> sides.drop(new SideEvaluation.Question(dst,
          Direction.INGRESS, seen, k.port(), k.protocol(), k.receiverPorts(), null, true), s));
      out.add(new Delivered(dst, b.port(), seen, drop));
    }
    return out;
  }

  /**
   * Fast path of {@link #evaluateAsAddress}: whether it allows the flow, without building the
   * explanation (the sender's egress to the address read as world, on the dialled port).
   */
  public boolean allowsAsAddress(Flow flow, DatapathSettings s) {
    Identity src = identities.ofPod(flow.source(), flow.source().nodeName(), s);
    Identity dst = identities.world(flow.address(), s);
    return sides.allows(new SideEvaluation.Question(
        src, Direction.EGRESS, dst, flow.port(), flow.protocol(), List.of(), null, false), s);
  }

  /**
   * Fast path of {@link #evaluate}: whether it allows the flow, without building the explanation
   * when the address hits no frontend (a frontend's flow is evaluated at {@link Detail#VERDICT}).
   */
  public boolean allows(Flow flow, DatapathSettings s) {
    if (frontends.hitsFrontend(flow)) {
      return evaluate(flow, s, Detail.VERDICT).allowed(); // translated, or delivered
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
    Identity seen = identities.seenFrom(source, src, dst.pod().nodeName(), s);
    return sides.allows(new SideEvaluation.Question(
        dst, Direction.INGRESS, seen, flow.port(), flow.protocol(), ports, null, false), s);
  }

  /**
   * Fast path of one destination's egress in {@link #judge}: the sender's side alone, as a drop
   * reason ({@link DropReason#POLICY_DENY}, {@link DropReason#POLICY_DENIED}) or 0 when its egress
   * allows {@code destination} at {@code port}: no explanation is built, so a caller can judge
   * millions of (source, destination) pairs.
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
   * Fast path of one destination's ingress in {@link #judge}, like {@link #egressDrop}: whether
   * {@code destination}'s ingress admits {@code source} (identity {@code sourceIdentity}) at
   * {@code port}. A hostNetwork source is seen as its node from the destination's node.
   */
  public int ingressDrop(
      Pod source, Identity sourceIdentity, Identity destination, int port, Protocol protocol,
      DatapathSettings s) {
    if (!destination.isPod()) {
      return 0; // host policies are not modelled: a node admits everything
    }
    Identity seen =
        identities.seenFrom(source, sourceIdentity, destination.pod().nodeName(), s);
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
   * which of them admit the peer only as a CIDR/world address. With settings, the Accept rules of
   * the ClusterNetworkPolicy tiers the release enforces are among them (an egress {@code
   * networks} peer is a CIDR peer).
   */
  public List<AllowEntry> allowEntriesCovering(
      Identity subject, Direction direction, int port, Protocol protocol,
      List<Pod.ContainerPort> destinationPorts) {
    return allowEntriesCovering(subject, direction, port, protocol, destinationPorts, null);
  }

  /**
   * {@link #allowEntriesCovering(Identity, Direction, int, Protocol, List)} with egress named
   * ports resolved as the settings' Cilium version resolves them (on every pod's named ports
   * before 1.20); null settings resolve on {@code destinationPorts}.
   */
  public List<AllowEntry> allowEntriesCovering(
      Identity subject, Direction direction, int port, Protocol protocol,
      List<Pod.ContainerPort> destinationPorts, DatapathSettings s) {
    if (s != null && direction == Direction.EGRESS) {
      destinationPorts = sides.egressNamedPorts(destinationPorts, s);
    }
    List<AllowEntry> out = new ArrayList<>();
    for (Rule r : s == null ? index.selecting(subject) : index.selecting(subject, s.version())) {
      for (RuleEntry e : r.allows(direction)) {
        if (SideEvaluation.portsCover(e, port, protocol, destinationPorts)) {
          out.add(new AllowEntry(r.policy(), e));
        }
      }
    }
    if (s != null) {
      tiers.accepting(subject, direction, port, protocol, destinationPorts, s)
          .forEach(r -> out.add(new AllowEntry(r.policy(), r.entry())));
    }
    return out;
  }

  /**
   * The entries of every installed ClusterNetworkPolicy Accept rule (section 10), whatever they
   * select: with {@link #rules()}, what the audit looks through for a CIDR/world allow before it
   * searches for traps.
   */
  public List<AllowEntry> clusterAccepts() {
    return tiers.accepts().stream().map(r -> new AllowEntry(r.policy(), r.entry())).toList();
  }

  /** Every installed ClusterNetworkPolicy rule, whatever it selects and whatever the release. */
  public List<TierRule> tierRules() {
    return tiers.installed();
  }

  /**
   * The entries of every installed ClusterNetworkPolicy rule, whatever the action: their {@code
   * networks} CIDRs divide addresses into classes as toCIDR peers do.
   */
  public List<RuleEntry> clusterEntries() {
    return tiers.installed().stream().map(TierRule::entry).toList();
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
    return judge(source, destination, port, protocol, servicePort, s, Detail.EXPLAINED);
  }

  /**
   * {@link #judge(Pod, Identity, int, Protocol, Integer, DatapathSettings)}, optionally without
   * the reasons why each selecting rule did not match ({@code NotMatching.why} left empty): the
   * verdicts are the same, at a fraction of the cost.
   */
  public DestinationVerdict judge(
      Pod source, Identity destination, int port, Protocol protocol, Integer servicePort,
      DatapathSettings s, boolean explain) {
    return judge(source, destination, port, protocol, servicePort, s,
        explain ? Detail.EXPLAINED : Detail.VERDICT);
  }

  /** {@link #judge(Pod, Identity, int, Protocol, Integer, DatapathSettings)} at a detail. */
  public DestinationVerdict judge(
      Pod source, Identity destination, int port, Protocol protocol, Integer servicePort,
      DatapathSettings s, Detail detail) {
    return definition.judge(source, destination, port, protocol, servicePort, s, detail);
  }
}

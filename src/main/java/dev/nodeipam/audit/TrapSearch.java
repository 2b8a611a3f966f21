package dev.nodeipam.audit;

import dev.nodeipam.audit.TrapCache.Allows;
import dev.nodeipam.audit.TrapCache.BackendKey;
import dev.nodeipam.audit.TrapCache.PortKey;
import dev.nodeipam.audit.TrapCache.Sender;
import dev.nodeipam.audit.TrapCache.When;
import dev.nodeipam.audit.TrapTarget.Judged;
import dev.nodeipam.audit.TrapTarget.Where;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.engine.ServiceTranslation;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The trap search of section 6: the audit's fast path to {@link IdentityTrap#of}, the
 * definition, over every Service address and port and every group of source pods sharing an
 * identity (a property holds the two equal). A flow is trapped when the policy reads as allowed
 * (a CIDR/world peer covers the address) while Cilium denies (egress side), or the backend admits
 * only CIDR/world sources while it sees the client as its pod (ingress side). Active under the
 * given settings, or latent: allowed now, denied once the address is translated.
 *
 * <p>Cost: a group is only judged for an address when its egress rules hold a CIDR/world allow
 * covering the address and port, or when the Service's backends admit CIDR/world sources; each
 * distinct backend identity is judged once per source identity, not once per replica, and only
 * the side in question is judged, without building explanations. What does not depend on the
 * source (translations, backend identities, the address's world identity) is worked out once per
 * address ({@link TrapTarget}), what many addresses share once per search ({@link TrapCache}), and
 * traps share it, so that a cluster with millions of trapped pairs stays small.
 */
final class TrapSearch implements Trap.Explainer {
  /**
   * What the flow's verdict says before the sides are asked which of them denies.
   *
   * @param dests the destinations judged (the backends, or the address itself)
   * @param when the settings {@code dests} were judged under
   * @param later for an active trap not translated now, the backends once translated
   * @param delivered the backends the next hop delivers an untranslated address to
   */
  private record Judgement(List<Destination> dests, When when, List<Destination> later,
      List<PolicyEngine.Delivered> delivered, boolean active, Dialled dialled, Translation now) {}

  private final PolicyEngine engine;
  private final boolean latent;
  private final List<SourceGroup> groups;
  private final Map<String, String> nodeOfAddress = new HashMap<>();
  private final boolean[] onKnownNode;
  private final SourceGroup[] byId;
  private final Map<Pod, SourceGroup> groupOfPod;
  private final Map<Pod, SourceGroup> identityOfPod;
  private final SourceSplit split;
  private final int identityCount;
  private final WorldClasses worldClasses;
  private final TrapCache cache;
  private final TrapVerdicts verdicts;

  /**
   * @param translating the settings under which every frontend is translated ({@link
   *     IdentityTrap#translating})
   * @param latent whether to report flows allowed now that translation would deny
   */
  TrapSearch(
      PolicyEngine engine, DatapathSettings now, DatapathSettings translating, boolean latent) {
    this(engine, now, translating, latent, Set.of());
  }

  /**
   * @param scopedPods the source pods ({@code namespace/name}) a scoped search may be asked about
   *     alone ({@link #groupsOf}): no class holds both some of them and others; empty for none
   */
  TrapSearch(PolicyEngine engine, DatapathSettings now, DatapathSettings translating,
      boolean latent, Set<String> scopedPods) {
    this.engine = engine;
    this.latent = latent;
    ClusterSnapshot snapshot = engine.snapshot();
    List<SourceGroup> all = SourceGroup.identities(engine, now);
    this.identityCount = all.size();
    this.identityOfPod = SourceGroupMemo.groupOfPod(engine, all);
    this.groups = SourceGroup.classes(engine, all, List.of(now, translating), scopedPods);
    this.groupOfPod = SourceGroupMemo.groupOfPod(engine, groups);

    this.worldClasses = new WorldClasses(engine, now);
    this.cache = new TrapCache(groups.size());
    this.split = new SourceSplit(SourceGroupMemo.positions(engine, groups), cache);
    this.verdicts = new TrapVerdicts(engine, now, translating, cache);
    this.byId = new SourceGroup[groups.size()];
    for (SourceGroup g : groups) {
      byId[g.id()] = g;
    }
    this.onKnownNode = new boolean[groups.size()];
    for (SourceGroup g : groups) {
      onKnownNode[g.id()] = knownNode(g.representative());
    }
    for (Node n : snapshot.nodes()) {
      for (Node.NodeAddress a : n.addresses()) {
        String c = IpText.canonical(a.address());
        if (c != null) {
          nodeOfAddress.putIfAbsent(c, n.name());
        }
      }
    }
  }

  PolicyEngine engine() {
    return engine;
  }

  TrapCache cache() {
    return cache;
  }

  List<SourceGroup> groups() {
    return groups;
  }

  DatapathSettings settings(When when) {
    return verdicts.settings(when);
  }

  String nodeOfAddress(IPAddress address) {
    return nodeOfAddress.get(address.toCanonicalString());
  }

  WorldClasses.WorldClass worldClass(IPAddress address) {
    return worldClasses.of(address);
  }

  boolean knownNode(Pod p) {
    return SourceGroup.onKnownNode(p, engine.snapshot());
  }

  /** The source's own identity (any of a class gets its verdicts); hostNetwork: its node. */
  Identity identity(SourceGroup g, Pod source) {
    if (source.isItsNode()) {
      return engine.identityOf(source, settings(When.NOW));
    }
    SourceGroup own = identityOfPod.get(source);
    return own == null ? g.identity() : own.identity();
  }

  /** How many groups (classes of source identities) the search judges. */
  int groupCount() {
    return groups.size();
  }

  /** How many source identities its groups hold. */
  int identityCount() {
    return identityCount;
  }


  /** By group id, whether the group holds one of the pods ({@code namespace/name}). */
  boolean[] groupsOf(Set<String> podKeys) {
    boolean[] out = new boolean[groups.size()];
    if (podKeys.isEmpty()) {
      return out;
    }
    for (SourceGroup g : groups) {
      for (Pod p : g.pods()) {
        if (podKeys.contains(p.key())) {
          out[g.id()] = true;
          break;
        }
      }
    }
    return out;
  }

  /** Every trap at one address and port: egress-side ones first, each side by source. */
  List<Trap> at(ServiceAddress sa, Service.ServicePort sp, Protocol protocol) {
    return at(sa, sp, protocol, null);
  }

  /**
   * The traps at one address and port for some source groups only.
   *
   * @param only by group id, the groups to judge; null for every group
   */
  List<Trap> at(ServiceAddress sa, Service.ServicePort sp, Protocol protocol, boolean[] only) {
    return found(sa, sp, protocol, only).traps();
  }

  /**
   * The traps at one address and port for some source groups, each with its group: egress-side
   * ones first, each side by group.
   *
   * @param only by group id, the groups to judge; null for every group
   */
  Found found(ServiceAddress sa, Service.ServicePort sp, Protocol protocol, boolean[] only) {
    return found(sa, sp, protocol, only, true);
  }

  /**
   * {@link #found(ServiceAddress, Service.ServicePort, Protocol, boolean[])}; without {@code
   * byOwner} a group's pods on the address's own node are judged with the rest, which is only
   * right when {@link #ownNodeAlike} holds.
   */
  Found found(ServiceAddress sa, Service.ServicePort sp, Protocol protocol, boolean[] only,
      boolean byOwner) {
    if (nothingToJudge(sa, sp, protocol)) {
      return Found.NONE; // no rule can tell this address from any other
    }
    Allows[] senders = senders(sp.port(), protocol);
    boolean ingressCandidate = admitsWorld(sa, sp, protocol);
    TrapTarget t = new TrapTarget(this, sa, sp, protocol);
    List<Entry> egress = new ArrayList<>();
    List<Entry> ingress = new ArrayList<>();
    for (SourceGroup g : groups) {
      if (only != null && !only[g.id()]) {
        continue;
      }
      Allows all = senders[g.id()];
      if (all == null && !ingressCandidate) {
        continue;
      }
      Sender sender = t.sender(g, all);
      Allows allows = sender.allows();
      if (!sender.dialsAsAddress() || (allows == null && !ingressCandidate)) {
        continue; // the group could never dial it as written: nothing was broken
      }
      for (List<Pod> pods : split.byTranslation(t, g, byOwner)) {
        judge(t, g, pods, allows, ingressCandidate, egress, ingress);
      }
    }
    return new Found(egress, ingress, t.addressDependent());
  }

  /**
   * Whether a client on the node that owns the address gets the verdict of a client off it, so
   * that no pod needs judging apart for being there. The flow reads the client's node (section 2
   * of the policy model) in the translation step, in the backends when they are nodes to policy
   * (hostNetwork: host on their own node, remote-node elsewhere) or chosen by the client's node
   * ({@code internalTrafficPolicy: Local}), and, untranslated, in the address itself (host on its
   * node) and the next hop: so it holds when the frontend is translated alike on and off the
   * owning node now and once translated ({@link ServiceTranslation#sameOnOwningNode}) and its
   * backends are pods chosen alike for every client.
   */
  boolean ownNodeAlike(ServiceAddress sa, Service.ServicePort sp, Protocol protocol) {
    Optional<ServiceTranslation.Hit> hit =
        engine.frontendHit(sa.address(), sp.port(), protocol);
    if (hit.isEmpty() || hit.get().service().internalTrafficLocal() || groups.isEmpty()) {
      return false;
    }
    for (When when : When.values()) {
      if (!ServiceTranslation.sameOnOwningNode(hit.get(), settings(when))) {
        return false;
      }
    }
    return new TrapTarget(this, sa, sp, protocol).backendsAlikeForEveryClient();
  }

  /**
   * Whether no rule can tell the address and port from any other: no group has a CIDR/world allow
   * on the port and no backend admits CIDR/world sources, so there is nothing to judge.
   */
  boolean nothingToJudge(ServiceAddress sa, Service.ServicePort sp, Protocol protocol) {
    return !cache.anySender(senders(sp.port(), protocol)) && !admitsWorld(sa, sp, protocol);
  }

  /**
   * Whether a backend the address and port are translated to admits CIDR/world sources. It
   * depends on the Service translated to, its port and the family, not on which of its
   * addresses: asked once for all of them.
   */
  private boolean admitsWorld(ServiceAddress sa, Service.ServicePort sp, Protocol protocol) {
    BackendKey backendKey = new BackendKey(
        engine.frontendService(sa.address(), sp.port(), protocol).orElse(sa.service().key()),
        sp.port(), protocol, sa.address().isIPv4());
    Boolean admits = cache.admitsWorld(backendKey);
    if (admits == null) {
      admits = new TrapTarget(this, sa, sp, protocol).admitsWorld();
      cache.admitsWorld(backendKey, admits);
    }
    return admits;
  }

  /** A trap and the id of the source group it was found for. */
  record Entry(int group, Trap trap) {}

  /**
   * What a search at one address found: each side's traps by group, and whether some group was
   * judged on what only this address is (untranslated for clients off its node: the address
   * itself and the next hop that delivers it), so that the answer holds for no other address.
   */
  record Found(List<Entry> egress, List<Entry> ingress, boolean addressDependent) {
    static final Found NONE = new Found(List.of(), List.of(), false);

    List<Trap> traps() {
      List<Trap> out = new ArrayList<>(egress.size() + ingress.size());
      egress.forEach(e -> out.add(e.trap()));
      ingress.forEach(e -> out.add(e.trap()));
      return out;
    }
  }

  /** The entries whose CIDR/world peer covers the address: all of them, some, or none (null). */
  Allows covering(Allows all, Identity world) {
    int n = 0;
    for (PolicyEngine.AllowEntry e : all.entries()) {
      if (coversWorld(e, world)) {
        n++;
      }
    }
    if (n == all.entries().size()) {
      return all; // the common case shares one value with every trap of the group on this port
    }
    if (n == 0) {
      return null;
    }
    return Allows.of(all.entries().stream().filter(e -> coversWorld(e, world)).toList());
  }

  private boolean coversWorld(PolicyEngine.AllowEntry e, Identity world) {
    for (Peer p : e.entry().peers()) {
      if (WorldPeer.admits(p, world, settings(When.NOW))) {
        return true;
      }
    }
    return false;
  }

  private void judge(TrapTarget t, SourceGroup g, List<Pod> pods, Allows allows,
      boolean ingressCandidate, List<Entry> egressOut, List<Entry> ingressOut) {
    Pod source = pods.get(0);
    Identity src = identity(g, source);
    // The whole group is judged at once only off the address's node: only whether the node is
    // known matters then, known per group.
    Where where = pods == g.pods() ? new Where(false, onKnownNode[g.id()]) : t.where(source);
    Judgement j = judgement(t, g, where, source, src, ingressCandidate);
    if (j == null) {
      return;
    }
    if (allows != null) {
      boolean[] denyRule = new boolean[1];
      List<Destination> denied =
          verdicts.egressDenied(g, src, j.dests(), j.when(), t.protocol, denyRule);
      boolean[] laterDeny = new boolean[1];
      List<Destination> laterDenied =
          verdicts.egressDenied(g, src, j.later(), When.THEN, t.protocol, laterDeny);
      boolean egressActive = j.active();
      if (denied.isEmpty()) {
        // Denied now on the receiver's side only: latent on the sender's (IdentityTrap.of).
        denied = laterDenied;
        laterDenied = List.of();
        denyRule = laterDeny;
        egressActive = false;
      }
      if (!denied.isEmpty()) {
        egressOut.add(new Entry(g.id(), new Trap(j.dialled(), Direction.EGRESS, egressActive,
            pods, allows.policies(), denied, laterDenied, denyRule[0], allows.entries())));
      }
    }
    if (ingressCandidate) {
      Trap trap = ingressTrap(t, j, pods, src);
      if (trap != null) {
        ingressOut.add(new Entry(g.id(), trap));
      }
    }
  }

  /** The flow's verdict for the group's pods; null when it cannot be trapped. */
  private Judgement judgement(TrapTarget t, SourceGroup g, Where where, Pod source, Identity src,
      boolean ingressCandidate) {
    Translation now = t.translation(When.NOW, where, source);
    if (now.translated()) {
      List<Destination> dests = t.destinations(When.NOW, source);
      return new Judgement(dests, When.NOW, List.of(), List.of(), true,
          t.dialled(where, Judged.TRANSLATED_NOW, now, now, dests.size()), now);
    }
    List<Destination> itself = t.itself(where, source);
    Identity dst = itself.get(0).identity();
    // Untranslated, the next hop still delivers it to a backend whose ingress judges the flow
    // as it arrives (PolicyEngine.deliveredTo): allowed now only if those admit it too.
    boolean egressOk = dst.isPod()
        ? engine.allows(t.flow(source), settings(When.NOW))
        : verdicts.nodeDrop(g, src, dst, t.sp.port(), When.NOW, t.protocol) == 0;
    List<PolicyEngine.Delivered> delivered = List.of();
    // Only asked where it can change the answer: whether the flow is allowed now, or an
    // ingress trap at the delivered backends.
    if (egressOk || ingressCandidate) {
      delivered = engine.deliveredTo(t.flow(source), settings(When.NOW));
    }
    boolean allowedNow = egressOk && delivered.stream().allMatch(d -> d.ingressDrop() == 0);
    if (allowedNow && !latent) {
      return null;
    }
    Translation then = t.translation(When.THEN, where, source);
    List<Destination> later = then.translated() ? t.destinations(When.THEN, source) : List.of();
    if (!allowedNow) {
      return new Judgement(itself, When.NOW, later, delivered, true,
          t.dialled(where, Judged.DENIED_NOW, now, now, 1), now);
    }
    if (then.translated()) {
      return new Judgement(later, When.THEN, List.of(), delivered, false,
          t.dialled(where, Judged.LATENT, now, then, later.size()), now);
    }
    return null;
  }

  /** The ingress-side trap of the flow: receivers that drop the client but admit world. */
  private Trap ingressTrap(TrapTarget t, Judgement j, List<Pod> pods, Identity src) {
    Pod source = pods.get(0);
    Set<PolicyRef> policies = new LinkedHashSet<>();
    List<PolicyEngine.AllowEntry> entries = new ArrayList<>();
    boolean[] denyRule = new boolean[1];
    List<Destination> denied = j.active() && !j.now().translated() && !j.delivered().isEmpty()
        ? verdicts.deliveredDenied(j.delivered(), t.protocol, policies, entries, denyRule)
        : verdicts.receiverDenied(source, src, j.dests(), j.when(), t.protocol, policies,
            entries, denyRule);
    List<Destination> laterDenied = verdicts.receiverDenied(
        source, src, j.later(), When.THEN, t.protocol, policies, entries, denyRule);
    boolean receiverActive = j.active();
    if (denied.isEmpty() && !laterDenied.isEmpty()) {
      // Denied now on the sender's side only: the receiver's drop waits for the translation.
      denied = laterDenied;
      laterDenied = List.of();
      receiverActive = false;
    }
    if (denied.isEmpty()) {
      return null;
    }
    return new Trap(j.dialled(), Direction.INGRESS, receiverActive, pods,
        List.copyOf(policies), denied, laterDenied, denyRule[0], entries);
  }

  List<PolicyEngine.AllowEntry> worldAllows(Destination d, Direction dir, Protocol p) {
    return verdicts.worldAllows(d, dir, p);
  }

  @Override
  public int groupOf(Pod source) {
    return groupOfPod.get(source).id();
  }

  @Override
  public Object identityKey(Pod source) {
    SourceGroup own = identityOfPod.get(source);
    return own == null ? source : own;
  }

  @Override
  public List<Pod> podsOf(int group) {
    return byId[group].pods();
  }

  @Override
  public boolean onOwner(ServiceAddress address, Pod pod) {
    String owner = nodeOfAddress(address.address());
    return owner != null && owner.equals(pod.nodeName());
  }

  @Override
  public int onOwner(ServiceAddress address, List<Pod> pods) {
    String owner = nodeOfAddress(address.address());
    if (owner == null || pods.isEmpty()) {
      return 0;
    }
    SourceGroup g = byId[groupOf(pods.get(0))];
    List<Pod> on = g.byNode().getOrDefault(owner, List.of());
    if (pods == g.pods()) {
      return on.size();
    }
    if (pods.size() <= 4 * on.size()) {
      return Trap.Explainer.super.onOwner(address, pods);
    }
    // A large part of a class (tens of thousands of pods): its few pods on the node are looked
    // up in it instead.
    int n = 0;
    for (Pod p : on) {
      n += split.holds(pods, p) ? 1 : 0;
    }
    return n;
  }

  @Override
  public String explain(Trap trap) {
    Dialled d = trap.dialled();
    if (trap.direction() == Direction.EGRESS) {
      return Messages.egress(d.address(), d.servicePort(), d.protocol(), trap.entries(), d.used(),
          d.now(), explained(trap, d.used().translated() || !trap.active()), d.destinations(),
          trap.active(),
          settings(When.NOW));
    }
    return Messages.ingress(d.address(), d.servicePort(), d.protocol(), trap.entries(), d.used(),
        explained(trap, d.used().translated() || !trap.active()), trap.active(),
        settings(When.NOW));
  }

  /** The trap's destinations judged again for its first source, with every reason. */
  private List<DestinationVerdict> explained(Trap trap, boolean translated) {
    Pod source = trap.sources().get(0);
    Integer servicePort = translated ? trap.servicePort().port() : null;
    return trap.destinations().stream()
        .map(d -> engine.judge(source, d.identity(), d.port(), trap.protocol(), servicePort,
            settings(When.THEN), true))
        .toList();
  }

  /**
   * The CIDR/world allows of each source group on the port (null for none), by group id: only
   * groups with some can be trapped on the sender's side by an address on that port.
   */
  private Allows[] senders(int port, Protocol protocol) {
    return cache.senders(new PortKey(port, protocol), k -> {
      Allows[] by = new Allows[groups.size()];
      for (SourceGroup g : groups) {
        List<PolicyEngine.AllowEntry> e =
            verdicts.worldAllows(g.identity(), Direction.EGRESS, port, protocol, List.of());
        if (!e.isEmpty()) {
          by[g.id()] = Allows.of(e);
        }
      }
      return by;
    });
  }
}

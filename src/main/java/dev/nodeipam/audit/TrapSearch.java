package dev.nodeipam.audit;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PeerMatching;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Entity;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;

/**
 * The trap search of section 6: for every Service address and port and every group of source pods
 * sharing an identity, whether the policy reads as allowed (a CIDR/world peer covers the address)
 * while Cilium denies (egress side), or the backend admits only CIDR/world sources while it sees
 * the client as its pod (ingress side). Active under the given settings, or latent: allowed now,
 * denied once the address is translated.
 *
 * <p>Cost: a group is only judged for an address when its egress rules hold a CIDR/world allow
 * covering the address and port, or when the Service's backends admit CIDR/world sources; each
 * distinct backend identity is judged once per source identity, not once per replica, and only
 * the side in question is judged, without building explanations. What does not depend on the
 * source (translations, backend identities, the address's world identity) is worked out once per
 * address, and traps share it, so that a cluster with millions of trapped pairs stays small.
 */
final class TrapSearch implements Trap.Explainer {
  private static final int NOW = 0;
  private static final int THEN = 1;

  private record EntriesKey(Map<String, String> subject, Direction d, int port, Protocol protocol) {}

  /** The distinct backend identities of a Service port, or none when they depend on the viewer. */
  private record BackendSet(List<Destination> distinct, boolean viewerDependent) {}

  /** A sender's CIDR/world allow entries on a port, and the policies they come from. */
  private record Allows(List<PolicyEngine.AllowEntry> entries, List<PolicyRef> policies) {
    static Allows of(List<PolicyEngine.AllowEntry> entries) {
      // List.copyOf, not Stream.toList: traps copy lists that may hold nulls, and there are
      // millions of traps sharing these.
      return new Allows(List.copyOf(entries),
          List.copyOf(entries.stream().map(PolicyEngine.AllowEntry::policy).distinct().toList()));
    }
  }

  private final PolicyEngine engine;
  private final DatapathSettings[] settings;
  private final boolean latent;
  private final List<SourceGroup> groups;
  private final Map<String, String> nodeOfAddress = new HashMap<>();
  private final Map<EntriesKey, List<PolicyEngine.AllowEntry>> worldEntries =
      new ConcurrentHashMap<>();
  private final Map<List<Object>, Allows[]> senders = new ConcurrentHashMap<>();
  private final boolean[] onKnownNode;
  private final Map<List<Object>, List<Pod>> offOwner = new ConcurrentHashMap<>();
  private final WorldClasses worldClasses;
  private final Map<List<Object>, AtomicReferenceArray<Sender>> sendersByClass =
      new ConcurrentHashMap<>();
  private final Map<List<Object>, AtomicIntegerArray> perGroup = new ConcurrentHashMap<>();
  private final Map<List<Object>, Boolean> admitsWorld = new ConcurrentHashMap<>();
  private final Map<Allows[], Boolean> anySender =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  /**
   * What a source group's own rules say of one class of address on one port: whether they let it
   * dial the address read as world at all, and which CIDR/world allows cover it (null: none).
   */
  private record Sender(boolean dialsAsAddress, Allows allows) {}

  /**
   * @param translating the settings under which every frontend is translated (the same policy
   *     settings with per-packet translation at the pod)
   * @param latent whether to report flows allowed now that translation would deny
   */
  TrapSearch(
      PolicyEngine engine, DatapathSettings now, DatapathSettings translating, boolean latent) {
    this.engine = engine;
    this.settings = new DatapathSettings[] {now, translating};
    this.latent = latent;
    ClusterSnapshot snapshot = engine.snapshot();
    List<SourceGroup> all =
        new ArrayList<>(SourceGroup.of(snapshot.pods(), p -> engine.identityOf(p, now)));
    // Traps come out in this order: by source, with no sorting of millions of traps afterwards.
    all.sort(Comparator.comparing(g -> g.representative().key()));
    this.groups = List.copyOf(all);
    this.worldClasses = new WorldClasses(engine, now);
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

  private boolean knownNode(Pod p) {
    return p.nodeName() != null && engine.snapshot().node(p.nodeName()).isPresent();
  }

  int groupCount() {
    return groups.size();
  }

  /** By group id, whether the group holds one of the pods ({@code namespace/name}). */
  boolean[] groupsOf(java.util.Set<String> podKeys) {
    boolean[] out = new boolean[groups.size()];
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

  /**
   * One Service address and port, and what is the same for every client of it: where the address
   * is, its world identity, its translations and its backend identities, worked out on first use.
   * A target is searched by one thread, so its memos need no locking.
   */
  private final class Target {
    final ServiceAddress sa;
    final Service.ServicePort sp;
    final Protocol protocol;
    final String owner;
    final Identity world;
    final AtomicReferenceArray<Sender> senders;
    final Translation[] translations = new Translation[8];
    final Dialled[] dialled = new Dialled[12];
    final BackendSet[] sets = new BackendSet[2];
    final Object[] itself = new Object[4];

    Target(ServiceAddress sa, Service.ServicePort sp, Protocol protocol) {
      this.sa = sa;
      this.sp = sp;
      this.protocol = protocol;
      this.owner = nodeOfAddress.get(sa.address().toCanonicalString());
      WorldClasses.WorldClass c = worldClasses.of(sa.address());
      this.world = c.world();
      this.senders = sendersByClass.computeIfAbsent(List.of(c.id(), sp.port(), protocol),
          k -> new AtomicReferenceArray<>(groups.size()));
    }

    /** The group's rules on this class of address and port, judged once per class. */
    Sender sender(SourceGroup g, Allows all) {
      Sender known = senders.get(g.id());
      if (known == null) {
        Identity src = g.representative().hostNetwork()
            ? engine.identityOf(g.representative(), settings[NOW]) : g.identity();
        boolean dials = engine.egressDrop(src, world, sp.port(), protocol, settings[NOW]) == 0;
        known = new Sender(dials, all == null ? null : covering(all, world));
        senders.set(g.id(), known);
      }
      return known;
    }

    /**
     * The address as policy sees it when not translated, for clients of one {@code where}: a
     * node (host on its own node), a pod, or world. Shared by every trap of those clients.
     */
    @SuppressWarnings("unchecked")
    List<Destination> itself(int where, Pod source) {
      if (itself[where] == null) {
        Identity dst = engine.identityOfAddress(sa.address(), source.nodeName(), settings[NOW]);
        itself[where] = List.of(new Destination(dst, sp.port()));
      }
      return (List<Destination>) itself[where];
    }

    Flow flow(Pod source) {
      return new Flow(source, sa.address(), sp.port(), protocol);
    }

    /** The translation depends on the client only through its node: on the address's or not. */
    int where(Pod source) {
      boolean onOwner = owner != null && owner.equals(source.nodeName());
      return (onOwner ? 1 : 0) | (knownNode(source) ? 2 : 0);
    }

    Translation translation(int when, int where, Pod source) {
      int i = when * 4 + where;
      if (translations[i] == null) {
        translations[i] = engine.translation(flow(source), settings[when]);
      }
      return translations[i];
    }

    /** The shared description of the flow for one kind of verdict ({@code kind} 0 to 2). */
    Dialled dialled(int where, int kind, Translation now, Translation used, int n) {
      int i = where * 3 + kind;
      Dialled d = dialled[i];
      if (d == null || d.destinations() != n) {
        d = new Dialled(sa, sp, protocol, now, used, n, TrapSearch.this);
        dialled[i] = d;
      }
      return d;
    }

    /** The backend identities once translated, judged for {@code source} if they depend on it. */
    List<Destination> destinations(int when, Pod source) {
      BackendSet set = backendSet(when, source);
      if (!set.viewerDependent()) {
        return set.distinct();
      }
      return distinct(engine.verdict(flow(source), settings[when]).destinations());
    }

    /** The frontend's backends: the Service the datapath translates this address and port to. */
    BackendSet backendSet(int when, Pod source) {
      BackendSet known = sets[when];
      if (known != null) {
        return known;
      }
      Verdict v = engine.verdict(flow(source), settings[when]);
      if (!v.translation().translated()) {
        return new BackendSet(List.of(), false); // not translated for this client: ask later
      }
      boolean dependent = v.destinations().stream().anyMatch(d -> !d.identity().isPod());
      known = new BackendSet(distinct(v.destinations()), dependent);
      sets[when] = known;
      return known;
    }

    /** Whether some backend admits CIDR/world sources on its targetPort. */
    boolean admitsWorld() {
      // Under the translating settings every frontend but ipMode Proxy is translated for everyone.
      if (groups.isEmpty()) {
        return false;
      }
      for (Destination d : backendSet(THEN, groups.get(0).representative()).distinct()) {
        if (d.identity().isPod() && !worldAllows(d, Direction.INGRESS, protocol).isEmpty()) {
          return true;
        }
      }
      return false;
    }
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
    Allows[] senders = senders(sp.port(), protocol);
    // Whether backends admit CIDR/world sources depends on the Service translated to, its port
    // and the family, not on which of its addresses: asked once for all of them.
    List<Object> backendKey = List.of(
        engine.frontendService(sa.address(), sp.port(), protocol).orElse(sa.service().key()),
        sp.port(), protocol, sa.address().isIPv4());
    Boolean admits = admitsWorld.get(backendKey);
    if (admits != null && !admits && !anySender(senders)) {
      return List.of(); // no rule can tell this address from any other: nothing to judge
    }
    Target t = new Target(sa, sp, protocol);
    if (admits == null) {
      admits = t.admitsWorld();
      admitsWorld.put(backendKey, admits);
    }
    boolean ingressCandidate = admits;
    List<Trap> egress = new ArrayList<>();
    List<Trap> ingress = new ArrayList<>();
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
      if (g.representative().hostNetwork()) {
        for (List<Pod> onNode : g.byNode().values()) {
          judge(t, g, onNode, t.where(onNode.get(0)), allows, ingressCandidate, egress, ingress);
        }
        continue;
      }
      List<Pod> on = t.owner == null ? null : g.byNode().get(t.owner);
      if (on == null) {
        // Not on the address's node: only whether the node is known matters, known per group.
        int where = onKnownNode[g.id()] ? 2 : 0;
        judge(t, g, g.pods(), where, allows, ingressCandidate, egress, ingress);
      } else {
        // An address of a node: translated (socket LB) and host for clients on that node only.
        judge(t, g, on, t.where(on.get(0)), allows, ingressCandidate, egress, ingress);
        if (on.size() < g.pods().size()) {
          List<Pod> off = offOwner.computeIfAbsent(List.of(g.id(), t.owner),
              k -> List.copyOf(
                  g.pods().stream().filter(p -> !t.owner.equals(p.nodeName())).toList()));
          judge(t, g, off, t.where(off.get(0)), allows, ingressCandidate, egress, ingress);
        }
      }
    }
    egress.addAll(ingress);
    return egress;
  }

  private boolean anySender(Allows[] senders) {
    return anySender.computeIfAbsent(senders,
        a -> java.util.Arrays.stream(a).anyMatch(java.util.Objects::nonNull));
  }

  /** The entries whose CIDR/world peer covers the address: all of them, some, or none (null). */
  private Allows covering(Allows all, Identity world) {
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
      if (isWorldPeer(p) && PeerMatching.matches(p, world, settings[NOW])) {
        return true;
      }
    }
    return false;
  }

  private void judge(
      Target t, SourceGroup g, List<Pod> pods, int where, Allows allows,
      boolean ingressCandidate, List<Trap> egressOut, List<Trap> ingressOut) {
    Pod source = pods.get(0);
    Identity src = source.hostNetwork() ? engine.identityOf(source, settings[NOW]) : g.identity();
    Translation now = t.translation(NOW, where, source);
    List<Destination> dests;
    int destsWhen;
    List<Destination> later = List.of();
    List<PolicyEngine.Delivered> delivered = List.of();
    boolean active;
    Dialled dialled;
    if (now.translated()) {
      dests = t.destinations(NOW, source);
      destsWhen = NOW;
      active = true;
      dialled = t.dialled(where, 0, now, now, dests.size());
    } else {
      List<Destination> itself = t.itself(where, source);
      Identity dst = itself.get(0).identity();
      // Untranslated, the next hop still delivers it to a backend whose ingress judges the flow
      // as it arrives (PolicyEngine.deliveredTo): allowed now only if those admit it too.
      boolean egressOk = dst.isPod()
          ? engine.allows(t.flow(source), settings[NOW])
          : nodeDrop(g, src, dst, t.sp.port(), NOW, t) == 0;
      // Only asked where it can change the answer: whether the flow is allowed now, or an
      // ingress trap at the delivered backends.
      if (egressOk || ingressCandidate) {
        delivered = engine.deliveredTo(t.flow(source), settings[NOW]);
      }
      boolean allowedNow = egressOk && delivered.stream().allMatch(d -> d.ingressDrop() == 0);
      if (allowedNow && !latent) {
        return;
      }
      Translation then = t.translation(THEN, where, source);
      if (then.translated()) {
        later = t.destinations(THEN, source);
      }
      if (!allowedNow) {
        dests = itself;
        destsWhen = NOW;
        active = true;
        dialled = t.dialled(where, 1, now, now, 1);
      } else if (then.translated()) {
        dests = later;
        destsWhen = THEN;
        later = List.of();
        active = false;
        dialled = t.dialled(where, 2, now, then, dests.size());
      } else {
        return;
      }
    }
    if (allows != null) {
      boolean[] denyRule = new boolean[1];
      List<Destination> denied = egressDenied(g, src, dests, destsWhen, t, denyRule);
      if (!denied.isEmpty()) {
        List<Destination> laterDenied = egressDenied(g, src, later, THEN, t, new boolean[1]);
        egressOut.add(new Trap(dialled, Direction.EGRESS, active, pods, allows.policies(),
            denied, laterDenied, denyRule[0], allows.entries()));
      }
    }
    if (ingressCandidate) {
      Set<PolicyRef> policies = new LinkedHashSet<>();
      List<PolicyEngine.AllowEntry> entries = new ArrayList<>();
      boolean[] denyRule = new boolean[1];
      List<Destination> denied = active && !now.translated() && !delivered.isEmpty()
          ? deliveredDenied(delivered, t.protocol, policies, entries, denyRule)
          : receiverDenied(source, src, dests, destsWhen, t.protocol, policies, entries,
              denyRule);
      List<Destination> laterDenied =
          receiverDenied(source, src, later, THEN, t.protocol, policies, entries, denyRule);
      boolean receiverActive = active;
      if (denied.isEmpty() && !laterDenied.isEmpty()) {
        // Denied now on the sender's side only: the receiver's drop waits for the translation.
        denied = laterDenied;
        laterDenied = List.of();
        receiverActive = false;
      }
      if (!denied.isEmpty()) {
        ingressOut.add(new Trap(dialled, Direction.INGRESS, receiverActive, pods,
            List.copyOf(policies), denied, laterDenied, denyRule[0], entries));
      }
    }
  }

  /** The destinations the sender's egress denies; the list itself when it denies them all. */
  private List<Destination> egressDenied(SourceGroup g, Identity src, List<Destination> dests,
      int when, Target t, boolean[] denyRule) {
    List<Destination> denied = null;
    for (int i = 0; i < dests.size(); i++) {
      Destination d = dests.get(i);
      int drop = d.identity().isPod() ? podDrop(g, src, d, when, t)
          : d.identity().isNode() ? nodeDrop(g, src, d.identity(), d.port(), when, t)
          : engine.egressDrop(src, d.identity(), d.port(), t.protocol, settings[when]);
      denyRule[0] |= drop == DropReason.POLICY_DENY;
      if (drop == 0 && denied == null) {
        denied = new ArrayList<>(dests.subList(0, i));
      } else if (drop != 0 && denied != null) {
        denied.add(d);
      }
    }
    return denied == null ? dests : denied;
  }

  /**
   * The sender's egress verdict for a backend pod. Most senders are default-deny with no entry on
   * the port that a pod can match: for them every backend is dropped alike, known per port
   * without judging each backend.
   */
  private int podDrop(SourceGroup g, Identity src, Destination d, int when, Target t) {
    AtomicIntegerArray every = memo("every pod", d.port(), t.protocol, when);
    int known = every.get(g.id());
    if (known == 0) {
      known = engine.egressDeniesEveryPod(src, d.port(), t.protocol, settings[when]) ? 1 : 2;
      every.set(g.id(), known);
    }
    return known == 1
        ? DropReason.POLICY_DENIED
        : engine.egressDrop(src, d.identity(), d.port(), t.protocol, settings[when]);
  }

  /**
   * The sender's egress verdict for a node (or any address policy does not see as a pod): the
   * same for every node of an identity kind unless CIDR rules match nodes by address.
   */
  private int nodeDrop(SourceGroup g, Identity src, Identity dst, int port, int when, Target t) {
    if (!dst.isNode() || settings[when].cidrMatchesNodes()) {
      return engine.egressDrop(src, dst, port, t.protocol, settings[when]);
    }
    AtomicIntegerArray drops = memo(List.of(dst.kind(), dst.reserved()), port, t.protocol, when);
    int known = drops.get(g.id());
    if (known == 0) {
      known = 1 + engine.egressDrop(src, dst, port, t.protocol, settings[when]);
      drops.set(g.id(), known);
    }
    return known - 1;
  }

  /** One small number per source group, for one question asked of every group. */
  private AtomicIntegerArray memo(Object question, int port, Protocol protocol, int when) {
    return perGroup.computeIfAbsent(List.of(question, port, protocol, when),
        k -> new AtomicIntegerArray(groups.size()));
  }

  /**
   * The backends the next hop delivered an untranslated address to whose ingress denies the flow
   * as it arrives while admitting CIDR/world sources.
   */
  private List<Destination> deliveredDenied(List<PolicyEngine.Delivered> delivered,
      Protocol protocol, Set<PolicyRef> policies, List<PolicyEngine.AllowEntry> entries,
      boolean[] denyRule) {
    Map<List<Object>, Destination> denied = new LinkedHashMap<>();
    for (PolicyEngine.Delivered d : delivered) {
      // Masqueraded to a node, the flow arrives as that node, not as the client: no rule about
      // the client's identity was broken (and no companion for it could help).
      if (d.ingressDrop() == 0 || d.arriving().isNode()) {
        continue;
      }
      Destination at = new Destination(d.backend(), d.port());
      List<PolicyEngine.AllowEntry> admits = worldAllows(at, Direction.INGRESS, protocol);
      if (!admits.isEmpty()
          && denied.putIfAbsent(List.of(d.backend().labels(), d.port()), at) == null) {
        denyRule[0] |= d.ingressDrop() == DropReason.POLICY_DENY;
        admits.forEach(a -> policies.add(a.policy()));
        entries.addAll(admits);
      }
    }
    return List.copyOf(denied.values());
  }

  /** The pod destinations whose ingress denies the client while admitting CIDR/world sources. */
  private List<Destination> receiverDenied(
      Pod source, Identity src, List<Destination> dests, int when, Protocol protocol,
      Set<PolicyRef> policies, List<PolicyEngine.AllowEntry> entries, boolean[] denyRule) {
    List<Destination> denied = new ArrayList<>();
    for (Destination d : dests) {
      if (!d.identity().isPod()) {
        continue;
      }
      int drop = engine.ingressDrop(source, src, d.identity(), d.port(), protocol, settings[when]);
      if (drop == 0) {
        continue;
      }
      List<PolicyEngine.AllowEntry> admits = worldAllows(d, Direction.INGRESS, protocol);
      if (!admits.isEmpty()) {
        denied.add(d);
        denyRule[0] |= drop == DropReason.POLICY_DENY;
        admits.forEach(a -> policies.add(a.policy()));
        entries.addAll(admits);
      }
    }
    return denied;
  }

  @Override
  public String explain(Trap trap) {
    Dialled d = trap.dialled();
    if (trap.direction() == Direction.EGRESS) {
      return Messages.egress(d.address(), d.servicePort(), d.protocol(), trap.entries(), d.used(),
          d.now(), explained(trap, d.used().translated()), d.destinations(), trap.active());
    }
    return Messages.ingress(d.address(), d.servicePort(), d.protocol(), trap.entries(), d.used(),
        explained(trap, d.used().translated() || !trap.active()), trap.active());
  }

  /** The trap's destinations judged again for its first source, with every reason. */
  private List<DestinationVerdict> explained(Trap trap, boolean translated) {
    Pod source = trap.sources().get(0);
    Integer servicePort = translated ? trap.servicePort().port() : null;
    return trap.destinations().stream()
        .map(d -> engine.judge(source, d.identity(), d.port(), trap.protocol(), servicePort,
            settings[THEN], true))
        .toList();
  }

  /**
   * The CIDR/world allows of each source group on the port (null for none), by group id: only
   * groups with some can be trapped on the sender's side by an address on that port.
   */
  private Allows[] senders(int port, Protocol protocol) {
    return senders.computeIfAbsent(List.of(port, protocol), k -> {
      Allows[] by = new Allows[groups.size()];
      for (SourceGroup g : groups) {
        List<PolicyEngine.AllowEntry> e =
            worldAllows(g.identity(), Direction.EGRESS, port, protocol, List.of());
        if (!e.isEmpty()) {
          by[g.id()] = Allows.of(e);
        }
      }
      return by;
    });
  }

  /** One destination per (identity, port): replicas share the verdict. */
  private static List<Destination> distinct(List<DestinationVerdict> all) {
    Map<List<Object>, Destination> out = new LinkedHashMap<>();
    for (DestinationVerdict d : all) {
      Object who = d.identity().isPod() ? d.identity().labels() : d.endpoint();
      out.putIfAbsent(List.of(who, d.port()), new Destination(d.identity(), d.port()));
    }
    return List.copyOf(out.values());
  }

  private List<PolicyEngine.AllowEntry> worldAllows(Destination d, Direction dir, Protocol p) {
    return worldAllows(d.identity(), dir, d.port(), p, d.identity().pod().ports());
  }

  /** The allow entries of the subject on the port that have a CIDR or world peer. */
  private List<PolicyEngine.AllowEntry> worldAllows(
      Identity subject, Direction d, int port, Protocol protocol, List<Pod.ContainerPort> ports) {
    if (!subject.isPod()) {
      return List.of();
    }
    return worldEntries.computeIfAbsent(new EntriesKey(subject.labels(), d, port, protocol),
        k -> engine.allowEntriesCovering(subject, d, port, protocol, ports, settings[0]).stream()
            .filter(e -> e.entry().peers().stream().anyMatch(TrapSearch::isWorldPeer))
            .collect(Collectors.toUnmodifiableList()));
  }

  /** A peer that names addresses as the outside world: a CIDR, or the world entity. */
  static boolean isWorldPeer(Peer p) {
    if (p instanceof Peer.Cidr) {
      return true;
    }
    return p instanceof Peer.Entities e
        && (e.entity() == Entity.WORLD || e.entity() == Entity.WORLD_IPV4
            || e.entity() == Entity.WORLD_IPV6);
  }
}

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * distinct backend identity is judged once per source identity, not once per replica.
 */
final class TrapSearch {
  private record BackendsKey(String service, int port, Protocol protocol, boolean ipv4) {}

  private record JudgeKey(int group, String node, Map<String, String> destination, int port,
      Protocol protocol) {}

  private record AddressKey(int group, String node, Identity.Kind kind, Object owner,
      Map<String, String> labels, String address, int port, Protocol protocol) {}

  private record EntriesKey(Map<String, String> subject, Direction d, int port, Protocol protocol) {}

  /** The distinct backend identities of a Service port, or null when they depend on the viewer. */
  private record BackendSet(List<DestinationVerdict> distinct, boolean viewerDependent) {}

  private final PolicyEngine engine;
  private final DatapathSettings now;
  private final DatapathSettings translating;
  private final boolean latent;
  private final List<SourceGroup> groups;
  private final Map<String, String> nodeOfAddress = new java.util.HashMap<>();
  private final Map<BackendsKey, BackendSet> backends = new ConcurrentHashMap<>();
  private final Map<JudgeKey, DestinationVerdict> judged = new ConcurrentHashMap<>();
  private final Map<EntriesKey, List<PolicyEngine.AllowEntry>> worldEntries =
      new ConcurrentHashMap<>();
  private final Map<AddressKey, DestinationVerdict> untranslated = new ConcurrentHashMap<>();
  private final Map<List<Object>, Map<SourceGroup, List<PolicyEngine.AllowEntry>>> senders =
      new ConcurrentHashMap<>();
  private final Map<List<Object>, List<Pod>> offOwner = new ConcurrentHashMap<>();

  /**
   * @param translating the settings under which every frontend is translated (the same policy
   *     settings with per-packet translation at the pod)
   * @param latent whether to report flows allowed now that translation would deny
   */
  TrapSearch(
      PolicyEngine engine, DatapathSettings now, DatapathSettings translating, boolean latent) {
    this.engine = engine;
    this.now = now;
    this.translating = translating;
    this.latent = latent;
    ClusterSnapshot snapshot = engine.snapshot();
    this.groups = SourceGroup.of(snapshot.pods(), p -> engine.identityOf(p, now));
    for (Node n : snapshot.nodes()) {
      for (Node.NodeAddress a : n.addresses()) {
        String c = IpText.canonical(a.address());
        if (c != null) {
          nodeOfAddress.putIfAbsent(c, n.name());
        }
      }
    }
  }

  int groupCount() {
    return groups.size();
  }

  /** Every trap at one address and port. */
  List<Trap> at(ServiceAddress sa, Service.ServicePort sp) {
    Protocol protocol = Protocol.parse(sp.protocol() == null ? "TCP" : sp.protocol());
    if (protocol == null) {
      return List.of();
    }
    String owner = nodeOfAddress.get(sa.address().toCanonicalString());
    boolean ingressCandidate = admitsWorld(sa, sp, protocol);
    Identity world = engine.worldIdentity(sa.address(), now);
    Map<SourceGroup, List<PolicyEngine.AllowEntry>> senders = senders(sp.port(), protocol);
    Map<List<Object>, Translation> translations = new java.util.HashMap<>();
    List<Trap> out = new ArrayList<>();
    for (SourceGroup g : ingressCandidate ? groups : senders.keySet()) {
      List<PolicyEngine.AllowEntry> all = senders.getOrDefault(g, List.of());
      List<PolicyEngine.AllowEntry> allows = all.stream()
          .filter(e -> e.entry().peers().stream()
              .anyMatch(p -> isWorldPeer(p) && PeerMatching.matches(p, world, now)))
          .toList();
      if (allows.size() == all.size()) {
        allows = all; // share the cached list: traps are many, memory per trap must stay small
      }
      if (allows.isEmpty() && !ingressCandidate) {
        continue;
      }
      if (g.representative().hostNetwork()) {
        for (Map.Entry<String, List<Pod>> e : g.byNode().entrySet()) {
          judge(g, e.getKey(), e.getValue(), sa, sp, protocol, allows, ingressCandidate, translations, out);
        }
      } else if (owner != null) {
        // An address of a node: translated (socket LB) and host for clients on that node only.
        List<Pod> on = g.byNode().getOrDefault(owner, List.of());
        if (!on.isEmpty()) {
          judge(g, owner, on, sa, sp, protocol, allows, ingressCandidate, translations, out);
        }
        if (on.size() < g.pods().size()) {
          List<Pod> off = offOwner.computeIfAbsent(List.of(g.id(), owner),
              k -> g.pods().stream().filter(p -> !owner.equals(p.nodeName())).toList());
          judge(g, null, off, sa, sp, protocol, allows, ingressCandidate, translations, out);
        }
      } else {
        judge(g, null, g.pods(), sa, sp, protocol, allows, ingressCandidate, translations, out);
      }
    }
    return out;
  }

  private void judge(
      SourceGroup g, String node, List<Pod> pods, ServiceAddress sa, Service.ServicePort sp,
      Protocol protocol, List<PolicyEngine.AllowEntry> allows, boolean ingressCandidate,
      Map<List<Object>, Translation> translations, List<Trap> out) {
    Pod source = pods.get(0);
    Flow flow = new Flow(source, sa.address(), sp.port(), protocol);
    if (!engine.allowsAsAddress(flow, now)) {
      return; // the source could never dial it as written: nothing was broken
    }
    // The translation depends on the client only through its node: on the address's node or not.
    List<Object> where = List.of(String.valueOf(source.nodeName()).equals(
        nodeOfAddress.get(sa.address().toCanonicalString())),
        source.nodeName() != null && engine.snapshot().node(source.nodeName()).isPresent());
    Translation t = translations.computeIfAbsent(List.of("now", where),
        k -> engine.translation(flow, now));
    List<DestinationVerdict> dests;
    List<DestinationVerdict> later = List.of();
    boolean active;
    Translation used;
    if (t.translated()) {
      dests = destinations(g, node, source, sa, sp, protocol, now);
      active = true;
      used = t;
    } else {
      boolean allowedNow = engine.allows(flow, now);
      if (allowedNow && !latent) {
        return;
      }
      Translation then = translations.computeIfAbsent(List.of("then", where),
          k -> engine.translation(flow, translating));
      if (then.translated()) {
        later = destinations(g, node, source, sa, sp, protocol, translating);
      }
      if (!allowedNow) {
        dests = List.of(untranslatedDestination(g, source, sa, sp, protocol));
        active = true;
        used = t;
      } else if (latent && then.translated()) {
        dests = later;
        later = List.of();
        active = false;
        used = then;
      } else {
        return;
      }
    }
    if (!allows.isEmpty()) {
      List<DestinationVerdict> denied = dests.stream().filter(d -> !d.egress().allowed()).toList();
      if (!denied.isEmpty()) {
        List<PolicyRef> policies =
            allows.stream().map(PolicyEngine.AllowEntry::policy).distinct().toList();
        boolean denyRule = denied.stream()
            .anyMatch(d -> Integer.valueOf(DropReason.POLICY_DENY).equals(d.egress().dropReason()));
        List<DestinationVerdict> laterDenied =
            later.stream().filter(d -> !d.egress().allowed()).toList();
        out.add(new Trap(Direction.EGRESS, active, sa, sp, protocol, pods, policies, denied,
            laterDenied, denyRule,
            lazyEgress(sa, sp, protocol, allows, used, t, explained(source, denied, sp, protocol,
                used.translated()), dests.size(), active)));
      }
    }
    if (ingressCandidate) {
      Set<PolicyRef> policies = new LinkedHashSet<>();
      List<PolicyEngine.AllowEntry> entries = new ArrayList<>();
      List<DestinationVerdict> denied = receiverDenied(dests, protocol, policies, entries);
      List<DestinationVerdict> laterDenied = receiverDenied(later, protocol, policies, entries);
      boolean receiverActive = active;
      if (denied.isEmpty() && !laterDenied.isEmpty()) {
        // Denied now on the sender's side only: the receiver's drop waits for the translation.
        denied = laterDenied;
        laterDenied = List.of();
        receiverActive = false;
      }
      if (!denied.isEmpty()) {
        boolean denyRule = denied.stream()
            .anyMatch(d -> Integer.valueOf(DropReason.POLICY_DENY).equals(d.ingress().dropReason()));
        boolean a = receiverActive;
        List<DestinationVerdict> quiet = denied;
        Translation u = used;
        java.util.function.Supplier<List<DestinationVerdict>> ds =
            explained(source, quiet, sp, protocol, u.translated() || !a);
        out.add(new Trap(Direction.INGRESS, a, sa, sp, protocol, pods, List.copyOf(policies),
            denied, laterDenied, denyRule,
            new Lazy(() -> Messages.ingress(sa, sp, protocol, entries, used, ds.get(), a))));
      }
    }
  }

  private static Lazy lazyEgress(
      ServiceAddress sa, Service.ServicePort sp, Protocol protocol,
      List<PolicyEngine.AllowEntry> allows, Translation used, Translation now,
      java.util.function.Supplier<List<DestinationVerdict>> denied, int destinations,
      boolean active) {
    return new Lazy(() ->
        Messages.egress(sa, sp, protocol, allows, used, now, denied.get(), destinations, active));
  }

  /** The destinations judged again with every reason, for the message (built on demand). */
  private java.util.function.Supplier<List<DestinationVerdict>> explained(
      Pod source, List<DestinationVerdict> quiet, Service.ServicePort sp, Protocol protocol,
      boolean translated) {
    return () -> quiet.stream()
        .map(d -> engine.judge(source, d.identity(), d.port(), protocol,
            translated ? Integer.valueOf(sp.port()) : null, translating, true))
        .toList();
  }

  /**
   * The address itself as the destination, judged once per source identity and destination
   * identity (the address only counts where a CIDR rule can match it).
   */
  private DestinationVerdict untranslatedDestination(
      SourceGroup g, Pod source, ServiceAddress sa, Service.ServicePort sp, Protocol protocol) {
    Identity dst = engine.identityOfAddress(sa.address(), source.nodeName(), now);
    boolean addressMatters = dst.isWorld() || (dst.isNode() && now.cidrMatchesNodes());
    AddressKey key = new AddressKey(g.id(),
        source.hostNetwork() ? String.valueOf(source.nodeName()) : null, dst.kind(),
        // host/remote-node judge alike whatever the node (reserved labels only)
        dst.isNode() ? dst.reserved() : dst.isPod() ? dst.pod().key() : null,
        dst.isPod() ? dst.labels() : null,
        addressMatters ? sa.address().toCanonicalString() : null, sp.port(), protocol);
    return untranslated.computeIfAbsent(key,
        k -> engine.judge(source, dst, sp.port(), protocol, null, now, false));
  }

  /** The pod destinations whose ingress denies the client while admitting CIDR/world sources. */
  private List<DestinationVerdict> receiverDenied(
      List<DestinationVerdict> dests, Protocol protocol, Set<PolicyRef> policies,
      List<PolicyEngine.AllowEntry> entries) {
    List<DestinationVerdict> denied = new ArrayList<>();
    for (DestinationVerdict d : dests) {
      if (d.ingress().allowed() || !d.identity().isPod()) {
        continue;
      }
      List<PolicyEngine.AllowEntry> admits = worldAllows(
          d.identity(), Direction.INGRESS, d.port(), protocol, d.identity().pod().ports());
      if (!admits.isEmpty()) {
        denied.add(d);
        admits.forEach(a -> policies.add(a.policy()));
        entries.addAll(admits);
      }
    }
    return denied;
  }

  /**
   * The source groups whose egress rules hold a CIDR/world allow on the port, with those entries:
   * the only ones an address on that port can trap on the sender's side.
   */
  private Map<SourceGroup, List<PolicyEngine.AllowEntry>> senders(int port, Protocol protocol) {
    return senders.computeIfAbsent(List.of(port, protocol), k -> {
      Map<SourceGroup, List<PolicyEngine.AllowEntry>> m = new java.util.LinkedHashMap<>();
      for (SourceGroup g : groups) {
        List<PolicyEngine.AllowEntry> e =
            worldAllows(g.identity(), Direction.EGRESS, port, protocol, List.of());
        if (!e.isEmpty()) {
          m.put(g, e);
        }
      }
      return m;
    });
  }

  /**
   * The destinations of a translated flow, one per distinct backend identity and port, judged for
   * the source group (replicas share the answer).
   */
  private List<DestinationVerdict> destinations(
      SourceGroup g, String node, Pod source, ServiceAddress sa, Service.ServicePort sp,
      Protocol protocol, DatapathSettings s) {
    BackendSet set = backendSet(source, sa, sp, protocol, s);
    if (set.viewerDependent()) {
      return distinct(engine.verdict(new Flow(source, sa.address(), sp.port(), protocol), s)
          .destinations());
    }
    List<DestinationVerdict> out = new ArrayList<>(set.distinct().size());
    String nodeKey = source.hostNetwork() ? String.valueOf(source.nodeName()) : null;
    for (DestinationVerdict b : set.distinct()) {
      JudgeKey key = new JudgeKey(g.id(), nodeKey, b.identity().labels(), b.port(), protocol);
      out.add(judged.computeIfAbsent(key,
          k -> engine.judge(source, b.identity(), b.port(), protocol, sp.port(), s, false)));
    }
    return out;
  }

  private BackendSet backendSet(
      Pod source, ServiceAddress sa, Service.ServicePort sp, Protocol protocol, DatapathSettings s) {
    BackendsKey key = new BackendsKey(sa.service().key(), sp.port(), protocol, sa.address().isIPv4());
    BackendSet known = backends.get(key);
    if (known != null) {
      return known;
    }
    Verdict v = engine.verdict(new Flow(source, sa.address(), sp.port(), protocol), s);
    if (!v.translation().translated()) {
      return new BackendSet(List.of(), false); // not translated for this client: ask again later
    }
    boolean dependent = v.destinations().stream().anyMatch(d -> !d.identity().isPod());
    BackendSet set = new BackendSet(distinct(v.destinations()), dependent);
    backends.putIfAbsent(key, set);
    return set;
  }

  /** One destination per (identity, port): replicas share the verdict. */
  private static List<DestinationVerdict> distinct(List<DestinationVerdict> all) {
    Map<List<Object>, DestinationVerdict> out = new java.util.LinkedHashMap<>();
    for (DestinationVerdict d : all) {
      Object who = d.identity().isPod() ? d.identity().labels() : d.endpoint();
      out.putIfAbsent(List.of(who, d.port()), d);
    }
    return List.copyOf(out.values());
  }

  /** Whether some backend of the Service port admits CIDR/world sources on its targetPort. */
  private boolean admitsWorld(ServiceAddress sa, Service.ServicePort sp, Protocol protocol) {
    // Under the translating settings every frontend but ipMode Proxy is translated for everyone.
    if (groups.isEmpty()) {
      return false;
    }
    BackendSet set = backendSet(groups.get(0).representative(), sa, sp, protocol, translating);
    for (DestinationVerdict d : set.distinct()) {
      if (d.identity().isPod()
          && !worldAllows(d.identity(), Direction.INGRESS, d.port(), protocol,
              d.identity().pod().ports()).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** The allow entries of the subject on the port that have a CIDR or world peer. */
  private List<PolicyEngine.AllowEntry> worldAllows(
      Identity subject, Direction d, int port, Protocol protocol, List<Pod.ContainerPort> ports) {
    if (!subject.isPod()) {
      return List.of();
    }
    return worldEntries.computeIfAbsent(new EntriesKey(subject.labels(), d, port, protocol),
        k -> engine.allowEntriesCovering(subject, d, port, protocol, ports).stream()
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

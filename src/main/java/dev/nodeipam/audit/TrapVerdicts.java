package dev.nodeipam.audit;

import dev.nodeipam.audit.TrapCache.EntriesKey;
import dev.nodeipam.audit.TrapCache.EveryPodKey;
import dev.nodeipam.audit.TrapCache.NodeDropKey;
import dev.nodeipam.audit.TrapCache.When;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The sides' verdicts the trap search asks for, without explanations: which destinations a
 * sender's egress denies and which receivers drop a client while admitting CIDR/world sources,
 * memoized in the search's {@link TrapCache} where many groups or addresses ask the same.
 */
final class TrapVerdicts {
  /** A backend identity and port, as distinct receivers of a delivered flow. */
  private record Receiver(Map<String, String> labels, int port) {}

  private final PolicyEngine engine;
  private final DatapathSettings now;
  private final DatapathSettings then;
  private final TrapCache cache;

  TrapVerdicts(PolicyEngine engine, DatapathSettings now, DatapathSettings then, TrapCache cache) {
    this.engine = engine;
    this.now = now;
    this.then = then;
    this.cache = cache;
  }

  DatapathSettings settings(When when) {
    return when == When.NOW ? now : then;
  }

  /** The destinations the sender's egress denies; the list itself when it denies them all. */
  List<Destination> egressDenied(SourceGroup g, Identity src, List<Destination> dests,
      When when, Protocol protocol, boolean[] denyRule) {
    List<Destination> denied = null;
    for (int i = 0; i < dests.size(); i++) {
      Destination d = dests.get(i);
      int drop = d.identity().isPod() ? podDrop(g, src, d, when, protocol)
          : d.identity().isNode() ? nodeDrop(g, src, d.identity(), d.port(), when, protocol)
          : engine.egressDrop(src, d.identity(), d.port(), protocol, settings(when));
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
  private int podDrop(SourceGroup g, Identity src, Destination d, When when, Protocol protocol) {
    AtomicIntegerArray every = cache.everyPod(new EveryPodKey(d.port(), protocol, when));
    int known = every.get(g.id());
    if (known == 0) {
      known = engine.egressDeniesEveryPod(src, d.port(), protocol, settings(when)) ? 1 : 2;
      every.set(g.id(), known);
    }
    return known == 1
        ? DropReason.POLICY_DENIED
        : engine.egressDrop(src, d.identity(), d.port(), protocol, settings(when));
  }

  /**
   * The sender's egress verdict for a node (or any address policy does not see as a pod): the
   * same for every node of an identity kind unless CIDR rules match nodes by address.
   */
  int nodeDrop(SourceGroup g, Identity src, Identity dst, int port, When when,
      Protocol protocol) {
    DatapathSettings s = settings(when);
    if (!dst.isNode() || s.cidrMatchesNodes()) {
      return engine.egressDrop(src, dst, port, protocol, s);
    }
    AtomicIntegerArray drops =
        cache.nodeDrops(new NodeDropKey(dst.kind(), dst.reserved(), port, protocol, when));
    int known = drops.get(g.id());
    if (known == 0) {
      known = 1 + engine.egressDrop(src, dst, port, protocol, s);
      drops.set(g.id(), known);
    }
    return known - 1;
  }

  /**
   * The backends the next hop delivered an untranslated address to whose ingress denies the flow
   * as it arrives while admitting CIDR/world sources.
   */
  List<Destination> deliveredDenied(List<PolicyEngine.Delivered> delivered,
      Protocol protocol, Set<PolicyRef> policies, List<PolicyEngine.AllowEntry> entries,
      boolean[] denyRule) {
    Map<Receiver, Destination> denied = new LinkedHashMap<>();
    for (PolicyEngine.Delivered d : delivered) {
      // Masqueraded to a node, the flow arrives as that node, not as the client: no rule about
      // the client's identity was broken (and no companion for it could help).
      if (d.ingressDrop() == 0 || d.arriving().isNode()) {
        continue;
      }
      Destination at = new Destination(d.backend(), d.port());
      List<PolicyEngine.AllowEntry> admits = worldAllows(at, Direction.INGRESS, protocol);
      if (!admits.isEmpty()
          && denied.putIfAbsent(new Receiver(d.backend().labels(), d.port()), at) == null) {
        denyRule[0] |= d.ingressDrop() == DropReason.POLICY_DENY;
        admits.forEach(a -> policies.add(a.policy()));
        entries.addAll(admits);
      }
    }
    return List.copyOf(denied.values());
  }

  /** The pod destinations whose ingress denies the client while admitting CIDR/world sources. */
  List<Destination> receiverDenied(
      Pod source, Identity src, List<Destination> dests, When when, Protocol protocol,
      Set<PolicyRef> policies, List<PolicyEngine.AllowEntry> entries, boolean[] denyRule) {
    List<Destination> denied = new ArrayList<>();
    for (Destination d : dests) {
      if (!d.identity().isPod()) {
        continue;
      }
      int drop = engine.ingressDrop(source, src, d.identity(), d.port(), protocol,
          settings(when));
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

  List<PolicyEngine.AllowEntry> worldAllows(Destination d, Direction dir, Protocol p) {
    return worldAllows(d.identity(), dir, d.port(), p, d.identity().pod().ports());
  }

  /** The allow entries of the subject on the port that have a CIDR or world peer. */
  List<PolicyEngine.AllowEntry> worldAllows(
      Identity subject, Direction d, int port, Protocol protocol, List<Pod.ContainerPort> ports) {
    if (!subject.isPod()) {
      return List.of();
    }
    return cache.worldEntries(new EntriesKey(subject.labels(), d, port, protocol, ports),
        k -> engine.allowEntriesCovering(subject, d, port, protocol, ports, now).stream()
            .filter(e -> WorldPeer.anyAdmitsSome(e.entry().peers(), now))
            .toList());
  }
}

package dev.nodeipam.audit;

import dev.nodeipam.audit.TrapCache.Allows;
import dev.nodeipam.audit.TrapCache.ClassKey;
import dev.nodeipam.audit.TrapCache.Sender;
import dev.nodeipam.audit.TrapCache.When;
import dev.nodeipam.policy.engine.Hairpin;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.engine.ServiceTranslation;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One Service address and port, and what is the same for every client of it: where the address
 * is, its world identity, its translations and its backend identities, worked out on first use.
 * A target is searched by one thread, so its memos need no locking.
 */
final class TrapTarget {
  /**
   * Where a client is, as far as the translation of this address can tell: on the node that owns
   * the address or not, and on a node the snapshot knows or not.
   */
  record Where(boolean onOwner, boolean knownNode) {}

  /** Which verdict a trap's shared description is of. */
  enum Judged {
    /** Translated under the given settings. */
    TRANSLATED_NOW,
    /** Not translated, and denied under the given settings. */
    DENIED_NOW,
    /** Allowed now, denied once translated. */
    LATENT
  }

  /** The frontend's distinct backend identities, or none when they depend on the viewer. */
  private record BackendSet(List<Destination> distinct, boolean viewerDependent) {}

  private record TranslationKey(When when, Where where) {}

  private record DialledKey(Where where, Judged judged) {}

  /** One destination per identity (pods: their labels) and port: replicas share the verdict. */
  private record Distinct(Object who, int port) {}

  final ServiceAddress sa;
  final Service.ServicePort sp;
  final Protocol protocol;
  /** The node that owns the address, or null. */
  final String owner;
  final Identity world;
  private final TrapSearch search;
  private final PolicyEngine engine;
  private final AtomicReferenceArray<Sender> senders;
  private final Map<TranslationKey, Translation> translations = new HashMap<>();
  private final Map<DialledKey, Dialled> dialled = new HashMap<>();
  private final Map<When, BackendSet> sets = new EnumMap<>(When.class);
  private final Map<Where, List<Destination>> itself = new HashMap<>();
  private boolean addressDependent;
  private Boolean byClientNode;

  TrapTarget(TrapSearch search, ServiceAddress sa, Service.ServicePort sp, Protocol protocol) {
    this.search = search;
    this.engine = search.engine();
    this.sa = sa;
    this.sp = sp;
    this.protocol = protocol;
    this.owner = search.nodeOfAddress(sa.address());
    WorldClasses.WorldClass c = search.worldClass(sa.address());
    this.world = c.world();
    this.senders = search.cache().senders(new ClassKey(c.id(), sp.port(), protocol));
  }

  /** The group's rules on this class of address and port, judged once per class. */
  Sender sender(SourceGroup g, Allows all) {
    Sender known = senders.get(g.id());
    if (known == null) {
      Identity src = search.identity(g, g.representative());
      boolean dials =
          engine.egressDrop(src, world, sp.port(), protocol, search.settings(When.NOW)) == 0;
      known = new Sender(dials, all == null ? null : search.covering(all, world));
      senders.set(g.id(), known);
    }
    return known;
  }

  /**
   * The address as policy sees it when not translated, for clients of one {@code where}: a
   * node (host on its own node), a pod, or world. Shared by every trap of those clients.
   */
  List<Destination> itself(Where where, Pod source) {
    return itself.computeIfAbsent(where, w -> List.of(new Destination(
        engine.identityOfAddress(sa.address(), source.nodeName(), search.settings(When.NOW)),
        sp.port())));
  }

  Flow flow(Pod source) {
    return new Flow(source, sa.address(), sp.port(), protocol);
  }

  /** The translation depends on the client only through its node: on the address's or not. */
  Where where(Pod source) {
    return new Where(owner != null && owner.equals(source.nodeName()), search.knownNode(source));
  }

  Translation translation(When when, Where where, Pod source) {
    Translation tr = translations.computeIfAbsent(new TranslationKey(when, where),
        k -> engine.translation(flow(source), search.settings(when)));
    if (when == When.NOW && !where.onOwner() && !tr.translated()) {
      // Judged as the address itself and as the next hop delivers it: true of this address only.
      addressDependent = true;
    }
    return tr;
  }

  /**
   * Whether a client off the address's node was judged on the address untranslated: its
   * verdict then reads the address itself, and holds for no other address of its class.
   */
  boolean addressDependent() {
    return addressDependent;
  }

  /** The shared description of the flow for one kind of verdict. */
  Dialled dialled(Where where, Judged judged, Translation now, Translation used, int n) {
    DialledKey key = new DialledKey(where, judged);
    Dialled d = dialled.get(key);
    if (d == null || d.destinations() != n) {
      d = new Dialled(sa, sp, protocol, now, used, n, search);
      dialled.put(key, d);
    }
    return d;
  }

  /**
   * Whether the source may be a backend of this frontend's Service (its labels match the Service's
   * selector): it then reaches itself there (hairpin), which no other replica of its identity does,
   * so it is judged alone ({@link Hairpin}).
   */
  boolean mayBeBackend(Pod source) {
    Map<String, String> selector = sa.service().selector();
    return !source.isTemplate() && !source.isItsNode()
        && source.namespace().equals(sa.service().namespace())
        && selector != null && !selector.isEmpty()
        && selector.entrySet().stream()
            .allMatch(e -> e.getValue().equals(source.labels().get(e.getKey())));
  }

  /** The backend identities once translated, judged for {@code source} if they depend on it. */
  List<Destination> destinations(When when, Pod source) {
    if (mayBeBackend(source)) {
      // The definition's destinations but the source itself, whose flow skips policy.
      Verdict v = engine.verdict(flow(source), search.settings(when));
      return !v.translation().translated() ? List.of() : distinct(v.destinations().stream()
          .filter(d -> !Hairpin.loopsBack(source, d.identity().pod())).toList());
    }
    BackendSet set = backendSet(when, source);
    if (!set.viewerDependent()) {
      return set.distinct();
    }
    return distinct(engine.verdict(flow(source), search.settings(when)).destinations());
  }

  /** The frontend's backends: the Service the datapath translates this address and port to. */
  private BackendSet backendSet(When when, Pod source) {
    BackendSet known = sets.get(when);
    if (known != null) {
      return known;
    }
    Verdict v = engine.verdict(flow(source), search.settings(when));
    if (!v.translation().translated()) {
      return new BackendSet(List.of(), false); // not translated for this client: ask later
    }
    boolean dependent = backendsByClientNode()
        || v.destinations().stream().anyMatch(d -> !d.identity().isPod());
    known = new BackendSet(distinct(v.destinations()), dependent);
    sets.put(when, known);
    return known;
  }

  /**
   * Whether the backends are pods whatever the client's node, now and once translated: none is
   * a node to policy (a hostNetwork backend is host or remote-node depending on the client).
   */
  boolean backendsAlikeForEveryClient() {
    Pod any = search.groups().get(0).representative();
    for (When when : When.values()) {
      BackendSet set = backendSet(when, any);
      if (set.viewerDependent() || set.distinct().stream().anyMatch(d -> !d.identity().isPod())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the backends are those on the client's node ({@code internalTrafficPolicy: Local},
   * {@code FlowEvaluation}): each node's clients are then judged apart.
   */
  boolean backendsByClientNode() {
    if (byClientNode == null) {
      byClientNode = engine.frontendHit(sa.address(), sp.port(), protocol)
          .map(h -> h.service().internalTrafficLocal()).orElse(false);
    }
    return byClientNode;
  }

  /** Whether some backend admits CIDR/world sources on its targetPort. */
  boolean admitsWorld() {
    // Under the translating settings every frontend but ipMode Proxy is translated for everyone.
    if (search.groups().isEmpty()) {
      return false;
    }
    if (backendsByClientNode()) {
      // Which backends a client reaches depends on its node: any of the Service's may be.
      ServiceTranslation.Hit hit = engine.frontendHit(sa.address(), sp.port(), protocol).get();
      return engine.backendsOf(hit.service(), hit.port(), protocol).stream()
          .map(b -> new Destination(engine.identityOf(b.pod(), search.settings(When.NOW)),
              b.port()))
          .anyMatch(d -> d.identity().isPod()
              && !search.worldAllows(d, Direction.INGRESS, protocol).isEmpty());
    }
    for (Destination d : backendSet(When.THEN, search.groups().get(0).representative())
        .distinct()) {
      if (d.identity().isPod()
          && !search.worldAllows(d, Direction.INGRESS, protocol).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** One destination per (identity, port): replicas share the verdict. */
  static List<Destination> distinct(List<DestinationVerdict> all) {
    Map<Distinct, Destination> out = new LinkedHashMap<>();
    for (DestinationVerdict d : all) {
      Object who = d.identity().isPod() ? d.identity().labels() : d.endpoint();
      out.putIfAbsent(new Distinct(who, d.port()), new Destination(d.identity(), d.port()));
    }
    return List.copyOf(out.values());
  }
}

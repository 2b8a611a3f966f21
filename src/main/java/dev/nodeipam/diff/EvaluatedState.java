package dev.nodeipam.diff;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.IdentityTrap;
import dev.nodeipam.audit.PublishedAddresses;
import dev.nodeipam.audit.SenderClasses;
import dev.nodeipam.audit.ServiceAddress;
import dev.nodeipam.audit.ServiceFindings;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.engine.ServiceTranslation;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** A state once evaluated: its audit over the scope, its engine for single verdicts. */
final class EvaluatedState {
  final StateDiff.State state;
  final AuditReport report;
  final PublishedAddresses published;
  final PolicyEngine engine;
  final DatapathSettings now;
  /** By Service key, where its addresses start and end in {@code published.addresses()}. */
  private final Map<String, int[]> runs = new HashMap<>();
  private final Map<String, Set<IPAddress>> frontends = new HashMap<>();
  private Map<String, Pod> pods;
  private Map<FlowKey, Boolean> activeByFlow;
  private List<ServiceFindings.Group> groups;
  private Map<String, String> owners;
  private final Map<List<Object>, ClientReads> clientReads = new HashMap<>();
  private final Map<String, String> overrides;
  private Map<String, Integer> senderClasses;

  EvaluatedState(StateDiff.State state, StateDiff.Settings settings, DiffScope scope) {
    this(state, settings, scope, null);
  }

  /**
   * @param sameRules an engine of a state with the same policies, whose parsed rules and memos
   *     are reused where this state's policies are the same objects; or null
   */
  EvaluatedState(StateDiff.State state, StateDiff.Settings settings, DiffScope scope,
      PolicyEngine sameRules) {
    this.state = state;
    // The audit's own published addresses and engine (its rules all read): the addresses and
    // verdicts the flows are compared by.
    Audit.Traps traps = Audit.traps(state.snapshot(), settings.overrides(), settings.audit(),
        scope.audit(), sameRules);
    this.report = traps.report();
    this.published = traps.published();
    this.engine = traps.engine();
    this.now = engine.settings(settings.overrides());
    this.overrides = settings.overrides();
    // The addresses come Service by Service: a run per Service, not an entry per address.
    List<ServiceAddress> addresses = published.addresses();
    for (int i = 0; i < addresses.size(); i++) {
      String key = addresses.get(i).service().key();
      int[] run = runs.computeIfAbsent(key, k -> new int[2]);
      if (run[1] == 0) {
        run[0] = i;
      }
      run[1] = i + 1;
    }
  }

  /** The audit's findings of version 3: the units the grouped diff compares. */
  List<ServiceFindings.Group> groups() {
    if (groups == null) {
      groups = report.serviceGroups();
    }
    return groups;
  }

  /** Every trapped flow per source pod, and whether it is active: for {@code --per-address}. */
  Map<FlowKey, Boolean> activeByFlow() {
    if (activeByFlow == null) {
      activeByFlow = new HashMap<>();
      for (Trap t : report.traps()) {
        for (Pod p : t.sources()) {
          activeByFlow.put(FlowKey.of(t, p), t.active());
        }
      }
    }
    return activeByFlow;
  }

  /**
   * What this state judges its copy of a pod by as a sender, beside its node and whether it is a
   * backend ({@link ClientReads}): its class of identities no rule tells apart ({@link
   * SenderClasses}), or, for a pod outside every class (being deleted), its own identity's parts.
   */
  List<Object> senderClass(Pod pod) {
    if (senderClasses == null) {
      senderClasses = SenderClasses.of(engine, now, IdentityTrap.translating(engine, overrides));
    }
    Integer c = senderClasses.get(pod.key());
    return c != null ? List.of(c) : List.of(pod.namespace(), pod.labels(), pod.hostNetwork(),
        String.valueOf(pod.serviceAccount()));
  }

  Optional<Pod> pod(String key) {
    if (pods == null) {
      pods = new HashMap<>();
      state.snapshot().pods().forEach(p -> pods.putIfAbsent(p.key(), p));
    }
    return Optional.ofNullable(pods.get(key));
  }

  /** Whether this state allows the flow from (its own copy of) the pod to the trap's port. */
  boolean allows(Pod source, ServiceAddress to, Trap t) {
    Optional<Pod> here = pod(source.key());
    if (here.isEmpty()) {
      return false;
    }
    return engine.allows(
        new Flow(here.get(), to.address(), t.servicePort().port(), t.protocol()), now);
  }

  /**
   * What a client's verdict at a trap's address reads in this state beside its identity and
   * whether it runs on the owning node: its node when the backends are chosen by the client's
   * node ({@code internalTrafficPolicy: Local}) or are nodes to policy (hostNetwork: host on
   * their own node, remote-node elsewhere), and the pod itself when it is a backend (a pod
   * reaching itself through its Service is allowed, section 2 of the policy model).
   *
   * @param byNode whether the client's node is read
   * @param backends the keys of the backend pods
   */
  record ClientReads(boolean byNode, Set<String> backends) {
    /** An address not translated here: nothing of that kind applies. */
    static final ClientReads NOTHING = new ClientReads(false, Set.of());

    /** What this state's copy of a pod adds to its class: empty when nothing applies. */
    List<Object> of(Pod pod) {
      boolean backend = backends.contains(pod.key());
      if (!byNode && !backend) {
        return List.of();
      }
      return List.of(byNode ? String.valueOf(pod.nodeName()) : "", backend ? pod.key() : "");
    }
  }

  /** {@link ClientReads} at the trap's address and port, once per frontend entry. */
  ClientReads clientReads(Trap t) {
    Optional<ServiceTranslation.Hit> hit =
        engine.frontendHit(t.address().address(), t.servicePort().port(), t.protocol());
    if (hit.isEmpty()) {
      return ClientReads.NOTHING;
    }
    ServiceTranslation.Hit h = hit.get();
    return clientReads.computeIfAbsent(h.entry(), k -> {
      List<PolicyEngine.ServiceBackend> of = engine.backendsOf(h.service(), h.port(), t.protocol());
      return new ClientReads(h.service().internalTrafficLocal()
          || of.stream().anyMatch(x -> x.pod().hostNetwork()),
          of.stream().map(x -> x.pod().key()).collect(Collectors.toSet()));
    });
  }

  /**
   * Whether every address reaches the same frontend entry in this state (Service, port, kind and
   * ipMode): then one client's verdict at one of them answers for all, owner-or-not aside.
   */
  boolean oneFrontend(List<ServiceAddress> addresses, Trap t) {
    List<Object> first = null;
    for (ServiceAddress a : addresses) {
      List<Object> entry = engine.frontendHit(a.address(), t.servicePort().port(), t.protocol())
          .map(ServiceTranslation.Hit::entry)
          .orElse(null);
      if (entry == null || (first != null && !first.equals(entry))) {
        return false;
      }
      first = entry;
    }
    return true;
  }

  /** Whether the address is a frontend of its Service in this state. */
  boolean isFrontend(ServiceAddress a) {
    String key = a.service().key();
    Set<IPAddress> of = frontends.computeIfAbsent(key, k -> {
      Set<IPAddress> set = new HashSet<>();
      int[] run = runs.get(k);
      if (run != null) {
        for (ServiceAddress sa : published.addresses().subList(run[0], run[1])) {
          set.add(sa.address());
        }
      }
      return set;
    });
    return of.contains(a.address());
  }

  /** The node an address is an own address of (the first, as the trap search reads it), or null. */
  String ownerOf(ServiceAddress a) {
    if (owners == null) {
      owners = new HashMap<>();
      for (Node n : state.snapshot().nodes()) {
        for (Node.NodeAddress na : n.addresses()) {
          String c = IpText.canonical(na.address());
          if (c != null) {
            owners.putIfAbsent(c, n.name());
          }
        }
      }
    }
    return owners.get(a.address().toCanonicalString());
  }

  Optional<Service> service(String key) {
    int slash = key.indexOf('/');
    return state.snapshot().service(key.substring(0, slash), key.substring(slash + 1));
  }
}

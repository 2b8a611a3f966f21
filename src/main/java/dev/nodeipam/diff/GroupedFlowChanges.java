package dev.nodeipam.diff;

import dev.nodeipam.audit.ServiceAddress;
import dev.nodeipam.audit.ServiceFindings;
import dev.nodeipam.audit.SourceNames;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.audit.TrapGroups;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Pod;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The flow items in the units the audit reports (its findings of version 3, {@link
 * ServiceFindings}): one item per policy rule, Service, port, direction, state and address group,
 * with its sources. Two states are compared finding by finding: a finding of one state that no
 * finding of the other shares an address with is new (or gone) whole, without looking at a pod;
 * only a finding the other state overlaps is compared flow by flow, and what changed in it is
 * grouped again the same way. A verdict change is one engine question per source class of
 * such a part, not per pod (per address too only where the other state does not translate the
 * addresses, see {@link #flipped}). The result equals {@link FlowChanges} merged (a
 * property holds them to it).
 */
final class GroupedFlowChanges extends FlowItems {

  /** Where findings of two states can hold the same flows: one Service port and direction. */
  private record Partition(String service, int port, Protocol protocol, Direction direction) {
    static Partition of(ServiceFindings.Key k) {
      return new Partition(k.service(), k.port(), k.protocol(), k.direction());
    }
  }

  /**
   * Some flows of one finding: at each of some of its addresses, some of its pods.
   *
   * @param addresses in the finding's order; all a frontend in the other state, or none
   * @param pods the pods at each address
   * @param whole whether they are every pod the finding traps there
   */
  record Part(
      ServiceFindings.Group group,
      List<ServiceAddress> addresses,
      Function<ServiceAddress, List<Pod>> pods,
      boolean whole) {
    Part(ServiceFindings.Group group, List<ServiceAddress> addresses,
        Function<ServiceAddress, List<Pod>> pods) {
      this(group, addresses, pods, false);
    }

    /** The finding restricted to this part's addresses (for its ranges and text). */
    ServiceFindings.Group finding() {
      return new ServiceFindings.Group(
          group.key(), addresses, group.groups(), group.sourceSet());
    }
  }

  /** The parts of each type, in the order emitted: what the property expands. */
  final Map<ItemType, List<Part>> parts = new LinkedHashMap<>();

  GroupedFlowChanges(ChangeSet changes, EvaluatedState b, EvaluatedState a) {
    super(changes, b, a);
    compare(a, b, ItemType.TRAP_INTRODUCED, ItemType.NEWLY_DENIED);
    compare(b, a, ItemType.TRAP_REMOVED, ItemType.NEWLY_ALLOWED);
  }

  /**
   * The flows of {@code here}'s findings that {@code there} lacks (or has latent where they are
   * active), and among them those {@code there} allows: their verdict changes.
   */
  private void compare(
      EvaluatedState here, EvaluatedState there, ItemType trapType, ItemType verdictType) {
    Map<Partition, Map<IPAddress, List<ServiceFindings.Group>>> index = new HashMap<>();
    for (ServiceFindings.Group t : there.groups()) {
      Map<IPAddress, List<ServiceFindings.Group>> at =
          index.computeIfAbsent(Partition.of(t.key()), k -> new HashMap<>());
      for (ServiceAddress sa : t.addresses()) {
        at.computeIfAbsent(sa.address(), k -> new ArrayList<>(1)).add(t);
      }
    }
    SourcePods.Memo memo = new SourcePods.Memo(there);
    for (ServiceFindings.Group g : here.groups()) {
      Map<IPAddress, List<ServiceFindings.Group>> thereAt =
          index.getOrDefault(Partition.of(g.key()), Map.of());
      for (Part p : changed(g, thereAt, there)) {
        if (trapType == ItemType.TRAP_INTRODUCED) {
          newTrapServices.add(g.key().service());
        }
        emit(trapType, p, here, there);
        Part flipped = g.key().active() ? flipped(p, here, there, memo) : null;
        if (flipped != null) {
          emit(verdictType, flipped, here, there);
        }
      }
    }
  }

  /**
   * The flows of a finding the other state does not have as it has them, split by whether its
   * addresses are frontends there.
   */
  private static List<Part> changed(ServiceFindings.Group g,
      Map<IPAddress, List<ServiceFindings.Group>> thereAt, EvaluatedState there) {
    boolean overlap = false;
    for (ServiceAddress a : g.addresses()) {
      overlap |= thereAt.containsKey(a.address());
    }
    // Most findings of a change are new (or gone) whole: no flow of them is looked at.
    Map<List<Object>, List<ServiceAddress>> byShape = new LinkedHashMap<>();
    Map<ServiceAddress, List<Pod>> changedAt = new HashMap<>();
    for (ServiceAddress a : g.addresses()) {
      List<Object> shape = new ArrayList<>(2);
      shape.add(there.isFrontend(a));
      List<ServiceFindings.Group> others = overlap ? thereAt.get(a.address()) : null;
      if (others != null) {
        List<Pod> here = g.podsAt(a);
        List<Pod> changed = changedAt(g, a, here, others);
        if (changed.isEmpty()) {
          continue;
        }
        if (changed.size() < here.size()) {
          changedAt.put(a, changed);
          shape.add(changed.stream().map(Pod::key).toList());
        }
      }
      byShape.computeIfAbsent(shape, k -> new ArrayList<>()).add(a);
    }
    List<Part> out = new ArrayList<>();
    byShape.forEach((shape, addresses) -> out.add(shape.size() == 1
        ? new Part(g, List.copyOf(addresses), g::podsAt, true)
        : new Part(g, List.copyOf(addresses), changedAt::get)));
    return out;
  }

  /** The pods of {@code here} at an address that the other state's findings there lack. */
  private static List<Pod> changedAt(ServiceFindings.Group g, ServiceAddress a, List<Pod> here,
      List<ServiceFindings.Group> others) {
    Map<String, Boolean> thereActive = new HashMap<>();
    for (ServiceFindings.Group t : others) {
      for (ServiceAddress ta : t.addresses()) {
        if (ta.address().equals(a.address())) {
          t.podsAt(ta).forEach(p -> thereActive.put(p.key(), t.key().active()));
          break;
        }
      }
    }
    List<Pod> changed = new ArrayList<>();
    for (Pod p : here) {
      Boolean other = thereActive.get(p.key());
      if (other == null || (g.key().active() && !other)) {
        changed.add(p);
      }
    }
    return changed;
  }

  /**
   * The flows of an active part that the other state allows. The other state judges a flow by
   * the source's identity and whether the source runs on the node that owns the address (its own
   * address is the host to it): one engine question per source identity of the finding and
   * owner-or-not, asked of its first pod the other state has. Where the other state does not
   * translate the part's addresses (they are no frontends there, or the datapath settings
   * changed, or they reach different frontend entries there) each is judged as the address it
   * is: one question per source, address and owner-or-not. Null when there are none.
   */
  private Part flipped(Part p, EvaluatedState here, EvaluatedState there,
      SourcePods.Memo memo) {
    ServiceFindings.Group g = p.group();
    boolean byAddress = changes.settings() || !there.isFrontend(p.addresses().get(0))
        || !there.oneFrontend(p.addresses(), g.first());
    // The classes the other state judges the finding's source pods in: its source (class and
    // placement here), its class of identities there (EvaluatedState.senderClass), its node only
    // where the backends read it, and the pod itself where it is a backend (ClientReads). Kept
    // per source set: findings of the same sources share them.
    SourcePods senders = memo.of(g);
    EvaluatedState.ClientReads reads = there.clientReads(g.first());
    Map<List<Object>, Boolean> answers = new HashMap<>();
    if (byAddress || !p.whole()) {
      for (ServiceAddress a : p.addresses()) {
        String owner = there.ownerOf(a);
        for (Pod pod : p.pods().apply(a)) {
          List<Object> c = senders.classOf(pod, reads);
          List<Object> q = c == null ? null : question(c, there, pod, a, owner, byAddress);
          if (q != null && !answers.containsKey(q)) {
            answers.put(q, there.allows(pod, a, g.first()));
          }
        }
      }
    } else {
      askWhole(p, here, there, senders, reads, answers);
    }
    if (!answers.containsValue(true)) {
      return null;
    }
    if (senders.allPresent() && !answers.containsValue(false)) {
      return p;
    }
    Map<ServiceAddress, List<Pod>> allowed = new HashMap<>();
    List<ServiceAddress> addresses = new ArrayList<>();
    for (ServiceAddress a : p.addresses()) {
      String owner = there.ownerOf(a);
      List<Pod> pods = p.pods().apply(a).stream()
          .filter(pod -> senders.has(pod) && Boolean.TRUE.equals(answers.get(
              question(senders.classOf(pod, reads), there, pod, a, owner, byAddress))))
          .toList();
      if (!pods.isEmpty()) {
        allowed.put(a, pods);
        addresses.add(a);
      }
    }
    return new Part(g, addresses, allowed::get);
  }

  /**
   * The questions of a whole finding at translated addresses, without going through its flows:
   * off the owner, each class's first pod; on it, the pods on each address's owner node only.
   */
  private static void askWhole(Part p, EvaluatedState here, EvaluatedState there,
      SourcePods senders, EvaluatedState.ClientReads reads,
      Map<List<Object>, Boolean> answers) {
    ServiceFindings.Group g = p.group();
    // Each list is one class once its backends are left out; each backend is a class alone.
    List<List<Pod>> offUnanswered = new ArrayList<>(senders.classes(reads.byNode()));
    List<Pod> backends = senders.backends(reads);
    List<List<Pod>> backendsUnanswered = new ArrayList<>();
    backends.forEach(pod -> backendsUnanswered.add(List.of(pod)));
    for (ServiceAddress a : p.addresses()) {
      String hereOwner = here.ownerOf(a);
      String owner = there.ownerOf(a);
      if (owner != null) {
        for (Pod pod : senders.onNode(owner)) {
          List<Object> c = senders.classOf(pod, reads);
          List<Object> q = question(c, there, pod, a, owner, false);
          if (!answers.containsKey(q) && inFinding(source(c), pod, hereOwner)) {
            answers.put(q, there.allows(pod, a, g.first()));
          }
        }
      }
      Set<String> skip = backends.isEmpty() ? Set.of() : reads.backends();
      offUnanswered.removeIf(pods -> askedOff(pods, skip, a, owner, hereOwner, there, g.first(),
          senders, reads, answers));
      backendsUnanswered.removeIf(pods -> askedOff(pods, Set.of(), a, owner, hereOwner, there,
          g.first(), senders, reads, answers));
    }
  }

  /**
   * Asks the question of a class off the address's owner, of its first pod (but those in {@code
   * skip}) the finding traps there; whether one was asked.
   */
  private static boolean askedOff(List<Pod> pods, Set<String> skip, ServiceAddress a,
      String owner, String hereOwner, EvaluatedState there, Trap t, SourcePods senders,
      EvaluatedState.ClientReads reads, Map<List<Object>, Boolean> answers) {
    for (Pod pod : pods) {
      if (skip.contains(pod.key())) {
        continue;
      }
      List<Object> c = senders.classOf(pod, reads);
      List<Object> q = question(c, there, pod, a, owner, false);
      if (!Boolean.TRUE.equals(q.get(1)) && inFinding(source(c), pod, hereOwner)) {
        answers.put(q, there.allows(pod, a, t));
        return true;
      }
    }
    return false;
  }

  private static ServiceFindings.Source source(List<Object> c) {
    return (ServiceFindings.Source) c.get(0);
  }

  /** Whether the finding traps the pod of its source at an address owned by {@code owner}. */
  private static boolean inFinding(ServiceFindings.Source s, Pod pod, String owner) {
    return s.traps(pod, owner != null && owner.equals(pod.nodeName()));
  }

  /**
   * What one engine question answers for: a class of source pods, whether the other state's pod
   * runs on the node that owns the address, and, where addresses are judged as themselves, the
   * address.
   */
  private static List<Object> question(List<Object> c, EvaluatedState there, Pod pod,
      ServiceAddress a, String owner, boolean byAddress) {
    boolean onOwner = owner != null && owner.equals(there.pod(pod.key()).get().nodeName());
    return byAddress ? List.of(c, onOwner, a.address()) : List.of(c, onOwner);
  }

  /** One item for a part of a finding. */
  private void emit(ItemType type, Part p, EvaluatedState in, EvaluatedState other) {
    parts.computeIfAbsent(type, k -> new ArrayList<>()).add(p);
    ServiceFindings.Group g = p.group();
    ServiceFindings.Group finding = p.finding();
    Trap t = g.first();
    ServiceAddress first = p.addresses().get(0);
    List<Pod> pods = p.pods().apply(first);
    List<SourceName> names = names(g, pods, p.whole());
    List<RuleAt> rules = rules(t, in.state.locator());
    List<String> reasons = new ArrayList<>();
    Location cause = reasons(t, first, pods, in, other, reasons, rules);
    Location location =
        in.state.locator().locate(first.service().source(), null).orElse(null);
    String who = names.get(0).name() + (names.size() > 1 ? " and " + (names.size() - 1)
        + " more" : "") + " (" + pods.size() + (pods.size() == 1 ? " pod" : " pods") + ")";
    String message = who + " -> " + g.key().service() + ": " + finding.addressText() + ":"
        + g.key().port() + "/" + g.key().protocol() + ": " + verb(type, g.key().active()) + " ("
        + String.join("; ", reasons) + "). " + t.detail();
    out.add(Item.builder()
        .type(type)
        .level(level(type, g.key().active()))
        .service(g.key().service())
        .address(first.address().toCanonicalString())
        .addresses(finding.ranges())
        .addressCount(p.addresses().size())
        .port(g.key().port())
        .targetPort(t.targetPorts().isEmpty() ? null : t.targetPorts().get(0))
        .protocol(g.key().protocol().name())
        .direction(g.key().direction() == Direction.EGRESS ? "egress" : "ingress")
        .active(g.key().active())
        .sourceKind(names.get(0).kind())
        .source(names.get(0).name())
        .sourceCount(names.size())
        .sources(names.stream().limit(TrapGroups.MAX_SOURCES).map(SourceName::name).toList())
        .pods(pods.size())
        .policies(g.key().policies())
        .rules(rules)
        .reasons(reasons)
        .location(location)
        .cause(cause)
        .message(message)
        .companion(companion(type, t))
        .state(in.state.name())
        .build());
  }

  private record SourceName(String kind, String name) {}

  /**
   * The sources of some pods of a finding, named as the audit names the finding's sources (a
   * workload, a pod, an identity), by name: the same whatever order the state's objects came in
   * (the guard's cache and a manifest tree list them differently).
   */
  private static List<SourceName> names(ServiceFindings.Group g, List<Pod> pods,
      boolean whole) {
    Map<String, SourceName> out = new TreeMap<>();
    if (whole) {
      // Every pod of the finding: its sources, without a look at each pod.
      for (TrapGroups.Group s : g.sources()) {
        for (SourceNames.Named m : s.members()) {
          out.putIfAbsent(m.source().name(), new SourceName(m.source().kind(), m.source().name()));
        }
      }
      return List.copyOf(out.values());
    }
    Map<Pod, SourceName> byPod = new IdentityHashMap<>();
    for (TrapGroups.Group s : g.sources()) {
      s.podsBySource().forEach((source, ps) -> {
        SourceName n = new SourceName(source.kind(), source.name());
        ps.forEach(p -> byPod.putIfAbsent(p, n));
      });
    }
    for (Pod p : pods) {
      SourceName n = byPod.getOrDefault(p, new SourceName("Pod", p.key()));
      out.putIfAbsent(n.name(), n);
    }
    return List.copyOf(out.values());
  }
}

package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Pod;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The trap search's memos, shared by the threads that search the addresses. Each is keyed by a
 * record naming everything its computation reads besides the search's fixed inputs (the engine,
 * the two settings, the source groups): a key that omits something read would hand one question
 * the answer of another. {@link IdentityTrap#of} is the definition these shortcuts must agree
 * with.
 */
final class TrapCache {
  /** Under which settings a question is asked: as given, or with every frontend translated. */
  enum When {
    NOW,
    THEN
  }

  /** A sender's CIDR/world allow entries on a port, and the policies they come from. */
  record Allows(List<PolicyEngine.AllowEntry> entries, List<PolicyRef> policies) {
    static Allows of(List<PolicyEngine.AllowEntry> entries) {
      // List.copyOf, not Stream.toList: traps copy lists that may hold nulls, and there are
      // millions of traps sharing these.
      return new Allows(List.copyOf(entries),
          List.copyOf(entries.stream().map(PolicyEngine.AllowEntry::policy).distinct().toList()));
    }
  }

  /**
   * What a source group's own rules say of one class of address on one port: whether they let it
   * dial the address read as world at all, and which CIDR/world allows cover it (null: none).
   */
  record Sender(boolean dialsAsAddress, Allows allows) {}

  /**
   * The CIDR/world allow entries of a subject: its labels select the rules, and the named ports
   * of the pod ({@code ports}) resolve the entries' named ports.
   */
  record EntriesKey(Map<String, String> subject, Direction direction, int port,
      Protocol protocol, List<Pod.ContainerPort> ports) {}

  /** A Service port as every group's egress rules read it. */
  record PortKey(int port, Protocol protocol) {}

  /** A class of addresses no rule tells apart ({@link WorldClasses}), on one port. */
  record ClassKey(int worldClass, int port, Protocol protocol) {}

  /** A group's pods not on the node that owns an address. */
  record OffOwnerKey(int group, String owner) {}

  /** A group's pods a Service's selector picks in its namespace: its possible backends. */
  record CandidatesKey(int group, String namespace, Map<String, String> selector) {}

  /**
   * The backends an address is translated to: those of the Service the datapath translates it
   * to, its port, and the family.
   */
  record BackendKey(String service, int port, Protocol protocol, boolean ipv4) {}

  /** Whether a group's egress denies every pod on a port. */
  record EveryPodKey(int port, Protocol protocol, When when) {}

  /** A group's egress verdict to a node identity (any node of that kind and reserved labels). */
  record NodeDropKey(Identity.Kind kind, Set<String> reserved, int port, Protocol protocol,
      When when) {}

  private final int groups;
  private final Map<EntriesKey, List<PolicyEngine.AllowEntry>> worldEntries =
      new ConcurrentHashMap<>();
  private final Map<PortKey, Allows[]> senders = new ConcurrentHashMap<>();
  private final Map<ClassKey, AtomicReferenceArray<Sender>> sendersByClass =
      new ConcurrentHashMap<>();
  private final Map<OffOwnerKey, List<Pod>> offOwner = new ConcurrentHashMap<>();
  private final Map<CandidatesKey, List<Pod>> candidates = new ConcurrentHashMap<>();
  private final Map<BackendKey, Boolean> admitsWorld = new ConcurrentHashMap<>();
  private final Map<EveryPodKey, AtomicIntegerArray> everyPod = new ConcurrentHashMap<>();
  private final Map<NodeDropKey, AtomicIntegerArray> nodeDrops = new ConcurrentHashMap<>();
  // Keyed by the array itself: one per port, shared by every address on it.
  private final Map<Allows[], Boolean> anySender =
      Collections.synchronizedMap(new IdentityHashMap<>());

  /** @param groups how many source groups the search has: per-group memos hold one each */
  TrapCache(int groups) {
    this.groups = groups;
  }

  List<PolicyEngine.AllowEntry> worldEntries(
      EntriesKey key, Function<EntriesKey, List<PolicyEngine.AllowEntry>> compute) {
    return worldEntries.computeIfAbsent(key, compute);
  }

  /** By group id, the groups' CIDR/world allows on the port (null for none). */
  Allows[] senders(PortKey key, Function<PortKey, Allows[]> compute) {
    return senders.computeIfAbsent(key, compute);
  }

  /** Whether any group has a CIDR/world allow in {@code senders}. */
  boolean anySender(Allows[] senders) {
    return anySender.computeIfAbsent(senders, a -> Arrays.stream(a).anyMatch(Objects::nonNull));
  }

  /** By group id, what each group's rules say of a class of address on a port (null: not yet). */
  AtomicReferenceArray<Sender> senders(ClassKey key) {
    return sendersByClass.computeIfAbsent(key, k -> new AtomicReferenceArray<>(groups));
  }

  List<Pod> offOwner(OffOwnerKey key, Supplier<List<Pod>> compute) {
    return offOwner.computeIfAbsent(key, k -> compute.get());
  }

  List<Pod> candidates(CandidatesKey key, Supplier<List<Pod>> compute) {
    return candidates.computeIfAbsent(key, k -> compute.get());
  }

  /** Whether the backends admit CIDR/world sources; null when not yet known. */
  Boolean admitsWorld(BackendKey key) {
    return admitsWorld.get(key);
  }

  void admitsWorld(BackendKey key, boolean admits) {
    admitsWorld.put(key, admits);
  }

  /** By group id: 0 not yet known, 1 every pod denied, 2 not every pod. */
  AtomicIntegerArray everyPod(EveryPodKey key) {
    return everyPod.computeIfAbsent(key, k -> new AtomicIntegerArray(groups));
  }

  /** By group id: 0 not yet known, else 1 + the drop reason (0 for allowed). */
  AtomicIntegerArray nodeDrops(NodeDropKey key) {
    return nodeDrops.computeIfAbsent(key, k -> new AtomicIntegerArray(groups));
  }
}

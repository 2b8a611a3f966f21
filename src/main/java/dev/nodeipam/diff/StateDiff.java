package dev.nodeipam.diff;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.AuditScope;
import dev.nodeipam.audit.Companion;
import dev.nodeipam.audit.PublishedAddresses;
import dev.nodeipam.audit.ServiceAddress;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.migrate.MigrationPlanner;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code nodeipam diff} as a pure function: two snapshots in, what the change between them
 * breaks, fixes, publishes and withdraws out. Only what the change can affect is evaluated (see
 * {@link DiffScope}): both states are audited over the same scope, and their traps compared flow
 * by flow (source pod, Service address, port, direction).
 */
public final class StateDiff {
  private StateDiff() {}

  /**
   * One state: its snapshot and where its objects are written.
   *
   * @param name {@code before} or {@code after}
   */
  public record State(String name, ClusterSnapshot snapshot, Locator locator) {}

  /** What both states are judged under: the same {@code --set} and Node IPAM flags. */
  public record Settings(Map<String, String> overrides, AuditOptions audit) {}

  /** One trapped flow of one source pod: what two states are compared on. */
  private record FlowKey(
      String service, String address, int port, String protocol, Direction direction, String pod) {
    static FlowKey of(Trap t, Pod p) {
      return new FlowKey(t.address().service().key(), t.address().address().toCanonicalString(),
          t.servicePort().port(), t.protocol().name(), t.direction(), p.key());
    }
  }

  /** A state once evaluated: its audit over the scope, its engine for single verdicts. */
  private static final class Evaluated {
    final State state;
    final AuditReport report;
    final Map<FlowKey, Boolean> active = new HashMap<>();
    final PublishedAddresses published;
    final PolicyEngine engine;
    final DatapathSettings now;
    final Map<String, ServiceAddress> frontends = new HashMap<>();

    Evaluated(State state, Settings settings, DiffScope scope) {
      this.state = state;
      this.report = Audit.run(state.snapshot(), settings.overrides(), settings.audit(),
          scope.audit());
      for (Trap t : report.traps()) {
        for (Pod p : t.sources()) {
          active.put(FlowKey.of(t, p), t.active());
        }
      }
      AuditScope audit = scope.audit();
      boolean all = audit.everything() || !audit.sourcePods().isEmpty();
      this.published = PublishedAddresses.of(state.snapshot(), settings.audit().nodeIpam(),
          s -> all || audit.coversService(s.key()));
      // Lazy: only the namespaces of the flows asked about have their policies read.
      this.engine = PolicyEngine.lazy(published.snapshot());
      this.now = engine.settings(settings.overrides());
      for (ServiceAddress a : published.addresses()) {
        frontends.putIfAbsent(a.service().key() + " " + a.address().toCanonicalString(), a);
      }
    }

    Optional<Pod> pod(String key) {
      int slash = key.indexOf('/');
      String ns = key.substring(0, slash);
      String name = key.substring(slash + 1);
      return state.snapshot().podsIn(ns).stream().filter(p -> p.name().equals(name)).findFirst();
    }

    boolean allows(Trap t, Pod source) {
      Optional<Pod> here = pod(source.key());
      if (here.isEmpty()) {
        return false;
      }
      return engine.allows(
          new Flow(here.get(), t.address().address(), t.servicePort().port(), t.protocol()), now);
    }

    boolean isFrontend(Trap t) {
      return frontends.containsKey(
          t.address().service().key() + " " + t.address().address().toCanonicalString());
    }

    Optional<Service> service(String key) {
      int slash = key.indexOf('/');
      return state.snapshot().service(key.substring(0, slash), key.substring(slash + 1));
    }
  }

  public static Diff run(State before, State after, Settings settings) {
    return run(before, after, settings, false);
  }

  /**
   * @param everything evaluate every (address, source) pair and every Service's plan, whatever
   *     the change: what the scoped evaluation must agree with
   */
  static Diff run(State before, State after, Settings settings, boolean everything) {
    ChangeSet changes =
        ChangeSet.between(before.snapshot(), after.snapshot(), settings.overrides());
    DiffScope scope = everything ? new DiffScope(AuditScope.all(), null)
        : DiffScope.of(changes, before.snapshot(), after.snapshot(), settings.overrides(),
            settings.audit().nodeIpam());
    List<Item> items = new ArrayList<>();
    List<Companion> companions = new ArrayList<>();
    if (!changes.isEmpty()) {
      Evaluated b = new Evaluated(before, settings, scope);
      Evaluated a = new Evaluated(after, settings, scope);
      Flows flows = new Flows(changes, b, a);
      items.addAll(flows.items());
      Set<String> needed = flows.servicesWithNewTraps();
      for (Companion c : a.report.companions()) {
        if (needed.contains(c.service())) {
          companions.add(c);
        }
      }
      items.addAll(Publication.items(changes, scope, b, a, settings));
      items.addAll(StaleCompanions.items(changes, scope, before, after));
    }
    items.sort(ORDER);
    DatapathSettings afterSettings =
        PolicyEngine.lazy(after.snapshot()).settings(settings.overrides());
    Diff.Evaluated evaluated = new Diff.Evaluated(scope.audit().everything(),
        scope.audit().services().size(), scope.audit().sourcePods().size());
    return new Diff(changes, items, companions, afterSettings, evaluated);
  }

  private static final java.util.Comparator<Item> ORDER =
      java.util.Comparator.comparing(Item::type)
          .thenComparing(i -> i.service() == null ? "" : i.service())
          .thenComparing(i -> i.address() == null ? "" : i.address())
          .thenComparing(i -> i.port() == null ? 0 : i.port())
          .thenComparing(i -> i.direction() == null ? "" : i.direction())
          .thenComparing(i -> i.source() == null ? "" : i.source());

  /** The flow items: verdict changes and traps, grouped by source as audit groups them. */
  private static final class Flows {
    final ChangeSet changes;
    final Evaluated b;
    final Evaluated a;
    final List<Item> out = new ArrayList<>();
    final Set<String> newTrapServices = new TreeSet<>();

    Flows(ChangeSet changes, Evaluated b, Evaluated a) {
      this.changes = changes;
      this.b = b;
      this.a = a;
      for (Trap t : a.report.traps()) {
        List<Pod> introduced = new ArrayList<>();
        List<Pod> denied = new ArrayList<>();
        for (Pod p : t.sources()) {
          Boolean was = b.active.get(FlowKey.of(t, p));
          if (was == null || (t.active() && !was)) {
            introduced.add(p);
            if (t.active() && b.pod(p.key()).isPresent()) {
              denied.add(p);
            }
          }
        }
        if (!introduced.isEmpty()) {
          newTrapServices.add(t.address().service().key());
          emit(ItemType.TRAP_INTRODUCED, t, introduced, a, b);
        }
        // The group shares one verdict: one question answers for all its pods.
        if (!denied.isEmpty() && b.allows(t, denied.get(0))) {
          emit(ItemType.NEWLY_DENIED, t, denied, a, b);
        }
      }
      for (Trap t : b.report.traps()) {
        List<Pod> removed = new ArrayList<>();
        List<Pod> allowed = new ArrayList<>();
        for (Pod p : t.sources()) {
          Boolean now = a.active.get(FlowKey.of(t, p));
          if (now == null || (t.active() && !now)) {
            removed.add(p);
            if (t.active() && a.pod(p.key()).isPresent()) {
              allowed.add(p);
            }
          }
        }
        if (!removed.isEmpty()) {
          emit(ItemType.TRAP_REMOVED, t, removed, b, a);
        }
        if (!allowed.isEmpty() && a.allows(t, allowed.get(0))) {
          emit(ItemType.NEWLY_ALLOWED, t, allowed, b, a);
        }
      }
    }

    List<Item> items() {
      return out;
    }

    Set<String> servicesWithNewTraps() {
      return newTrapServices;
    }

    /**
     * One item for the pods of a trap, grouped by source as the audit names them.
     *
     * @param in the state the trap is found in
     * @param other the other state
     */
    void emit(ItemType type, Trap trap, List<Pod> pods, Evaluated in, Evaluated other) {
      Trap part = new Trap(trap.dialled(), trap.direction(), trap.active(), pods,
          trap.policies(), trap.destinations(), trap.onceTranslated(), trap.denyRule(),
          trap.entries());
      Sources.Named named = Sources.name(in.state.snapshot(), pods);
      List<RuleAt> rules = rules(part, in.state.locator());
      List<String> reasons = new ArrayList<>();
      Location cause = reasons(part, in, other, reasons, rules);
      Service svc = part.address().service();
      Location location = in.state.locator().locate(svc.source(), null).orElse(null);
      Level level = switch (type) {
        case NEWLY_DENIED -> Level.ERROR;
        case TRAP_INTRODUCED -> part.active() ? Level.ERROR : Level.WARNING;
        default -> Level.NOTE;
      };
      String verb = switch (type) {
        case NEWLY_DENIED -> "newly denied";
        case NEWLY_ALLOWED -> "newly allowed";
        case TRAP_INTRODUCED -> (part.active() ? "active" : "latent") + " trap introduced";
        default -> (part.active() ? "active" : "latent") + " trap removed";
      };
      String message = named.name() + " (" + pods.size() + (pods.size() == 1 ? " pod" : " pods")
          + ") -> " + part.address().hostText() + ":" + part.servicePort().port() + "/"
          + part.protocol() + ": " + verb + " (" + String.join("; ", reasons) + "). "
          + part.detail();
      String companion = type == ItemType.TRAP_INTRODUCED && !part.denyRule()
          ? companionName(part) : null;
      out.add(new Item(type, level, svc.key(), part.address().address().toCanonicalString(),
          part.servicePort().port(), part.targetPorts().isEmpty() ? null : part.targetPorts().get(0),
          part.protocol().name(), part.direction() == Direction.EGRESS ? "egress" : "ingress",
          part.active(), named.kind(), named.name(), pods.size(),
          pods.stream().limit(Sources.MAX).map(Pod::key).toList(), rules, reasons, location,
          cause, message, companion, in.state.name()));
    }

    private String companionName(Trap t) {
      String service = t.address().service().key();
      String prefix = t.direction() == Direction.EGRESS ? "egress" : "ingress";
      for (Companion c : a.report.companions()) {
        if (c.service().equals(service) && c.direction().equals(prefix)) {
          return c.name();
        }
      }
      return null;
    }

    private static List<RuleAt> rules(Trap t, Locator locator) {
      List<RuleAt> out = new ArrayList<>();
      Set<String> seen = new LinkedHashSet<>();
      for (PolicyEngine.AllowEntry e : t.entries()) {
        PolicyRef p = e.policy();
        if (seen.add(p.label() + " " + e.entry().origin())) {
          out.add(new RuleAt(p, e.entry().origin(),
              locator.locate(p.source(), e.entry().origin()).orElse(null)));
        }
      }
      return out;
    }

    /** Says what changed for the flow; returns the place of the first cause found. */
    private Location reasons(
        Trap t, Evaluated in, Evaluated other, List<String> out, List<RuleAt> rules) {
      Location cause = null;
      boolean frontendHere = in.isFrontend(t);
      boolean frontendThere = other.isFrontend(t);
      Service svc = t.address().service();
      if (frontendHere && !frontendThere) {
        boolean after = in == a;
        out.add("translation " + (after ? "appeared" : "removed") + ": " + t.address().hostText()
            + " " + (after ? "became" : "was") + " a frontend (" + t.address().frontend()
            + ") of " + svc.key());
        cause = in.state.locator().locate(svc.source(), addressPath(t)).orElse(null);
      }
      Set<String> policies = new TreeSet<>();
      for (PolicyRef p : t.policies()) {
        if (changes.policies().contains(p.label())) {
          policies.add(p.label());
        }
      }
      if (!policies.isEmpty()) {
        out.add("policy changed: " + String.join(", ", policies));
        if (cause == null) {
          for (RuleAt r : rules) {
            if (policies.contains(r.policy().label()) && r.location() != null) {
              cause = r.location();
              break;
            }
          }
        }
      } else if (!changes.policies().isEmpty() && out.isEmpty()) {
        out.add("policy changed: " + String.join(", ", new TreeSet<>(changes.policies())));
      }
      boolean serviceEdited = changes.services().contains(svc.key())
          && frontendHere == frontendThere;
      boolean backends = changes.sliceServices().contains(svc.key()) || serviceEdited
          || t.destinations().stream().anyMatch(d -> d.identity().pod() != null
              && changes.pods().contains(d.identity().pod().key()));
      if (backends) {
        out.add("backend changed: " + svc.key());
        if (cause == null) {
          cause = in.state.locator().locate(svc.source(), null).orElse(null);
        }
      }
      if (t.sources().stream().anyMatch(p -> changes.pods().contains(p.key()))) {
        out.add("source changed");
      }
      if (changes.settings()) {
        out.add("datapath settings changed (kube-system/cilium-config)");
      }
      if (out.isEmpty()) {
        out.add("identities changed");
      }
      return cause;
    }

    /** Where the trap's address is written in its Service. */
    private static String addressPath(Trap t) {
      Service svc = t.address().service();
      String canonical = t.address().address().toCanonicalString();
      switch (t.address().frontend()) {
        case ServiceAddress.EXTERNAL_IP -> {
          for (int i = 0; i < svc.externalIps().size(); i++) {
            if (canonical.equals(IpText.canonical(svc.externalIps().get(i)))) {
              return "spec.externalIPs[" + i + "]";
            }
          }
          return "spec.externalIPs";
        }
        case ServiceAddress.LOAD_BALANCER -> {
          return "status.loadBalancer.ingress";
        }
        default -> {
          return svc.loadBalancerClass() != null ? "spec.loadBalancerClass" : "spec.type";
        }
      }
    }
  }

  /** Node IPAM's plan of both states, and Services newly on externalIPs. */
  private static final class Publication {
    static List<Item> items(ChangeSet changes, DiffScope scope, Evaluated b, Evaluated a,
        Settings settings) {
      List<Item> out = new ArrayList<>();
      NodeIpam ipam = new NodeIpam(settings.audit().nodeIpam());
      NodePool poolB = NodePool.of(b.state.snapshot().nodes());
      NodePool poolA = NodePool.of(a.state.snapshot().nodes());
      Set<String> keys = new TreeSet<>();
      if (scope.plannedServices() == null) {
        b.state.snapshot().services().forEach(s -> keys.add(s.key()));
        a.state.snapshot().services().forEach(s -> keys.add(s.key()));
      } else {
        keys.addAll(scope.plannedServices());
      }
      for (String key : keys) {
        Optional<Service> sb = b.service(key);
        Optional<Service> sa = a.service(key);
        List<String> was = sb.map(s -> published(ipam, s, poolB, b.state.snapshot()))
            .orElse(List.of());
        List<String> will = sa.map(s -> published(ipam, s, poolA, a.state.snapshot()))
            .orElse(List.of());
        for (String ip : will) {
          if (!was.contains(ip)) {
            out.add(address(ItemType.ADDRESS_PUBLISHED, Level.NOTE, sa.get(), ip, a,
                "Node IPAM publishes " + ip + " for " + key));
          }
        }
        List<String> gone = was.stream().filter(ip -> !will.contains(ip)).toList();
        for (String ip : gone) {
          Service s = sa.orElse(sb.get());
          Evaluated where = sa.isPresent() ? a : b;
          out.add(address(ItemType.ADDRESS_WITHDRAWN, Level.WARNING, s, ip, where,
              "Node IPAM withdraws " + ip + " from " + key
                  + (sa.isEmpty() ? " (the Service is gone)" : "")));
        }
        String from = sa.or(() -> sb).map(s -> s.annotations().get(MigrationPlanner.MIGRATED_FROM))
            .orElse(null);
        if (from != null && !gone.isEmpty()) {
          Service s = sa.orElse(sb.get());
          Evaluated where = sa.isPresent() ? a : b;
          out.add(new Item(ItemType.MIGRATION_STALE, Level.WARNING, key, String.join(",", gone),
              null, null, null, null, null, null, null, 0, List.of(), List.of(), List.of(),
              where.state.locator().locate(s.source(), null).orElse(null),
              where.state.locator().locate(s.source(),
                  "metadata.annotations." + MigrationPlanner.MIGRATED_FROM).orElse(null),
              key + " took over the addresses of " + from + " (nodeipam migrate) but no longer"
                  + " publishes " + String.join(", ", gone), null, where.state.name()));
        }
        if (sa.isPresent()) {
          newExternalIps(sb, sa.get(), a, out);
        }
      }
      return out;
    }

    private static void newExternalIps(
        Optional<Service> before, Service after, Evaluated a, List<Item> out) {
      Set<String> old = new TreeSet<>();
      before.ifPresent(s -> s.externalIps().forEach(ip -> old.add(canonical(ip))));
      List<String> added = new ArrayList<>();
      int first = -1;
      for (int i = 0; i < after.externalIps().size(); i++) {
        String c = canonical(after.externalIps().get(i));
        if (!old.contains(c)) {
          added.add(c);
          first = first < 0 ? i : first;
        }
      }
      if (added.isEmpty()) {
        return;
      }
      Locator at = a.state.locator();
      out.add(new Item(ItemType.EXTERNAL_IPS_ADDED, Level.WARNING, after.key(),
          String.join(",", added), null, null, null, null, null, null, null, 0, List.of(),
          List.of(), List.of(), at.locate(after.source(), null).orElse(null),
          at.locate(after.source(), "spec.externalIPs[" + first + "]").orElse(null),
          after.key() + " adds " + String.join(", ", added) + " to spec.externalIPs, which"
              + " Kubernetes deprecates (v1.36; CVE-2020-8554); under Cilium the address is no"
              + " longer world to policy. nodeipam migrate --service " + after.key()
              + " moves it to a Node IPAM LoadBalancer.", null, "after"));
    }

    private static String canonical(String ip) {
      String c = IpText.canonical(ip);
      return c == null ? ip : c;
    }

    private static List<String> published(
        NodeIpam ipam, Service s, NodePool pool, ClusterSnapshot snapshot) {
      IngressDecision d = ipam.decide(s, pool, snapshot.slicesOf(s.namespace(), s.name()));
      if (!d.handled() || d.isError() || d.ingress() == null) {
        return List.of();
      }
      return d.ingress();
    }

    private static Item address(ItemType type, Level level, Service s, String ip, Evaluated in,
        String message) {
      Locator at = in.state.locator();
      return new Item(type, level, s.key(), ip, null, null, null, null, null, null, null, 0,
          List.of(), List.of(), List.of(), at.locate(s.source(), null).orElse(null),
          at.locate(s.source(), s.loadBalancerClass() != null ? "spec.loadBalancerClass"
              : "spec.type").orElse(null), message, null, in.state.name());
    }
  }
}

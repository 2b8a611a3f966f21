package dev.nodeipam.diff;

import dev.nodeipam.ipam.ClasslessDefault;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.migrate.MigrationPlanner;
import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.ExternalIps;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Node IPAM's plan of both states, and Services newly on externalIPs. */
final class Publication {
  static List<Item> items(ChangeSet changes, DiffScope scope, EvaluatedState b, EvaluatedState a,
      StateDiff.Settings settings) {
    List<Item> out = new ArrayList<>();
    // Each state decides class-less LoadBalancers by its own cilium-config, so a change of
    // default-lb-service-ipam shows as addresses published or withdrawn.
    NodeIpam ipamB = new NodeIpam(
        ClasslessDefault.applied(settings.audit().nodeIpam(), b.state.snapshot()));
    NodeIpam ipamA = new NodeIpam(
        ClasslessDefault.applied(settings.audit().nodeIpam(), a.state.snapshot()));
    NodePool poolB = NodePool.of(b.state.snapshot());
    NodePool poolA = NodePool.of(a.state.snapshot());
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
      List<String> was = sb.map(s -> published(ipamB, s, poolB, b.state.snapshot()))
          .orElse(List.of());
      List<String> will = sa.map(s -> published(ipamA, s, poolA, a.state.snapshot()))
          .orElse(List.of());
      // A Node IPAM Service publishes an address per node: compared as sets, not list by list.
      Set<String> wasSet = new HashSet<>(was);
      Set<String> willSet = new HashSet<>(will);
      for (String ip : will) {
        if (!wasSet.contains(ip)) {
          out.add(address(ItemType.ADDRESS_PUBLISHED, Level.NOTE, sa.get(), ip, a,
              "Node IPAM publishes " + ip + " for " + key));
        }
      }
      List<String> gone = was.stream().filter(ip -> !willSet.contains(ip)).toList();
      for (String ip : gone) {
        Service s = sa.orElse(sb.get());
        EvaluatedState where = sa.isPresent() ? a : b;
        out.add(address(ItemType.ADDRESS_WITHDRAWN, Level.WARNING, s, ip, where,
            "Node IPAM withdraws " + ip + " from " + key
                + (sa.isEmpty() ? " (the Service is gone)" : "")));
      }
      String from = sa.or(() -> sb).map(s -> s.annotations().get(MigrationPlanner.MIGRATED_FROM))
          .orElse(null);
      if (from != null && !gone.isEmpty()) {
        Service s = sa.orElse(sb.get());
        EvaluatedState where = sa.isPresent() ? a : b;
        out.add(Item.builder()
            .type(ItemType.MIGRATION_STALE)
            .level(Level.WARNING)
            .service(key)
            .address(String.join(",", gone))
            .location(where.state.locator().locate(s.source(), null).orElse(null))
            .cause(where.state.locator().locate(s.source(),
                "metadata.annotations." + MigrationPlanner.MIGRATED_FROM).orElse(null))
            .message(
                key + " took over the addresses of " + from + " (nodeipam migrate) but no"
                    + " longer publishes " + String.join(", ", gone))
            .state(where.state.name())
            .build());
      }
      if (sa.isPresent()) {
        newExternalIps(sb, sa.get(), a, out);
      }
    }
    return out;
  }

  private static void newExternalIps(
      Optional<Service> before, Service after, EvaluatedState a, List<Item> out) {
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
    out.add(Item.builder()
        .type(ItemType.EXTERNAL_IPS_ADDED)
        .level(Level.WARNING)
        .service(after.key())
        .address(String.join(",", added))
        .location(at.locate(after.source(), null).orElse(null))
        .cause(at.locate(after.source(), "spec.externalIPs[" + first + "]").orElse(null))
        .message(after.key() + " adds " + String.join(", ", added) + " to spec.externalIPs, "
            + ExternalIps.DEPRECATED + "; under Cilium the address is no"
            + " longer world to policy. nodeipam migrate --service " + after.key()
            + " moves it to a Node IPAM LoadBalancer.")
        .state("after")
        .build());
  }

  private static String canonical(String ip) {
    String c = IpText.canonical(ip);
    return c == null ? ip : c;
  }

  private static List<String> published(
      NodeIpam ipam, Service s, NodePool pool, ClusterSnapshot snapshot) {
    return ipam.decide(s, pool, snapshot.slicesOf(s.namespace(), s.name())).published();
  }

  private static Item address(ItemType type, Level level, Service s, String ip, EvaluatedState in,
      String message) {
    Locator at = in.state.locator();
    return Item.builder()
        .type(type)
        .level(level)
        .service(s.key())
        .address(ip)
        .location(at.locate(s.source(), null).orElse(null))
        .cause(at.locate(s.source(), s.loadBalancerClass() != null ? "spec.loadBalancerClass"
            : "spec.type").orElse(null))
        .message(message)
        .state(in.state.name())
        .build();
  }
}

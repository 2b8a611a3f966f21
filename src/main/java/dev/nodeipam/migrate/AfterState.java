package dev.nodeipam.migrate;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster as the plan leaves it: the nodes with their new labels, each migrated Service
 * replaced by its planned Services, and the EndpointSlices the new Services get.
 */
final class AfterState {
  private AfterState() {}

  static ClusterSnapshot of(
      ClusterSnapshot before,
      Map<String, Map<String, String>> labelsToAdd,
      List<ServiceMigration> drafts) {
    ClusterSnapshot.Builder b = ClusterSnapshot.builder();
    for (Node n : before.nodes()) {
      Map<String, String> added = labelsToAdd.get(n.name());
      if (added == null) {
        b.node(n);
      } else {
        Map<String, String> merged = new TreeMap<>(n.labels());
        merged.putAll(added);
        // toBuilder: every other component (the E13 annotation too) stays as it was.
        b.node(n.toBuilder().labels(merged).build());
      }
    }
    Map<String, List<PlannedService>> replaced = new HashMap<>();
    for (ServiceMigration d : drafts) {
      if (d.migratable()) {
        replaced.put(d.before().key(), d.after());
      }
    }
    for (Service s : before.services()) {
      List<PlannedService> planned = replaced.get(s.key());
      if (planned == null) {
        b.service(s);
      } else {
        planned.forEach(p -> b.service(p.service()));
      }
    }
    before.endpointSlices().forEach(b::endpointSlice);
    // The EndpointSlice controller gives a new Service with the same selector the same endpoints.
    for (ServiceMigration d : drafts) {
      for (PlannedService p : d.after()) {
        if (p.role().equals(PlannedService.NEW)) {
          for (EndpointSlice e : before.slicesOf(d.before().namespace(), d.before().name())) {
            b.endpointSlice(
                new EndpointSlice(
                    e.namespace(),
                    p.service().name() + "-" + e.name(),
                    p.service().name(),
                    e.addressType(),
                    e.endpoints(),
                    e.ports(),
                    e.source()));
          }
        }
      }
    }
    before.pods().forEach(b::pod);
    before.namespaces().forEach(b::namespace);
    before.workloads().forEach(b::workload);
    before.policies().forEach(b::policy);
    before.addressClaims().forEach(b::addressClaim);
    before.ciliumConfig().ifPresent(b::ciliumConfig);
    before.daemonSets().forEach(b::daemonSet);
    before.ciliumConfigSource().ifPresent(b::ciliumConfigSource);
    return b.build();
  }
}

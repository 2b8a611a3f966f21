package dev.nodeipam.migrate;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
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
    List<Node> nodes = new ArrayList<>();
    for (Node n : before.nodes()) {
      Map<String, String> added = labelsToAdd.get(n.name());
      if (added == null) {
        nodes.add(n);
      } else {
        Map<String, String> merged = new TreeMap<>(n.labels());
        merged.putAll(added);
        // toBuilder: every other component (the E13 annotation too) stays as it was.
        nodes.add(n.toBuilder().labels(merged).build());
      }
    }
    Map<String, List<PlannedService>> replaced = new HashMap<>();
    for (ServiceMigration d : drafts) {
      if (d.migratable()) {
        replaced.put(d.before().key(), d.after());
      }
    }
    List<Service> services = new ArrayList<>();
    for (Service s : before.services()) {
      List<PlannedService> planned = replaced.get(s.key());
      if (planned == null) {
        services.add(s);
      } else {
        planned.forEach(p -> services.add(p.service()));
      }
    }
    // toBuilder: every other object and setting of the cluster stays as it was.
    ClusterSnapshot.Builder b = before.toBuilder().nodes(nodes).services(services);
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
    return b.build();
  }
}

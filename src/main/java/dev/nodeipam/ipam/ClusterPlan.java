package dev.nodeipam.ipam;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The Node IPAM decision for every Service of a snapshot: what {@code nodeipam plan} shows. */
public final class ClusterPlan {
  private ClusterPlan() {}

  /** One Service and its decision. */
  public record Entry(Service service, IngressDecision decision) {}

  /** Every Service, sorted by namespace then name. */
  public static List<Entry> compute(ClusterSnapshot snapshot, NodeIpamOptions options) {
    NodePool pool = NodePool.of(snapshot.nodes());
    NodeIpam ipam = new NodeIpam(ClasslessDefault.applied(options, snapshot));
    List<Service> services = new ArrayList<>(snapshot.services());
    services.sort(Comparator.comparing(Service::namespace).thenComparing(Service::name));
    List<Entry> entries = new ArrayList<>(services.size());
    for (Service service : services) {
      entries.add(
          new Entry(
              service,
              ipam.decide(service, pool, snapshot.slicesOf(service.namespace(), service.name()))));
    }
    return entries;
  }
}

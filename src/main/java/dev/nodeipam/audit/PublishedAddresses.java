package dev.nodeipam.audit;

import dev.nodeipam.ipam.ClasslessDefault;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.DatapathServices;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Service addresses a pod can dial besides ClusterIPs: {@code spec.externalIPs}, the
 * LoadBalancer addresses in the status, and for Services of the Node IPAM class that have no
 * status yet the addresses the Node IPAM core would publish. Those planned addresses are written
 * into a copy of the snapshot, so that the policy engine sees them as the frontends they will be.
 *
 * @param snapshot the snapshot with the planned statuses written in
 * @param addresses every such address, Services in namespace/name order
 */
public record PublishedAddresses(ClusterSnapshot snapshot, List<ServiceAddress> addresses) {

  public PublishedAddresses {
    // The compact form is immutable already; copying it would build every address.
    addresses = addresses instanceof CompactAddresses ? addresses : List.copyOf(addresses);
  }

  /** Finds the addresses, planning the Node IPAM Services without status. */
  public static PublishedAddresses of(ClusterSnapshot snapshot, NodeIpamOptions options) {
    return of(snapshot, options, s -> true, null);
  }

  /**
   * The addresses of some Services only, planning only those: a cluster where thousands of Node
   * IPAM Services publish thousands of node addresses each need not plan them all to audit one.
   */
  public static PublishedAddresses of(ClusterSnapshot snapshot, NodeIpamOptions options,
      Predicate<Service> only) {
    return of(snapshot, options, only, null);
  }

  /**
   * How many addresses {@link #of} finds, without building them: for an audit that knows no rule
   * of the cluster can be trapped.
   */
  public static int count(ClusterSnapshot snapshot, NodeIpamOptions options) {
    return count(snapshot, options, s -> true);
  }

  /** {@link #count(ClusterSnapshot, NodeIpamOptions)} for some Services only. */
  public static int count(ClusterSnapshot snapshot, NodeIpamOptions options,
      Predicate<Service> only) {
    int[] n = new int[1];
    of(snapshot, options, only, n);
    return n[0];
  }

  /** The addresses; or, with {@code count} given, just how many there are (null returned). */
  private static PublishedAddresses of(ClusterSnapshot snapshot, NodeIpamOptions options,
      Predicate<Service> only, int[] count) {
    Map<String, List<String>> planned = new HashMap<>();
    Map<String, String> plannedMode = new HashMap<>();
    NodeIpam ipam = new NodeIpam(ClasslessDefault.applied(options, snapshot));
    NodePool pool = NodePool.of(snapshot);
    for (Service service : snapshot.services()) {
      boolean noStatus = service.ingress().stream().noneMatch(i -> i.ip() != null);
      if (!noStatus || !only.test(service)) {
        continue;
      }
      IngressDecision d =
          ipam.decide(service, pool, snapshot.slicesOf(service.namespace(), service.name()));
      if (!d.published().isEmpty()) {
        planned.put(service.key(), d.published());
        plannedMode.put(service.key(), d.ipMode());
      }
    }
    if (count != null) {
      // The same addresses as below, without building them: each distinct text parsed once.
      Map<String, Boolean> valid = new HashMap<>();
      Predicate<String> ok =
          ip -> ip != null && valid.computeIfAbsent(ip, t -> IpText.parse(t) != null);
      int n = 0;
      for (Service s : snapshot.services()) {
        if (s.type() != ServiceType.EXTERNAL_NAME && !s.deleting() && only.test(s)
            && DatapathServices.hasFrontends(s)) {
          n += (int) s.externalIps().stream().filter(ok).count();
          if (s.type() == ServiceType.LOAD_BALANCER) {
            List<String> p = planned.get(s.key());
            n += p != null ? (int) p.stream().filter(ok).count()
                : (int) s.ingress().stream().filter(i -> ok.test(i.ip())).count();
          }
        }
      }
      count[0] = n;
      return null;
    }
    ClusterSnapshot published =
        planned.isEmpty() ? snapshot : withStatus(snapshot, planned, plannedMode);
    List<Service> services = new ArrayList<>(published.services());
    services.sort(
        Comparator.comparing(Service::namespace).thenComparing(Service::name));
    CompactAddresses.Builder out = new CompactAddresses.Builder();
    // Node IPAM Services share the nodes' addresses: parse each address text once, and hold
    // each published address as an index into the distinct ones.
    Map<String, IPAddress> parsed = new HashMap<>();
    for (Service s : services) {
      if (s.type() == ServiceType.EXTERNAL_NAME || s.deleting() || !only.test(s)
          || !DatapathServices.hasFrontends(s)) {
        continue;
      }
      for (String ip : s.externalIps()) {
        add(out, parsed, s, ip, ServiceAddress.EXTERNAL_IP);
      }
      if (s.type() == ServiceType.LOAD_BALANCER) {
        String frontend =
            planned.containsKey(s.key()) ? ServiceAddress.NODE_IPAM : ServiceAddress.LOAD_BALANCER;
        for (Service.LoadBalancerIngress in : s.ingress()) {
          if (in.ip() != null) {
            add(out, parsed, s, in.ip(), frontend);
          }
        }
      }
    }
    return new PublishedAddresses(published, out.build());
  }

  private static void add(CompactAddresses.Builder out, Map<String, IPAddress> parsed, Service s,
      String ip, String frontend) {
    IPAddress a = parsed.computeIfAbsent(ip, IpText::parse);
    if (a != null) {
      out.add(s, a, frontend);
    }
  }

  private static ClusterSnapshot withStatus(
      ClusterSnapshot in, Map<String, List<String>> planned, Map<String, String> modes) {
    List<Service> services = new ArrayList<>();
    // One status entry per (ipMode, address), shared by every Service that publishes it.
    Map<String, Map<String, Service.LoadBalancerIngress>> shared = new HashMap<>();
    for (Service s : in.services()) {
      List<String> ips = planned.get(s.key());
      if (ips == null) {
        services.add(s);
        continue;
      }
      String mode = modes.get(s.key());
      Map<String, Service.LoadBalancerIngress> inMode =
          shared.computeIfAbsent(String.valueOf(mode), m -> new HashMap<>());
      List<Service.LoadBalancerIngress> ingress = new ArrayList<>(ips.size());
      for (String ip : ips) {
        ingress.add(inMode.computeIfAbsent(ip, k -> new Service.LoadBalancerIngress(ip, null,
            mode)));
      }
      services.add(s.toBuilder().ingress(ingress).build());
    }
    return in.toBuilder().services(services).build();
  }
}

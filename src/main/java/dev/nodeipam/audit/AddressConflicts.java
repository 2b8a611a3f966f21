package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Addresses and ports that several Services claim (externalIPs, LoadBalancer ingress in the status;
 * not the addresses Node IPAM would publish for a Service that has no status yet): one frontend,
 * one set of backends, so all but one of the Services never get that traffic. The one the datapath
 * serves is the one its frontend table translates the address to, as the audit's own targets choose
 * it.
 */
public final class AddressConflicts {
  /** How many of the claiming Services a message names; the finding's extra lists them all. */
  private static final int NAMED = 3;

  private AddressConflicts() {}

  /**
   * One claim: an address, a port and a protocol, the Services that claim it in namespace/name
   * order, and the one the datapath translates it to (null where the frontend table has none).
   */
  public record Conflict(String address, int port, Protocol protocol, List<String> services,
      String served) {
    public Conflict {
      services = List.copyOf(services);
    }

    /** {@code 198.51.100.10:80/TCP}, IPv6 in brackets. */
    public String frontend() {
      return (address.contains(":") ? "[" + address + "]" : address) + ":" + port + "/"
          + protocol;
    }
  }

  /** Every conflict among the addresses, in the addresses' order. */
  public static List<Conflict> find(List<ServiceAddress> addresses, PolicyEngine engine) {
    Map<List<Object>, Set<String>> claims = new LinkedHashMap<>();
    Map<List<Object>, ServiceAddress> first = new LinkedHashMap<>();
    for (ServiceAddress a : addresses) {
      if (ServiceAddress.NODE_IPAM.equals(a.frontend())) {
        // Planned, not claimed: a Node IPAM Service without status claims nothing yet.
        continue;
      }
      for (Service.ServicePort p : a.service().ports()) {
        Protocol protocol = Protocol.parse(p.protocol() == null ? "TCP" : p.protocol());
        if (protocol == null) {
          continue;
        }
        List<Object> key = List.of(a.address().toCanonicalString(), p.port(), protocol);
        claims.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(a.service().key());
        first.putIfAbsent(key, a);
      }
    }
    List<Conflict> out = new ArrayList<>();
    for (var e : claims.entrySet()) {
      if (e.getValue().size() < 2) {
        continue;
      }
      ServiceAddress a = first.get(e.getKey());
      int port = (Integer) e.getKey().get(1);
      Protocol protocol = (Protocol) e.getKey().get(2);
      String served = engine.frontendService(a.address(), port, protocol)
          .filter(e.getValue()::contains).orElse(null);
      List<String> services = new ArrayList<>(e.getValue());
      services.sort(null);
      out.add(new Conflict(a.address().toCanonicalString(), port, protocol, services, served));
    }
    return out;
  }

  /** The conflicts as findings: one each, at the Service served (else the first). */
  public static List<Finding> findings(List<Conflict> conflicts) {
    List<Finding> out = new ArrayList<>();
    for (Conflict c : conflicts) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("services", c.services());
      extra.put("servedBy", c.served());
      out.add(Finding.builder()
          .type(FindingType.ADDRESS_CONFLICT)
          .severity(Severity.WARNING)
          .active(true)
          .service(c.served() != null ? c.served() : c.services().get(0))
          .address(c.address())
          .port(c.port())
          .protocol(c.protocol().name())
          .message(message(c))
          .extra(extra)
          .build());
    }
    return out;
  }

  /** The sentence: who claims the frontend and who gets its traffic. */
  static String message(Conflict c) {
    int n = c.services().size();
    String named = String.join(", ", c.services().subList(0, Math.min(NAMED, n)))
        + (n > NAMED ? " and " + (n - NAMED) + " more" : "");
    String served = c.served() != null
        ? "the datapath translates it to " + c.served() + "'s backends, so the others never get"
            + " this traffic"
        : "which of them gets its traffic is not defined";
    return c.frontend() + " is claimed by " + n + " Services (" + named
        + "): " + served + ". Give each Service its own address or port.";
  }
}

package dev.nodeipam.cli;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.Workload;
import inet.ipaddr.IPAddress;
import java.util.Comparator;
import java.util.Optional;

/** Reads trace's {@code --from} and {@code --to} against a snapshot. */
final class TraceTarget {
  /** A destination: the address dialled, its port and protocol, and how the user named it. */
  record Destination(IPAddress address, int port, Protocol protocol, String named) {}

  private TraceTarget() {}

  /** A pod, or a workload (one of its pods, else its template pod). */
  static Pod source(ClusterSnapshot snapshot, String text) {
    String[] parts = text.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new BadInputException(
          "--from " + text + ": expected NAMESPACE/NAME (a pod or a workload)");
    }
    String ns = parts[0];
    String name = parts[1];
    Optional<Pod> pod =
        snapshot.podsIn(ns).stream()
            .filter(p -> p.name().equals(name))
            .min(Comparator.comparing(Pod::isTemplate));
    if (pod.isPresent()) {
      return pod.get();
    }
    for (Workload w : snapshot.workloads()) {
      if (w.namespace().equals(ns) && w.name().equals(name)) {
        return snapshot.podsIn(ns).stream()
            .filter(p -> !p.isTemplate() && w.selector().matches(p.labels()))
            .min(Comparator.comparing(Pod::name))
            .orElseThrow(
                () ->
                    new BadInputException(
                        "--from "
                            + text
                            + ": "
                            + w.kind()
                            + " "
                            + w.key()
                            + " has no pod in the input"));
      }
    }
    throw new BadInputException(
        "--from " + text + ": no pod or workload " + name + " in namespace " + ns);
  }

  /**
   * {@code IP:PORT}, {@code [IPv6]:PORT}, {@code NS/SERVICE:PORT} or {@code NS/POD:PORT}, with an
   * optional protocol.
   */
  static Destination destination(ClusterSnapshot snapshot, String text) {
    String rest = text;
    Protocol protocol = Protocol.TCP;
    int slashProto = rest.lastIndexOf('/');
    if (slashProto > 0 && slashProto > rest.lastIndexOf(':')) {
      String name = rest.substring(slashProto + 1);
      protocol = Protocol.parse(name);
      if (protocol == null) {
        throw bad(text, "protocol \"" + name + "\" cannot be traced: give tcp, udp or sctp"
            + (name.toLowerCase(java.util.Locale.ROOT).startsWith("icmp")
                ? " (ICMP has no ports; Cilium's ICMP rules are not modelled)"
                : ""));
      }
      rest = rest.substring(0, slashProto);
    }
    if (rest.startsWith("[") && !rest.matches("\\[[^]]*\\]:.*")) {
      throw bad(text, (rest.contains("]") ? "\"" + rest + "\" has no port" : "no closing ]")
          + ": write an IPv6 destination as [ADDRESS]:PORT, e.g. [2001:db8::1]:443");
    }
    int colon = rest.lastIndexOf(':');
    if (colon <= 0 || colon == rest.length() - 1) {
      throw bad(text, "expected ADDRESS:PORT[/tcp|udp|sctp], [IPv6]:PORT or NAMESPACE/NAME:PORT");
    }
    String host = rest.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(rest.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw bad(text, "\"" + rest.substring(colon + 1) + "\" is not a port number");
    }
    if (port < 1 || port > 65535) {
      throw bad(text, "port " + port + " is not between 1 and 65535");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      IPAddress a = IpText.parse(host.substring(1, host.length() - 1));
      if (a == null || !a.isIPv6()) {
        throw bad(text, "\"" + host + "\" is not an IPv6 address");
      }
      return new Destination(a, port, protocol, null);
    }
    if (host.contains("/")) {
      return named(snapshot, text, host, port, protocol);
    }
    IPAddress a = IpText.parse(host);
    if (a == null || !a.isIPv4()) {
      throw bad(text, "\"" + host + "\" is not an IPv4 address (write IPv6 as [address]:port)");
    }
    return new Destination(a, port, protocol, null);
  }

  private static Destination named(
      ClusterSnapshot snapshot, String text, String host, int port, Protocol protocol) {
    String[] parts = host.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw bad(text, "expected NAMESPACE/NAME:PORT");
    }
    Optional<Service> svc = snapshot.service(parts[0], parts[1]);
    if (svc.isPresent()) {
      IPAddress a =
          svc.get().clusterIps().stream()
              .map(IpText::parse)
              .filter(x -> x != null)
              .findFirst()
              .orElseThrow(() -> bad(text, "Service " + host + " has no ClusterIP (headless?)"));
      return new Destination(a, port, protocol, "the ClusterIP of Service " + host);
    }
    Optional<Pod> pod =
        snapshot.podsIn(parts[0]).stream().filter(p -> p.name().equals(parts[1])).findFirst();
    if (pod.isPresent()) {
      IPAddress a =
          pod.get().ips().stream()
              .map(IpText::parse)
              .filter(x -> x != null)
              .findFirst()
              .orElseThrow(() -> bad(text, "pod " + host + " has no IP in the input"));
      return new Destination(a, port, protocol, "pod " + host);
    }
    throw bad(text, "no Service or pod " + parts[1] + " in namespace " + parts[0]);
  }

  private static BadInputException bad(String text, String problem) {
    return new BadInputException("--to " + text + ": " + problem);
  }
}

package dev.nodeipam.cli;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.Workload;
import inet.ipaddr.IPAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Reads trace's {@code --from} and {@code --to} against a snapshot. */
final class TraceTarget {
  /**
   * A destination: the address dialled, its port and protocol, and how the user named it; or,
   * for a pod without an address (a workload's template pod, a pod without status.podIP), the
   * pod itself, judged by identity ({@code address} null).
   */
  record Destination(IPAddress address, int port, Protocol protocol, String named, Pod pod) {
    Destination(IPAddress address, int port, Protocol protocol, String named) {
      this(address, port, protocol, named, null);
    }

    boolean dialled() {
      return address != null;
    }

    /** {@code ns/name:443/TCP}, for a destination named by identity. */
    String text() {
      return pod.key() + ":" + port + "/" + protocol;
    }
  }

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
   * {@code IP:PORT}, {@code [IPv6]:PORT}, {@code NS/SERVICE:PORT}, {@code NS/POD:PORT} or {@code
   * NS/WORKLOAD:PORT} (a port by number, or by name for a Service or pod), with an optional
   * protocol.
   */
  static Destination destination(PolicyEngine engine, String text) {
    ClusterSnapshot snapshot = engine.snapshot();
    String rest = text;
    Protocol protocol = Protocol.TCP;
    int slashProto = rest.lastIndexOf('/');
    boolean protocolGiven = false;
    if (slashProto > 0 && slashProto > rest.lastIndexOf(':')) {
      String name = rest.substring(slashProto + 1);
      protocol = Protocol.parse(name);
      if (protocol == null) {
        throw bad(text, "protocol \"" + name + "\" cannot be traced: give tcp, udp or sctp"
            + (name.toLowerCase(Locale.ROOT).startsWith("icmp")
                ? " (ICMP has no ports; Cilium's ICMP rules are not modelled)"
                : ""));
      }
      rest = rest.substring(0, slashProto);
      protocolGiven = true;
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
    String portText = rest.substring(colon + 1);
    if (host.contains("/") && !host.startsWith("[") && !isNumber(portText)) {
      return named(engine, text, host, portText, protocol, protocolGiven);
    }
    int port = port(text, portText);
    if (host.startsWith("[") && host.endsWith("]")) {
      IPAddress a = IpText.parse(host.substring(1, host.length() - 1));
      if (a == null || !a.isIPv6()) {
        throw bad(text, "\"" + host + "\" is not an IPv6 address");
      }
      return new Destination(a, port, protocol, null);
    }
    if (host.contains("/")) {
      return named(engine, text, host, portText, protocol, protocolGiven);
    }
    IPAddress a = IpText.parse(host);
    if (a == null || !a.isIPv4()) {
      throw bad(text, "\"" + host + "\" is not an IPv4 address (write IPv6 as [address]:port)");
    }
    return new Destination(a, port, protocol, null);
  }

  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
  }

  private static int port(String text, String portText) {
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw bad(text, "\"" + portText + "\" is not a port number (a named port needs"
          + " NAMESPACE/NAME:PORT)");
    }
    if (port < 1 || port > 65535) {
      throw bad(text, "port " + port + " is not between 1 and 65535");
    }
    return port;
  }

  /**
   * {@code NS/NAME:PORT}: a Service (its ClusterIP), a pod (its IP, else its identity), or a
   * workload (one of its pods, else its template pod by identity). A named port is the Service's
   * port of that name, or the pod's container port of that name; its protocol comes with it
   * unless the text gives one.
   */
  private static Destination named(PolicyEngine engine, String text, String hostText,
      String portText, Protocol protocol, boolean protocolGiven) {
    ClusterSnapshot snapshot = engine.snapshot();
    String[] all = hostText.split("/", -1);
    if (all.length < 2 || all.length > 3 || Arrays.stream(all).anyMatch(String::isEmpty)) {
      throw bad(text, "expected NAMESPACE/NAME:PORT or NAMESPACE/KIND/NAME:PORT");
    }
    // NS/KIND/NAME says which object is meant when a Service and a workload share the name.
    String kind = all.length == 3 ? all[1].toLowerCase(Locale.ROOT) : null;
    String[] parts = {all[0], all[all.length - 1]};
    String host = parts[0] + "/" + parts[1];
    boolean numeric = isNumber(portText);
    boolean anyKind = kind == null;
    Optional<Service> svc = anyKind || kind.equals("service") || kind.equals("svc")
        ? snapshot.service(parts[0], parts[1]) : Optional.empty();
    if (kind != null && (kind.equals("service") || kind.equals("svc")) && svc.isEmpty()) {
      throw bad(text, "no Service " + parts[1] + " in namespace " + parts[0]);
    }
    if (svc.isPresent()) {
      return service(engine, text, svc.get(), numeric, portText, protocol, protocolGiven);
    }
    Optional<Pod> pod = anyKind || kind.equals("pod")
        ? snapshot.podsIn(parts[0]).stream()
            .filter(x -> x.name().equals(parts[1]) && !x.isTemplate())
            .findFirst()
        : Optional.empty();
    String what = "pod " + host;
    if (pod.isEmpty()) {
      Optional<Workload> w = kind != null && kind.equals("pod") ? Optional.empty()
          : snapshot.workloads().stream()
              .filter(x -> x.namespace().equals(parts[0]) && x.name().equals(parts[1])
                  && (anyKind || x.kind().equalsIgnoreCase(kind)))
              .findFirst();
      if (w.isEmpty()) {
        throw bad(text, "no " + (anyKind ? "Service, pod or workload" : all[1]) + " " + parts[1]
            + " in namespace " + parts[0]);
      }
      // A real pod of the workload when the input has one (with an address, preferably), else
      // the template pod that stands for them.
      pod = snapshot.podsIn(parts[0]).stream()
          .filter(x -> !x.isTemplate() && w.get().selector() != null
              && w.get().selector().matches(x.labels()))
          .min(Comparator.comparing((Pod x) -> x.ips().isEmpty()).thenComparing(Pod::name));
      if (pod.isEmpty()) {
        pod = snapshot.podsIn(parts[0]).stream()
            .filter(x -> x.isTemplate() && x.name().equals(parts[1])).findFirst();
      }
      if (pod.isEmpty()) {
        throw bad(text, w.get().kind() + " " + host + " has no pod or template in the input");
      }
      what = pod.get().isTemplate() ? "the pod template of " + w.get().kind() + " " + host
          : "pod " + pod.get().key() + " of " + w.get().kind() + " " + host;
    }
    Pod target = pod.get();
    int port;
    Protocol p = protocol;
    if (numeric) {
      port = port(text, portText);
    } else {
      Pod.ContainerPort cp = target.ports().stream().filter(x -> portText.equals(x.name()))
          .findFirst()
          .orElseThrow(() -> bad(text, "pod " + target.key() + " declares no container port"
              + " named " + portText));
      port = cp.port();
      if (!protocolGiven && cp.protocol() != null && Protocol.parse(cp.protocol()) != null) {
        p = Protocol.parse(cp.protocol());
      }
    }
    IPAddress a = target.ips().stream().map(IpText::parse).filter(x -> x != null).findFirst()
        .orElse(null);
    if (a == null) {
      return new Destination(null, port, p, what + ", which has no address in the input", target);
    }
    return new Destination(a, port, p, what);
  }

  /**
   * A Service's port: its ClusterIP when the input has one; else, unless the Service is headless,
   * the backend the port is translated to, judged by identity (a manifest's Service has no
   * ClusterIP until the API server allocates one, and is not headless for that).
   */
  private static Destination service(PolicyEngine engine, String text, Service svc,
      boolean numeric, String portText, Protocol protocol, boolean protocolGiven) {
    String host = svc.key();
    Service.ServicePort sp = svc.ports().stream()
        .filter(x -> numeric ? String.valueOf(x.port()).equals(portText)
            && (x.protocol() == null || Protocol.parse(x.protocol()) == protocol)
            : portText.equals(x.name()))
        .findFirst().orElse(null);
    if (sp == null && !numeric) {
      throw bad(text, "Service " + host + " has no port named " + portText + " (ports: "
          + ports(svc) + ")");
    }
    Protocol p = protocol;
    int port = numeric ? port(text, portText) : sp.port();
    if (!numeric && !protocolGiven && sp.protocol() != null
        && Protocol.parse(sp.protocol()) != null) {
      p = Protocol.parse(sp.protocol());
    }
    if (svc.isHeadless()) {
      throw bad(text, "Service " + host + " is headless (clusterIP: None): no address to"
          + " translate; trace one of its pods instead (NAMESPACE/POD:PORT)");
    }
    IPAddress a = svc.clusterIps().stream().map(IpText::parse).filter(x -> x != null)
        .findFirst().orElse(null);
    if (a != null) {
      return new Destination(a, port, p, "the ClusterIP of Service " + host);
    }
    if (sp == null) {
      throw bad(text, "Service " + host + " has no port " + port + "/" + p + " (ports: "
          + ports(svc) + ")");
    }
    List<PolicyEngine.ServiceBackend> backends = engine.backendsOf(svc, sp, p);
    String why = "Service " + host + " port " + sp.port() + " (no ClusterIP in the input: the"
        + " API server allocates it)";
    if (backends.isEmpty()) {
      throw bad(text, why + " has no backend in the input: no pod or workload its selector"
          + " matches");
    }
    PolicyEngine.ServiceBackend b = backends.get(0);
    String backend = b.pod().isTemplate() ? "the pod template of " + b.pod().workload()
        : "pod " + b.pod().key();
    return new Destination(null, b.port(), p, why + ", translated to " + backend + " port "
        + b.port() + (backends.size() > 1 ? " (1 of " + backends.size() + " backends)" : ""),
        b.pod());
  }

  private static List<String> ports(Service svc) {
    return svc.ports().stream()
        .map(x -> x.name() == null ? String.valueOf(x.port()) : x.name() + "=" + x.port())
        .toList();
  }

  /**
   * {@code --from}/{@code --to} with the namespace of {@code -n} put before a name that has none,
   * as kubectl places a name in the namespace of {@code -n}. Addresses are left as they are.
   */
  static String inNamespace(String text, String namespace, boolean destination) {
    if (namespace == null || text.startsWith("[")) {
      return text;
    }
    int colon = text.lastIndexOf(':');
    String host = destination && colon > 0 ? text.substring(0, colon) : text;
    if (host.contains("/") || host.isEmpty() || (destination && IpText.parse(host) != null)) {
      return text;
    }
    return namespace + "/" + text;
  }

  private static BadInputException bad(String text, String problem) {
    return new BadInputException("--to " + text + ": " + problem);
  }
}

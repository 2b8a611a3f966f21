package dev.nodeipam.snapshot;

import dev.nodeipam.net.IpText;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The checks the API server makes on admission that the decisions rely on, applied to manifests
 * (a live cluster's objects have passed them already): names by the rule of their kind, port
 * numbers and names, and IP address text. The first problem, in input order, is reported with the
 * file, the object and the field, as the API server would name it.
 *
 * <p>Rules from Kubernetes' apimachinery {@code pkg/util/validation/validation.go} ({@code
 * IsDNS1123Label}, {@code IsDNS1123Subdomain}, {@code IsDNS1035Label}, {@code IsValidPortNum},
 * {@code IsValidPortName}) and {@code pkg/apis/core/validation/validation.go} (Service names are
 * DNS-1035 labels, namespaces DNS-1123 labels, nodes and pods DNS-1123 subdomains).
 */
public final class SnapshotValidation {
  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern PORT_NAME = Pattern.compile("[-a-z0-9]+");

  private final List<String> problems = new ArrayList<>();

  private SnapshotValidation() {}

  /**
   * Returns the snapshot when every object passes; otherwise throws one exception naming every
   * problem, in input order (see {@link Problems}).
   */
  public static ClusterSnapshot check(ClusterSnapshot snapshot) {
    SnapshotValidation v = new SnapshotValidation();
    v.run(snapshot);
    Problems.throwIfAny(v.problems);
    return snapshot;
  }

  /** Every problem of the snapshot, one line each ({@code file:line: object: field: problem}). */
  public static List<String> problems(ClusterSnapshot snapshot) {
    SnapshotValidation v = new SnapshotValidation();
    v.run(snapshot);
    return List.copyOf(v.problems);
  }

  private void run(ClusterSnapshot snapshot) {
    for (Namespace n : snapshot.namespaces()) {
      // A namespace implied by an object's metadata.namespace is reported with that object.
      if (!"(implied)".equals(n.source())) {
        label(n.source(), "Namespace " + n.name(), "metadata.name", n.name());
      }
    }
    for (Node n : snapshot.nodes()) {
      // ValidateNode (ValidateNodeName): the name is a DNS-1123 subdomain. status.addresses is
      // not checked for IP text: ValidateNodeUpdate only refuses an address twice, so the API
      // server stores any text there and live mode reads it as it is (the decisions skip an
      // address that is no IP, as Cilium's Node IPAM does).
      subdomain(n.source(), "Node " + n.name(), "metadata.name", n.name());
    }
    for (Service s : snapshot.services()) {
      service(s);
    }
    for (Pod p : snapshot.pods()) {
      String what = "Pod " + p.key();
      namespace(p.source(), what, p.namespace());
      subdomain(p.source(), what, "metadata.name", p.name());
      for (int i = 0; i < p.ips().size(); i++) {
        ip(p.source(), what, "status.podIPs[" + i + "].ip", p.ips().get(i));
      }
      containerPorts(p.source(), what, p.ports());
    }
    for (Workload w : snapshot.workloads()) {
      String what = w.kind() + " " + w.namespace() + "/" + w.name();
      namespace(w.source(), what, w.namespace());
      subdomain(w.source(), what, "metadata.name", w.name());
      containerPorts(w.source(), what, w.ports());
    }
    for (EndpointSlice e : snapshot.endpointSlices()) {
      String what = "EndpointSlice " + e.namespace() + "/" + e.name();
      namespace(e.source(), what, e.namespace());
      subdomain(e.source(), what, "metadata.name", e.name());
    }
  }

  /** ValidateService: name (ValidateServiceName), ports, externalIPs, clusterIPs, ingress IPs. */
  private void service(Service s) {
    String what = "Service " + s.key();
    namespace(s.source(), what, s.namespace());
    if (s.name().length() > 63 || !DNS1035_LABEL.matcher(s.name()).matches()) {
      fail(s.source(), what, "metadata.name", quoted(s.name())
          + " is not a valid Service name: at most 63 lower-case letters, digits or '-',"
          + " starting with a letter and ending with a letter or digit (RFC 1035 label)");
    }
    for (int i = 0; i < s.ports().size(); i++) {
      Service.ServicePort p = s.ports().get(i);
      String field = "spec.ports[" + i + "]";
      portNumber(s.source(), what, field + ".port", p.port());
      PortRef target = p.targetPort();
      if (target != null && target.isNamed()) {
        portName(s.source(), what, field + ".targetPort", target.name());
      } else if (target != null) {
        portNumber(s.source(), what, field + ".targetPort", target.number());
      }
      if (p.nodePort() != null && p.nodePort() != 0) {
        portNumber(s.source(), what, field + ".nodePort", p.nodePort());
      }
    }
    for (int i = 0; i < s.externalIps().size(); i++) {
      ip(s.source(), what, "spec.externalIPs[" + i + "]", s.externalIps().get(i));
    }
    for (int i = 0; i < s.clusterIps().size(); i++) {
      String ip = s.clusterIps().get(i);
      if (!"None".equals(ip) && !ip.isEmpty()) {
        ip(s.source(), what, "spec.clusterIPs[" + i + "]", ip);
      }
    }
    for (int i = 0; i < s.ingress().size(); i++) {
      String ip = s.ingress().get(i).ip();
      if (ip != null) {
        ip(s.source(), what, "status.loadBalancer.ingress[" + i + "].ip", ip);
      }
    }
  }

  /** validateContainerPorts: containerPort a port number, name an IANA service name. */
  private void containerPorts(String source, String what, List<Pod.ContainerPort> ports) {
    for (int i = 0; i < ports.size(); i++) {
      Pod.ContainerPort p = ports.get(i);
      portNumber(source, what, "ports[" + i + "].containerPort", p.port());
      if (p.name() != null && !p.name().isEmpty()) {
        portName(source, what, "ports[" + i + "].name", p.name());
      }
    }
  }

  /** ValidateObjectMeta with ValidateNamespaceName: a DNS-1123 label. */
  private void namespace(String source, String what, String namespace) {
    if (namespace != null) {
      label(source, what, "metadata.namespace", namespace);
    }
  }

  private void label(String source, String what, String field, String value) {
    if (value.length() > 63 || !DNS1123_LABEL.matcher(value).matches()) {
      fail(source, what, field, quoted(value)
          + " is not a valid name: at most 63 lower-case letters, digits or '-', starting and"
          + " ending with a letter or digit (RFC 1123 label)");
    }
  }

  /** ValidatePodName, ValidateNodeName, ValidateEndpointSliceName: IsDNS1123Subdomain. */
  private void subdomain(String source, String what, String field, String value) {
    if (value.length() > 253 || !DNS1123_SUBDOMAIN.matcher(value).matches()) {
      fail(source, what, field, quoted(value)
          + " is not a valid name: at most 253 lower-case letters, digits, '-' or '.',"
          + " each dot-separated part starting and ending with a letter or digit"
          + " (RFC 1123 subdomain)");
    }
  }

  /** validateServicePort, validateContainerPorts: IsValidPortNum. */
  private void portNumber(String source, String what, String field, Integer port) {
    if (port == null || port < 1 || port > 65535) {
      fail(source, what, field, (port == null ? "missing" : port)
          + " is not a valid port number: it must be between 1 and 65535");
    }
  }

  /** validateServicePort (targetPort), validateContainerPorts (name): IsValidPortName. */
  private void portName(String source, String what, String field, String name) {
    boolean valid =
        name.length() <= 15
            && PORT_NAME.matcher(name).matches()
            && name.chars().anyMatch(c -> c >= 'a' && c <= 'z')
            && !name.startsWith("-")
            && !name.endsWith("-")
            && !name.contains("--");
    if (!valid) {
      fail(source, what, field, quoted(name)
          + " is not a valid port name: at most 15 lower-case letters, digits or '-', with at"
          + " least one letter and no '-' at either end or twice in a row (RFC 6335)");
    }
  }

  /**
   * ValidateService (spec.externalIPs), ValidateServiceClusterIPsRelatedFields (spec.clusterIPs),
   * ValidateLoadBalancerStatus (ingress ip), validatePodIPs (status.podIPs): IP text.
   */
  private void ip(String source, String what, String field, String text) {
    if (IpText.parse(text) == null) {
      fail(source, what, field, quoted(text) + " is not an IP address");
    }
  }

  private static String quoted(String s) {
    return "\"" + s + "\"";
  }

  private void fail(String source, String what, String field, String problem) {
    problems.add(source + ": " + what + ": " + field + ": " + problem);
  }
}

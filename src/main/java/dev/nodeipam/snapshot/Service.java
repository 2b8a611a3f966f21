package dev.nodeipam.snapshot;

import java.util.List;
import java.util.Map;

/**
 * A Service with the API server's defaults applied (in manifest mode by the loader).
 *
 * @param selector the pod selector; null for a Service without one (endpoints managed by hand)
 * @param ingress {@code status.loadBalancer.ingress} as currently written
 */
public record Service(
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    String type,
    String loadBalancerClass,
    String externalTrafficPolicy,
    List<String> ipFamilies,
    String ipFamilyPolicy,
    List<String> clusterIps,
    List<String> externalIps,
    List<ServicePort> ports,
    Map<String, String> selector,
    List<LoadBalancerIngress> ingress,
    boolean deleting,
    String source,
    String internalTrafficPolicy) {

  /** A Service without {@code spec.internalTrafficPolicy} (the API server's default: Cluster). */
  public Service(
      String namespace,
      String name,
      Map<String, String> labels,
      Map<String, String> annotations,
      String type,
      String loadBalancerClass,
      String externalTrafficPolicy,
      List<String> ipFamilies,
      String ipFamilyPolicy,
      List<String> clusterIps,
      List<String> externalIps,
      List<ServicePort> ports,
      Map<String, String> selector,
      List<LoadBalancerIngress> ingress,
      boolean deleting,
      String source) {
    this(namespace, name, labels, annotations, type, loadBalancerClass, externalTrafficPolicy,
        ipFamilies, ipFamilyPolicy, clusterIps, externalIps, ports, selector, ingress, deleting,
        source, null);
  }

  /** {@code internalTrafficPolicy: Local}: in-cluster clients reach only backends on their node. */
  public boolean internalTrafficLocal() {
    return "Local".equals(internalTrafficPolicy);
  }

  public Service {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    ipFamilies = List.copyOf(ipFamilies);
    clusterIps = List.copyOf(clusterIps);
    externalIps = List.copyOf(externalIps);
    ports = List.copyOf(ports);
    selector = selector == null ? null : Map.copyOf(selector);
    ingress = List.copyOf(ingress);
  }

  public String key() {
    return namespace + "/" + name;
  }

  /** The current {@code status.loadBalancer.ingress} as text: each entry's IP, else its hostname. */
  public List<String> ingressAddresses() {
    return ingress.stream().map(i -> i.ip() != null ? i.ip() : i.hostname()).toList();
  }

  /** A port of {@code spec.ports}; {@code targetPort} defaults to {@code port}. */
  public record ServicePort(
      String name, String protocol, int port, PortRef targetPort, Integer nodePort) {}

  /** An entry of {@code status.loadBalancer.ingress}. */
  public record LoadBalancerIngress(String ip, String hostname, String ipMode) {}
}

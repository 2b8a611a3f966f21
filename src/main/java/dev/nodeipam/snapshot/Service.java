package dev.nodeipam.snapshot;

import java.util.List;
import java.util.Map;

/**
 * A Service with the API server's defaults applied (in manifest mode by the loader). Built with
 * {@link #builder()} or copied with {@link #toBuilder()}: a new field is set in one place and
 * cannot be dropped by a call site that does not know it.
 *
 * @param selector the pod selector; null for a Service without one (endpoints managed by hand)
 * @param ingress {@code status.loadBalancer.ingress} as currently written
 * @param generation {@code metadata.generation}; 0 when unknown (a manifest, a Service built in
 *     code)
 * @param conditions {@code status.conditions} as currently written
 * @param uid {@code metadata.uid}; null when unknown. Events name it, or {@code kubectl describe}
 *     does not list them.
 * @param internalTrafficPolicy null when unset, which the API server reads as {@code Cluster}
 * @param object the object as it was read, as a deeply unmodifiable plain tree (every field,
 *     including those no typed component holds: {@code sessionAffinity}, {@code
 *     loadBalancerSourceRanges}, a port's {@code appProtocol}, ...); null for a Service built in
 *     code. What {@code migrate} writes starts from it, so a field it does not mean to change is
 *     kept.
 */
public record Service(
    String namespace,
    String name,
    Map<String, String> labels,
    Map<String, String> annotations,
    ServiceType type,
    String loadBalancerClass,
    TrafficPolicy externalTrafficPolicy,
    List<IpFamily> ipFamilies,
    IpFamilyPolicy ipFamilyPolicy,
    List<String> clusterIps,
    List<String> externalIps,
    List<ServicePort> ports,
    Map<String, String> selector,
    List<LoadBalancerIngress> ingress,
    boolean deleting,
    String source,
    TrafficPolicy internalTrafficPolicy,
    Map<String, Object> object,
    long generation,
    List<ServiceCondition> conditions,
    String uid) {

  public Service {
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    ipFamilies = List.copyOf(ipFamilies);
    clusterIps = List.copyOf(clusterIps);
    externalIps = List.copyOf(externalIps);
    ports = List.copyOf(ports);
    selector = selector == null ? null : Map.copyOf(selector);
    ingress = List.copyOf(ingress);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  /** The label that makes a Service headless whatever its spec (EndpointSlice mirroring's). */
  public static final String HEADLESS_LABEL = "service.kubernetes.io/headless";

  /**
   * Headless: {@code clusterIP: None} (any case, as Cilium compares it: {@code isHeadless} in
   * cilium's {@code pkg/loadbalancer/reflectors/conversions.go}) or the headless label. A Service
   * that merely lacks a ClusterIP, as every manifest's does until the API server allocates one, is
   * not.
   */
  public boolean isHeadless() {
    return labels.containsKey(HEADLESS_LABEL)
        || clusterIps.stream().anyMatch(ip -> ip.equalsIgnoreCase("None"));
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every component of this Service. */
  public Builder toBuilder() {
    return new Builder()
        .namespace(namespace)
        .name(name)
        .labels(labels)
        .annotations(annotations)
        .type(type)
        .loadBalancerClass(loadBalancerClass)
        .externalTrafficPolicy(externalTrafficPolicy)
        .ipFamilies(ipFamilies)
        .ipFamilyPolicy(ipFamilyPolicy)
        .clusterIps(clusterIps)
        .externalIps(externalIps)
        .ports(ports)
        .selector(selector)
        .ingress(ingress)
        .deleting(deleting)
        .source(source)
        .internalTrafficPolicy(internalTrafficPolicy)
        .object(object)
        .generation(generation)
        .conditions(conditions)
        .uid(uid);
  }

  /** {@code internalTrafficPolicy: Local}: in-cluster clients reach only backends on their node. */
  public boolean internalTrafficLocal() {
    return internalTrafficPolicy == TrafficPolicy.LOCAL;
  }

  public String key() {
    return namespace + "/" + name;
  }

  /**
   * The current {@code status.loadBalancer.ingress} as text: each entry's IP, else its hostname.
   */
  public List<String> ingressAddresses() {
    return ingress.stream().map(i -> i.ip() != null ? i.ip() : i.hostname()).toList();
  }

  /** A port of {@code spec.ports}; {@code targetPort} defaults to {@code port}. */
  public record ServicePort(
      String name, String protocol, int port, PortRef targetPort, Integer nodePort) {
    public ServicePort withNodePort(Integer value) {
      return new ServicePort(name, protocol, port, targetPort, value);
    }
  }

  /** An entry of {@code status.loadBalancer.ingress}. */
  public record LoadBalancerIngress(String ip, String hostname, String ipMode) {}

  /** Every component settable by name; lists and maps default to empty, the rest to null. */
  public static final class Builder {
    private String namespace;
    private String name;
    private Map<String, String> labels = Map.of();
    private Map<String, String> annotations = Map.of();
    private ServiceType type;
    private String loadBalancerClass;
    private TrafficPolicy externalTrafficPolicy;
    private List<IpFamily> ipFamilies = List.of();
    private IpFamilyPolicy ipFamilyPolicy;
    private List<String> clusterIps = List.of();
    private List<String> externalIps = List.of();
    private List<ServicePort> ports = List.of();
    private Map<String, String> selector;
    private List<LoadBalancerIngress> ingress = List.of();
    private boolean deleting;
    private String source;
    private TrafficPolicy internalTrafficPolicy;
    private Map<String, Object> object;
    private long generation;
    private List<ServiceCondition> conditions = List.of();
    private String uid;

    private Builder() {}

    public Builder uid(String value) {
      uid = value;
      return this;
    }

    public Builder generation(long value) {
      generation = value;
      return this;
    }

    public Builder conditions(List<ServiceCondition> value) {
      conditions = value;
      return this;
    }

    public Builder namespace(String value) {
      namespace = value;
      return this;
    }

    public Builder name(String value) {
      name = value;
      return this;
    }

    public Builder labels(Map<String, String> value) {
      labels = value;
      return this;
    }

    public Builder annotations(Map<String, String> value) {
      annotations = value;
      return this;
    }

    public Builder type(ServiceType value) {
      type = value;
      return this;
    }

    public Builder loadBalancerClass(String value) {
      loadBalancerClass = value;
      return this;
    }

    public Builder externalTrafficPolicy(TrafficPolicy value) {
      externalTrafficPolicy = value;
      return this;
    }

    public Builder ipFamilies(List<IpFamily> value) {
      ipFamilies = value;
      return this;
    }

    public Builder ipFamilyPolicy(IpFamilyPolicy value) {
      ipFamilyPolicy = value;
      return this;
    }

    public Builder clusterIps(List<String> value) {
      clusterIps = value;
      return this;
    }

    public Builder externalIps(List<String> value) {
      externalIps = value;
      return this;
    }

    public Builder ports(List<ServicePort> value) {
      ports = value;
      return this;
    }

    /** The pod selector; null for a Service without one. */
    public Builder selector(Map<String, String> value) {
      selector = value;
      return this;
    }

    public Builder ingress(List<LoadBalancerIngress> value) {
      ingress = value;
      return this;
    }

    public Builder deleting(boolean value) {
      deleting = value;
      return this;
    }

    public Builder source(String value) {
      source = value;
      return this;
    }

    public Builder internalTrafficPolicy(TrafficPolicy value) {
      internalTrafficPolicy = value;
      return this;
    }

    /** The object as read (a deeply unmodifiable plain tree); null for one built in code. */
    public Builder object(Map<String, Object> value) {
      object = value;
      return this;
    }

    public Service build() {
      return new Service(
          namespace, name, labels, annotations, type, loadBalancerClass, externalTrafficPolicy,
          ipFamilies, ipFamilyPolicy, clusterIps, externalIps, ports, selector, ingress, deleting,
          source, internalTrafficPolicy, object, generation, conditions,
          uid);
    }
  }
}

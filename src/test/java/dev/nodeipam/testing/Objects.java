package dev.nodeipam.testing;

import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Short builders for the snapshot records the decision tests feed the core with. */
public final class Objects {
  private Objects() {}

  public static NodeBuilder node(String name) {
    return new NodeBuilder(name);
  }

  /** A Node IPAM LoadBalancer of the default class, ETP Cluster, IPv4, in namespace default. */
  public static ServiceBuilder lb(String name) {
    return new ServiceBuilder(name);
  }

  public static SliceBuilder slice(String serviceName) {
    return new SliceBuilder("default", serviceName);
  }

  /** Builds a {@link Node}; ready, schedulable, untainted unless told otherwise. */
  public static final class NodeBuilder {
    private final String name;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final List<Node.NodeAddress> addresses = new ArrayList<>();
    private final List<Node.Taint> taints = new ArrayList<>();
    private boolean deleting;
    private String ready = "True";
    private boolean unschedulable;

    NodeBuilder(String name) {
      this.name = name;
    }

    public NodeBuilder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public NodeBuilder internal(String address) {
      return address("InternalIP", address);
    }

    public NodeBuilder external(String address) {
      return address("ExternalIP", address);
    }

    public NodeBuilder address(String type, String address) {
      addresses.add(new Node.NodeAddress(type, address));
      return this;
    }

    public NodeBuilder taint(String key, String value, String effect) {
      taints.add(new Node.Taint(key, value, effect));
      return this;
    }

    public NodeBuilder deleting() {
      deleting = true;
      return this;
    }

    public NodeBuilder ready(String status) {
      ready = status;
      return this;
    }

    public NodeBuilder cordoned() {
      unschedulable = true;
      return this;
    }

    public Node build() {
      return Node.builder()
          .name(name)
          .labels(labels)
          .addresses(addresses)
          .taints(taints)
          .deleting(deleting)
          .ready(ready)
          .unschedulable(unschedulable)
          .podCidrs(List.of())
          .source("test")
          .build();
    }
  }

  /** Builds a {@link Service}. */
  public static final class ServiceBuilder {
    private String namespace = "default";
    private final String name;
    private final Map<String, String> annotations = new LinkedHashMap<>();
    private ServiceType type = ServiceType.LOAD_BALANCER;
    private String lbClass = "io.cilium/node";
    private TrafficPolicy etp = TrafficPolicy.CLUSTER;
    private List<IpFamily> families = List.of(IpFamily.IPV4);
    private final List<Service.LoadBalancerIngress> ingress = new ArrayList<>();
    private final List<String> externalIps = new ArrayList<>();
    private boolean deleting;

    ServiceBuilder(String name) {
      this.name = name;
    }

    public ServiceBuilder namespace(String value) {
      namespace = value;
      return this;
    }

    public ServiceBuilder annotation(String key, String value) {
      annotations.put(key, value);
      return this;
    }

    public ServiceBuilder selector(String value) {
      return annotation("io.cilium.nodeipam/match-node-labels", value);
    }

    public ServiceBuilder type(ServiceType value) {
      type = value;
      return this;
    }

    public ServiceBuilder lbClass(String value) {
      lbClass = value;
      return this;
    }

    public ServiceBuilder local() {
      etp = TrafficPolicy.LOCAL;
      return this;
    }

    public ServiceBuilder etp(TrafficPolicy value) {
      etp = value;
      return this;
    }

    public ServiceBuilder families(IpFamily... values) {
      families = List.of(values);
      return this;
    }

    public ServiceBuilder currentIngress(String... ips) {
      for (String ip : ips) {
        ingress.add(new Service.LoadBalancerIngress(ip, null, null));
      }
      return this;
    }

    public ServiceBuilder externalIps(String... ips) {
      externalIps.addAll(List.of(ips));
      return this;
    }

    public ServiceBuilder deleting() {
      deleting = true;
      return this;
    }

    public Service build() {
      return Service.builder()
          .namespace(namespace)
          .name(name)
          .annotations(annotations)
          .type(type)
          .loadBalancerClass(lbClass)
          .externalTrafficPolicy(etp)
          .ipFamilies(families)
          .ipFamilyPolicy(
              families.size() == 2
                  ? IpFamilyPolicy.REQUIRE_DUAL_STACK
                  : IpFamilyPolicy.SINGLE_STACK)
          .externalIps(externalIps)
          .ports(List.of(new Service.ServicePort("http", "TCP", 80, PortRef.of(8080), null)))
          .selector(Map.of("app", name))
          .ingress(ingress)
          .deleting(deleting)
          .source("test")
          .build();
    }
  }

  /** Builds an {@link EndpointSlice} labelled for one Service. */
  public static final class SliceBuilder {
    private final String namespace;
    private final String serviceName;
    private String name;
    private final List<EndpointSlice.Endpoint> endpoints = new ArrayList<>();

    SliceBuilder(String namespace, String serviceName) {
      this.namespace = namespace;
      this.serviceName = serviceName;
      this.name = serviceName + "-abcde";
    }

    public SliceBuilder named(String value) {
      name = value;
      return this;
    }

    /** An endpoint without conditions: ready, as the API defines an absent {@code ready}. */
    public SliceBuilder on(String nodeName) {
      return endpoint(nodeName, null, null, null);
    }

    public SliceBuilder ready(String nodeName) {
      return endpoint(nodeName, true, true, false);
    }

    public SliceBuilder notReady(String nodeName) {
      return endpoint(nodeName, false, false, false);
    }

    public SliceBuilder terminating(String nodeName) {
      return endpoint(nodeName, false, true, true);
    }

    public SliceBuilder endpoint(
        String nodeName, Boolean ready, Boolean serving, Boolean terminating) {
      endpoints.add(
          new EndpointSlice.Endpoint(
              List.of("10.244.0." + (endpoints.size() + 2)),
              ready,
              serving,
              terminating,
              nodeName,
              serviceName + "-pod-" + endpoints.size()));
      return this;
    }

    public EndpointSlice build() {
      return new EndpointSlice(
          namespace,
          name,
          serviceName,
          "IPv4",
          endpoints,
          List.of(new EndpointSlice.EndpointPort("http", 8080, "TCP")),
          "test");
    }
  }
}

package dev.nodeipam.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.ManifestDefaults;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small cluster for engine tests: nodes, pods, Services and policies written as YAML. */
final class TestCluster {
  private static final ObjectMapper YAML = new YAMLMapper();

  private final ClusterSnapshot.Builder b = ClusterSnapshot.builder();
  private final Map<String, String> config = new LinkedHashMap<>();
  private boolean hasConfig;
  private int policies;
  private ClusterSnapshot built;
  private PolicyEngine engine;

  static Pod.ContainerPort port(String name, int number) {
    return new Pod.ContainerPort(name, number, "TCP");
  }

  static Service.ServicePort servicePort(int port, int target) {
    return new Service.ServicePort(null, "TCP", port, PortRef.of(target), null);
  }

  static Service.ServicePort servicePort(String name, int port, String target) {
    return new Service.ServicePort(name, "TCP", port, PortRef.named(target), null);
  }

  TestCluster node(String name, String... ips) {
    List<Node.NodeAddress> addresses = new ArrayList<>();
    for (String ip : ips) {
      addresses.add(new Node.NodeAddress("InternalIP", ip));
    }
    b.node(
        Node.builder()
            .name(name)
            .labels(Map.of())
            .addresses(addresses)
            .taints(List.of())
            .deleting(false)
            .ready("True")
            .unschedulable(false)
            .podCidrs(List.of())
            .source("test")
            .build());
    return this;
  }

  TestCluster namespace(String name, Map<String, String> labels) {
    b.namespace(new Namespace(name, labels, "test"));
    return this;
  }

  TestCluster pod(
      String key, String node, String ip, Map<String, String> labels, Pod.ContainerPort... ports) {
    return pod(key, node, ip, labels, "default", false, ports);
  }

  TestCluster pod(
      String key,
      String node,
      String ip,
      Map<String, String> labels,
      String serviceAccount,
      boolean hostNetwork,
      Pod.ContainerPort... ports) {
    String[] p = key.split("/");
    List<String> ips = ip == null ? List.of() : List.of(ip.split(","));
    b.pod(
        Pod.builder()
            .namespace(p[0])
            .name(p[1])
            .labels(labels)
            .serviceAccount(serviceAccount)
            .nodeName(node)
            .hostNetwork(hostNetwork)
            .ips(ips)
            .ports(List.of(ports))
            .ready(true)
            .deleting(false)
            .workload(null)
            .source("test")
            .build());
    return this;
  }

  TestCluster template(
      String key, String workload, Map<String, String> labels, Pod.ContainerPort... ports) {
    String[] p = key.split("/");
    b.pod(
        Pod.builder()
            .namespace(p[0])
            .name(p[1])
            .labels(labels)
            .serviceAccount(null)
            .nodeName(null)
            .hostNetwork(false)
            .ips(List.of())
            .ports(List.of(ports))
            .ready(true)
            .deleting(false)
            .workload(workload)
            .source("test")
            .build());
    return this;
  }

  /** Any Service as it is. */
  TestCluster service(Service service) {
    b.service(service);
    return this;
  }

  TestCluster service(
      String key,
      String clusterIp,
      Map<String, String> selector,
      List<String> externalIps,
      List<Service.LoadBalancerIngress> ingress,
      Service.ServicePort... ports) {
    String[] p = key.split("/");
    b.service(
        Service.builder()
            .namespace(p[0])
            .name(p[1])
            .type(ingress.isEmpty() ? ServiceType.CLUSTER_IP : ServiceType.LOAD_BALANCER)
            .clusterIps(clusterIp == null ? List.of() : List.of(clusterIp.split(",")))
            .externalIps(externalIps)
            .ports(List.of(ports))
            .selector(selector)
            .ingress(ingress)
            .source("test")
            .build());
    return this;
  }

  TestCluster slice(String serviceKey, Integer port, EndpointSlice.Endpoint... endpoints) {
    String[] p = serviceKey.split("/");
    b.endpointSlice(
        new EndpointSlice(
            p[0],
            p[1] + "-abc",
            p[1],
            "IPv4",
            List.of(endpoints),
            List.of(new EndpointSlice.EndpointPort(null, port, "TCP")),
            "test"));
    return this;
  }

  static EndpointSlice.Endpoint endpoint(String ip, String pod, boolean ready) {
    return new EndpointSlice.Endpoint(List.of(ip), ready, ready, false, null, pod);
  }

  /** A policy object written as YAML (apiVersion, kind, metadata, spec). */
  @SuppressWarnings("unchecked")
  TestCluster policy(String yaml) {
    try {
      Map<String, Object> body = YAML.readValue(yaml, Map.class);
      Map<String, Object> meta =
          (Map<String, Object>) body.getOrDefault("metadata", new HashMap<>());
      policies++;
      b.policy(
          new RawObject(
              (String) body.get("apiVersion"),
              (String) body.get("kind"),
              (String) meta.get("namespace"),
              (String) meta.get("name"),
              body,
              "test.yaml:" + policies));
      return this;
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  TestCluster config(String key, String value) {
    config.put(key, value);
    hasConfig = true;
    return this;
  }

  ClusterSnapshot snapshot() {
    if (built == null) {
      if (hasConfig) {
        b.ciliumConfig(config);
      }
      built = ManifestDefaults.apply(b.build());
    }
    return built;
  }

  PolicyEngine engine() {
    if (engine == null) {
      engine = PolicyEngine.of(snapshot());
    }
    return engine;
  }

  Pod pod(String key) {
    String[] p = key.split("/");
    return snapshot().podsIn(p[0]).stream()
        .filter(x -> x.name().equals(p[1]))
        .findFirst()
        .orElseThrow();
  }

  DatapathSettings settings(String... keyValues) {
    Map<String, String> set = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      set.put(keyValues[i], keyValues[i + 1]);
    }
    return engine().settings(set);
  }

  Flow flow(String from, String ip, int port, Protocol protocol) {
    return new Flow(pod(from), IpText.parse(ip), port, protocol);
  }

  Verdict trace(String from, String ip, int port, String... settings) {
    return engine().verdict(flow(from, ip, port, Protocol.TCP), settings(settings));
  }

  Verdict trace(String from, String ip, int port, Protocol protocol, String... settings) {
    return engine().verdict(flow(from, ip, port, protocol), settings(settings));
  }
}

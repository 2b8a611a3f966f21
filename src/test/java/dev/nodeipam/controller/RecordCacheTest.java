package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordCacheTest {
  private static Service service(String name, String... ips) {
    return Service.builder()
        .namespace("web")
        .name(name)
        .type(ServiceType.LOAD_BALANCER)
        .loadBalancerClass("io.cilium/node")
        .externalTrafficPolicy(TrafficPolicy.CLUSTER)
        .ipFamilies(List.of(IpFamily.IPV4))
        .ipFamilyPolicy(IpFamilyPolicy.SINGLE_STACK)
        .ingress(Arrays.stream(ips).map(ip -> new LoadBalancerIngress(ip, null, null)).toList())
        .source("test")
        .build();
  }

  private static Node node(String name, String ip) {
    return Node.builder()
        .name(name)
        .labels(Map.of())
        .addresses(List.of(new Node.NodeAddress("InternalIP", ip)))
        .taints(List.of())
        .deleting(false)
        .ready("True")
        .unschedulable(false)
        .podCidrs(List.of())
        .source("test")
        .build();
  }

  @Test
  void aWatchEventOlderThanTheControllersOwnWriteIsIgnored() {
    RecordCache cache = new RecordCache();
    cache.putService(service("site"), 5);
    cache.putService(service("site", "10.0.0.1"), 9); // the status patch response
    Service stale = service("site");
    assertThat(cache.putService(stale, 7)).isSameAs(stale);
    assertThat(cache.service("web/site").ingress()).extracting(LoadBalancerIngress::ip)
        .containsExactly("10.0.0.1");
    assertThat(cache.putService(service("site", "10.0.0.2"), 11).ingress())
        .extracting(LoadBalancerIngress::ip)
        .containsExactly("10.0.0.1");
  }

  @Test
  void servicesPublishingTheSameAddressShareOneEntry() {
    RecordCache cache = new RecordCache();
    cache.putService(service("a", "10.0.0.1", "10.0.0.2"), 1);
    cache.putService(service("b", "10.0.0.2"), 2);
    assertThat(cache.service("web/b").ingress().get(0))
        .isSameAs(cache.service("web/a").ingress().get(1));
  }

  @Test
  void theNodePoolIsRebuiltAfterANodeChangeOnly() {
    RecordCache cache = new RecordCache();
    cache.putNode(node("n1", "10.0.0.1"));
    var first = cache.pool();
    assertThat(cache.pool()).isSameAs(first);
    cache.putNode(node("n1", "10.0.0.1"));
    assertThat(cache.pool()).as("an equal record changes nothing").isSameAs(first);
    cache.putNode(node("n2", "10.0.0.2"));
    assertThat(cache.pool()).isNotSameAs(first);
    assertThat(cache.pool().size()).isEqualTo(2);
  }
}

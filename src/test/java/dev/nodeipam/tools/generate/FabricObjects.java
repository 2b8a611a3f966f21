package dev.nodeipam.tools.generate;

import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.List;

/** The synthetic cluster's records as the API objects they stand for, to load an API server. */
final class FabricObjects {
  private FabricObjects() {}

  static io.fabric8.kubernetes.api.model.Node node(Node n) {
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(n.name())
            .withLabels(n.labels())
            .withDeletionTimestamp(n.deleting() ? "2026-01-01T00:00:00Z" : null)
            .withFinalizers(n.deleting() ? List.of("example.com/hold") : null)
            .endMetadata()
            .withNewSpec()
            .withUnschedulable(n.unschedulable() ? Boolean.TRUE : null)
            .withPodCIDRs(n.podCidrs())
            .withTaints(
                n.taints().stream()
                    .map(
                        t ->
                            new TaintBuilder()
                                .withKey(t.key())
                                .withValue(t.value())
                                .withEffect(t.effect())
                                .build())
                    .toList())
            .endSpec();
    var status = b.withNewStatus();
    for (Node.NodeAddress a : n.addresses()) {
      status.addNewAddress().withType(a.type()).withAddress(a.address()).endAddress();
    }
    if (n.ready() != null) {
      status
          .addNewCondition()
          .withType("Ready")
          .withStatus(n.ready())
          .withLastHeartbeatTime("2026-01-01T00:00:00Z")
          .endCondition();
    }
    return status.endStatus().build();
  }

  static io.fabric8.kubernetes.api.model.Service service(Service s) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(s.namespace())
        .withName(s.name())
        .withLabels(s.labels())
        .withAnnotations(s.annotations())
        .endMetadata()
        .withNewSpec()
        .withType(s.type() == null ? null : s.type().wireName())
        .withLoadBalancerClass(s.loadBalancerClass())
        .withExternalTrafficPolicy(
            s.externalTrafficPolicy() == null ? null : s.externalTrafficPolicy().wireName())
        .withIpFamilies(IpFamily.wireNames(s.ipFamilies()))
        .withIpFamilyPolicy(s.ipFamilyPolicy() == null ? null : s.ipFamilyPolicy().wireName())
        .withClusterIPs(s.clusterIps())
        .withExternalIPs(s.externalIps())
        .withSelector(s.selector())
        .withPorts(
            s.ports().stream()
                .map(
                    p ->
                        new ServicePortBuilder()
                            .withName(p.name())
                            .withProtocol(p.protocol())
                            .withPort(p.port())
                            .withTargetPort(
                                p.targetPort() == null
                                    ? null
                                    : p.targetPort().name() != null
                                        ? new IntOrString(p.targetPort().name())
                                        : new IntOrString(p.targetPort().number()))
                            .build())
                .toList())
        .endSpec()
        .build();
  }

  static io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice(EndpointSlice e) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(e.namespace())
            .withName(e.name())
            .addToLabels("kubernetes.io/service-name", e.serviceName())
            .endMetadata()
            .withAddressType(e.addressType());
    for (EndpointSlice.Endpoint ep : e.endpoints()) {
      b.addToEndpoints(
          new EndpointBuilder()
              .withAddresses(ep.addresses())
              .withNodeName(ep.nodeName())
              .withNewConditions()
              .withReady(ep.ready())
              .withServing(ep.serving())
              .withTerminating(ep.terminating())
              .endConditions()
              .build());
    }
    for (EndpointSlice.EndpointPort p : e.ports()) {
      b.addToPorts(
          new EndpointPortBuilder()
              .withName(p.name())
              .withPort(p.port())
              .withProtocol(p.protocol())
              .build());
    }
    return b.build();
  }
}

package dev.nodeipam.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.testing.YamlClusters;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterSnapshot#toBuilder} is how every command copies a cluster (the manifest defaults,
 * published addresses, migrate's after-state, the policy after-state audit, the synthetic cluster
 * generator): over every field of the class, read by reflection, a copy holds what the original
 * holds, so that a field added later is either copied or makes this test fail.
 */
class ClusterSnapshotCopyTest {
  /** One object of every kind the snapshot holds, cilium-config and the agent's DaemonSet too. */
  private static final List<String> EVERY_KIND = List.of("""
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status:
        addresses: [{type: InternalIP, address: 192.168.0.1}]
        conditions: [{type: Ready, status: "True"}]
      """, """
      apiVersion: v1
      kind: Namespace
      metadata: {name: app}
      """, """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: app}
      spec:
        selector: {app: web}
        externalIPs: [203.0.113.9]
        ports: [{port: 443, targetPort: 8443}]
      """, """
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata: {name: web-1, namespace: app, labels: {kubernetes.io/service-name: web}}
      addressType: IPv4
      endpoints: [{addresses: [10.0.1.10], conditions: {ready: true}}]
      ports: [{port: 8443, protocol: TCP}]
      """, YamlClusters.pod("app", "web-1", "web", "n1", "10.0.1.10", ""), """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api, namespace: app}
      spec:
        selector: {matchLabels: {app: api}}
        template:
          metadata: {labels: {app: api}}
          spec: {containers: [{name: c, image: x}]}
      """, YamlClusters.EGRESS_NETWORK_POLICY.formatted("web", "web", "- to: [{ipBlock: "
          + "{cidr: 0.0.0.0/0}}]"), """
      apiVersion: cilium.io/v2alpha1
      kind: CiliumLoadBalancerIPPool
      metadata: {name: public}
      spec:
        blocks: [{cidr: 198.51.100.0/24}]
      """, """
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: cilium-config, namespace: kube-system}
      data: {kube-proxy-replacement: "true"}
      """, """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: cilium, namespace: kube-system}
      spec:
        selector: {matchLabels: {k8s-app: cilium}}
        template:
          metadata: {labels: {k8s-app: cilium}}
          spec: {containers: [{name: cilium-agent, image: quay.io/cilium/cilium:v1.19.1}]}
      """);

  @Test
  void toBuilder_copiesEveryField() throws Exception {
    ClusterSnapshot in = YamlClusters.load(EVERY_KIND);
    for (Field f : fields()) {
      assertThat(present(f.get(in))).as("the fixture sets %s", f.getName()).isTrue();
    }

    ClusterSnapshot copy = in.toBuilder().build();

    for (Field f : fields()) {
      assertThat(f.get(copy)).as(f.getName()).isEqualTo(f.get(in));
    }
  }

  @Test
  void replacingOneKind_keepsEveryOtherField() throws Exception {
    ClusterSnapshot in = YamlClusters.load(EVERY_KIND);
    Node relabelled = in.nodes().get(0).toBuilder().labels(Map.of("edge", "true")).build();
    Service other = in.services().get(0).toBuilder().name("other").build();
    Namespace implied = new Namespace("implied", Map.of(), "(implied)");

    ClusterSnapshot out = in.toBuilder()
        .nodes(List.of(relabelled))
        .services(List.of(other))
        .namespaces(List.of(implied))
        .build();

    assertThat(out.nodes()).containsExactly(relabelled);
    assertThat(out.node("n1")).contains(relabelled);
    assertThat(out.services()).containsExactly(other);
    assertThat(out.service("app", "web")).isEmpty();
    assertThat(out.namespaces()).containsExactly(implied);
    List<String> replaced = List.of("nodes", "services", "namespaces");
    for (Field f : fields()) {
      // The lookups (nodesByName, ...) follow their lists.
      if (!replaced.contains(f.getName()) && !f.getName().contains("By")) {
        assertThat(f.get(out)).as(f.getName()).isEqualTo(f.get(in));
      }
    }
  }

  /**
   * A value derived from nodes, pods and EndpointSlices is computed once and shared by a copy
   * that replaces another kind (a Service's change), and computed again where those differ.
   */
  @Test
  void derivedValues_areSharedWhileNodesPodsAndSlicesAreTheSame() {
    ClusterSnapshot in = YamlClusters.load(EVERY_KIND);
    Service other = in.services().get(0).toBuilder().name("other").build();
    Node relabelled = in.nodes().get(0).toBuilder().labels(Map.of("edge", "true")).build();
    ClusterSnapshot servicesReplaced = in.toBuilder().services(List.of(other)).build();
    ClusterSnapshot nodesReplaced = in.toBuilder().nodes(List.of(relabelled)).build();
    ClusterSnapshot assembledAlike = ClusterSnapshot.builder().nodes(in.nodes())
        .services(List.of(other)).build();

    Object mine = in.derived(StringBuilder.class, s -> new StringBuilder());
    assertThat(servicesReplaced.derived(StringBuilder.class, s -> new StringBuilder()))
        .isSameAs(mine);
    assertThat(servicesReplaced.pods()).isSameAs(in.pods());
    assertThat(nodesReplaced.derived(StringBuilder.class, s -> new StringBuilder()))
        .isNotSameAs(mine);
    assertThat(assembledAlike.derived(StringBuilder.class, s -> new StringBuilder()))
        .isNotSameAs(mine);
  }

  private static List<Field> fields() {
    List<Field> out = new ArrayList<>();
    for (Field f : ClusterSnapshot.class.getDeclaredFields()) {
      // derived is a memo of values computed from the others, not data (see derivedValues_...).
      if (!Modifier.isStatic(f.getModifiers()) && !f.getName().equals("derived")) {
        f.setAccessible(true);
        out.add(f);
      }
    }
    return out;
  }

  private static boolean present(Object value) {
    return value instanceof Collection<?> c ? !c.isEmpty()
        : value instanceof Map<?, ?> m ? !m.isEmpty()
        : value instanceof Optional<?> o ? o.isPresent()
        : value != null;
  }
}

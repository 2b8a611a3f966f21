package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.Translation.Frontend;
import dev.nodeipam.policy.explanation.TranslationReason.Kind;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.render.text.TranslationText;
import dev.nodeipam.snapshot.Pod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * hostPort on node addresses dialled from pods. With kube-proxy replacement the agent installs
 * HostPort frontends for its own node's addresses; socket LB finds them by a wildcard lookup
 * restricted to the host's addresses ({@code sock4_wildcard_lookup_full}: remote hosts are
 * included only for ports in the NodePort range) and skips a HostPort frontend whose address is
 * not the host's ({@code sock4_skip_xlate}), both in {@code bpf/bpf_sock.c}. So the client's own
 * node's address is translated to the pod on its containerPort (judged by the pod's identity);
 * another node's address is seen as that node, and its NodePort load balancer delivers it to the
 * pod, whose ingress judges the client (the pod is local there: no SNAT).
 */
class HostPortTest {
  private static final String N1 = "192.168.0.1";
  private static final String N2 = "192.168.0.2";
  private static final String[] KPR = {"kube-proxy-replacement", "true"};
  private static final String[] HOSTNS_ONLY =
      {"kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true"};
  private static final String[] NO_KPR = {"kube-proxy-replacement", "false"};

  /** ingress-nginx on n1 and n2 exposes containerPort 8443 as hostPort 443; only 8443 allowed. */
  private static TestCluster cluster() {
    return new TestCluster()
        .node("n1", N1)
        .node("n2", N2)
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("ingress/nginx-1", "n1", "10.0.1.9", Map.of("app", "nginx"),
            new Pod.ContainerPort("https", 8443, "TCP", 443, null))
        .pod("ingress/nginx-2", "n2", "10.0.2.9", Map.of("app", "nginx"),
            new Pod.ContainerPort("https", 8443, "TCP", 443, null))
        .policy("""
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: client-out, namespace: app}
            spec:
              endpointSelector: {matchLabels: {app: client}}
              egress:
              - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: ingress, app: nginx}}]
                toPorts: [{ports: [{port: "8443", protocol: TCP}]}]
              - toEntities: [remote-node]
                toPorts: [{ports: [{port: "443", protocol: TCP}]}]
            """);
  }

  @Test
  void theClientsOwnNodeAddressIsTranslatedToThePodOnItsContainerPort() {
    for (String[] s : new String[][] {KPR, HOSTNS_ONLY}) {
      Verdict v = cluster().trace("app/client", N1, 443, s);
      assertThat(v.translation().translated()).as(TranslationText.sentence(v.translation().reason())).isTrue();
      assertThat(v.translation().frontend()).isEqualTo(Frontend.HOST_PORT);
      assertThat(v.translation().reason().kind()).isEqualTo(Kind.HOST_PORT_CLIENT_NODE);
      assertThat(v.translation().reason().hostPort().pod()).isEqualTo("ingress/nginx-1");
      assertThat(v.destinations()).singleElement().satisfies(d -> {
        assertThat(d.endpoint()).isEqualTo("ingress/nginx-1");
        assertThat(d.identity().isPod()).isTrue();
        assertThat(d.port()).isEqualTo(8443);
        assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
      });
    }
  }

  @Test
  void anotherNodesAddressIsThatNodeForEgressAndItsPodForIngress() {
    Verdict v = cluster().trace("app/client", N2, 443, KPR);
    assertThat(v.translation().translated()).isFalse();
    assertThat(v.translation().reason().kind()).isEqualTo(Kind.HOST_PORT_OTHER_NODE);
    DestinationVerdict d = v.destinations().get(0);
    assertThat(d.egressPeer().name()).isEqualTo("remote-node");
    assertThat(d.endpoint()).isEqualTo("ingress/nginx-2");
    assertThat(d.delivery().arrivingSource().isPod()).isTrue();
    assertThat(d.port()).isEqualTo(8443);
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void withoutKubeProxyReplacementNothingOfCiliumTranslatesIt() {
    Verdict v = cluster().trace("app/client", N1, 443, NO_KPR);
    assertThat(v.translation().translated()).isFalse();
    assertThat(v.translation().reason().kind()).isEqualTo(Kind.HOST_PORT_NO_KPR);
    assertThat(v.destinations()).singleElement()
        .satisfies(d -> assertThat(d.identity().name()).isEqualTo("host"));
  }

  @Test
  void aHostIpBindsTheHostPortToThatAddressOnly() {
    TestCluster c = new TestCluster()
        .node("n1", N1, "10.10.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("ingress/nginx-1", "n1", "10.0.1.9", Map.of("app", "nginx"),
            new Pod.ContainerPort("https", 8443, "TCP", 443, "10.10.0.1"));
    assertThat(c.trace("app/client", "10.10.0.1", 443, KPR).translation().translated()).isTrue();
    assertThat(c.trace("app/client", N1, 443, KPR).translation().frontend()).isNull();
  }
}

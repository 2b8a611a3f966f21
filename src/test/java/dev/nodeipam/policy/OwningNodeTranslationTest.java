package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.ServiceTranslation;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Service;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * When a client on the node that owns a frontend address is translated exactly as one on another
 * node (section 2 of the policy model), so that the audit need not judge it apart: a LoadBalancer
 * address (Node IPAM's too) is, whenever it is translated; an externalIP is translated on its own
 * node only under socket LB's CVE-2020-8554 mitigation ({@code sock4_skip_xlate} skips
 * external addresses of other nodes, {@code bpf/bpf_sock.c}); an untranslated frontend (ipMode
 * Proxy, no kube-proxy replacement before 1.19) reads the address itself and is never alike.
 */
class OwningNodeTranslationTest {
  private static final Map<String, String> WEB = Map.of("app", "web");

  private static TestCluster cluster() {
    return new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("web/web-1", "n1", "10.0.2.7", WEB, TestCluster.port("http", 8080))
        .service("web/web", "10.96.0.20", WEB, List.of("192.168.0.1"),
            List.of(new Service.LoadBalancerIngress("198.51.100.5", null, "VIP"),
                new Service.LoadBalancerIngress("198.51.100.6", null, "Proxy")),
            TestCluster.servicePort(80, 8080));
  }

  static Stream<Arguments> rows() {
    String[] kpr = {"kube-proxy-replacement", "true"};
    String[] noKpr118 = {"kube-proxy-replacement", "false", "cilium-version", "1.18"};
    String[] noKpr120 = {"kube-proxy-replacement", "false", "cilium-version", "1.20"};
    String[] noMitigation = {"kube-proxy-replacement", "true",
        "disable-external-ip-mitigation", "true"};
    return Stream.of(
        Arguments.of("LoadBalancer VIP, KPR", "198.51.100.5", kpr, true),
        Arguments.of("LoadBalancer VIP, no KPR, 1.18: not translated", "198.51.100.5", noKpr118,
            false),
        Arguments.of("LoadBalancer VIP, no KPR, 1.20 (the release installs it)", "198.51.100.5",
            noKpr120, true),
        Arguments.of("LoadBalancer ipMode Proxy: not translated", "198.51.100.6", kpr, false),
        Arguments.of("externalIP, KPR, mitigation: own node only", "192.168.0.1", kpr, false),
        Arguments.of("externalIP, mitigation disabled: the reason still names the node",
            "192.168.0.1", noMitigation, false),
        Arguments.of("ClusterIP, KPR", "10.96.0.20", kpr, true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void sameOnOwningNode(String row, String address, String[] settings, boolean alike) {
    TestCluster c = cluster();
    DatapathSettings s = c.settings(settings);
    ServiceTranslation.Hit hit =
        c.engine().frontendHit(IpText.parse(address), 80, Protocol.TCP).orElseThrow();
    assertThat(ServiceTranslation.sameOnOwningNode(hit, s)).as(row).isEqualTo(alike);
  }
}

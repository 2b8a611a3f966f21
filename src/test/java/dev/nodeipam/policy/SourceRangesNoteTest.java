package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Note;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.render.text.NoteText;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.testing.YamlClusters;
import inet.ipaddr.IPAddressString;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code loadBalancerSourceRanges} on the externalIP frontend of a LoadBalancer Service: enforced
 * there from Cilium 1.20 (cilium/cilium#44747, fixing #44718; {@code
 * pkg/loadbalancer/tests/testdata/external-ips.txtar} checks the LoadBalancer and the ExternalIPs
 * frontend), only on the LoadBalancer address before. The check is for clients outside the
 * cluster (the kube-proxy-free guide's source-range section), so the in-cluster verdict is the same
 * in every row; the explanation says what the release does with the ranges.
 */
class SourceRangesNoteTest {
  private static final String CLUSTER = """
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status:
        addresses: [{type: InternalIP, address: 192.168.0.1}]
        conditions: [{type: Ready, status: "True"}]
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: edge}
      ---
      apiVersion: v1
      kind: Namespace
      metadata: {name: app}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: edge}
      spec:
        type: %s
        clusterIP: 10.96.0.50
        selector: {app: web}
        ports: [{name: https, port: 443, targetPort: 8443}]
        externalIPs: [203.0.113.9]
        %s
      status: {loadBalancer: {ingress: [{ip: 203.0.113.20}]}}
      """;

  /**
   * The Service's type and ranges, the release, the address dialled, and the note expected:
   * null for none, else whether it says the ranges are enforced there.
   */
  record Row(String name, String type, String ranges, String version, String address,
      Boolean enforced) {
    @Override
    public String toString() {
      return name + " @" + version;
    }
  }

  static Stream<Row> rows() {
    String ranges = "loadBalancerSourceRanges: [10.0.0.0/8]";
    return Stream.of(
        new Row("externalIP of a LoadBalancer with ranges: bypassed (#44718)", "LoadBalancer",
            ranges, "1.19", "203.0.113.9", false),
        new Row("externalIP of a LoadBalancer with ranges: enforced (#44747)", "LoadBalancer",
            ranges, "1.20", "203.0.113.9", true),
        new Row("externalIP of a LoadBalancer with ranges, 1.14", "LoadBalancer", ranges, "1.14",
            "203.0.113.9", false),
        new Row("the LoadBalancer address itself: enforced in every release", "LoadBalancer",
            ranges, "1.20", "203.0.113.20", null),
        new Row("externalIP of a LoadBalancer without ranges", "LoadBalancer", "", "1.20",
            "203.0.113.9", null),
        new Row("externalIP of a ClusterIP Service", "ClusterIP", "", "1.20", "203.0.113.9",
            null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void theExplanationSaysWhatTheReleaseDoesWithTheRanges(Row r) {
    ClusterSnapshot cluster = YamlClusters.load(List.of(CLUSTER.formatted(r.type(), r.ranges()),
        YamlClusters.pod("edge", "web-1", "web", "n1", "10.0.2.10", ""),
        YamlClusters.pod("app", "client", "client", "n1", "10.0.1.10", "")));
    PolicyEngine engine = PolicyEngine.of(cluster);
    var settings = engine.settings(YamlClusters.settings("cilium-version", r.version(),
        "kube-proxy-replacement", "true"));
    var client = cluster.pods().stream().filter(p -> p.name().equals("client")).findFirst()
        .orElseThrow();
    Verdict v = engine.verdict(new Flow(client, new IPAddressString(r.address()).getAddress(),
        443, Protocol.TCP), settings);
    List<Note> notes = v.notes().stream()
        .filter(n -> n.kind() == Note.Kind.SOURCE_RANGES_ON_EXTERNAL_IP).toList();
    assertThat(v.allowed()).as(r + ": no policy, allowed in every row").isTrue();
    if (r.enforced() == null) {
      assertThat(notes).as(r.toString()).isEmpty();
      return;
    }
    assertThat(notes).as(r.toString()).hasSize(1);
    String text = NoteText.sentences(notes).get(0);
    assertThat(text).as(r.toString())
        .contains("edge/web has loadBalancerSourceRanges 10.0.0.0/8")
        .contains("an in-cluster client is not checked")
        .contains(r.enforced() ? "enforces them on its externalIP 203.0.113.9"
            : "does not enforce them on its externalIP 203.0.113.9");
  }
}

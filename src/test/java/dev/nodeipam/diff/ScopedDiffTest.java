package dev.nodeipam.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.AuditScope;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.kube.ManifestTree;
import dev.nodeipam.kube.SourceLocator;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The diff evaluates only what a change can affect (DiffScope). For every kind of change, that
 * answer is exactly the one of auditing and planning both states in full and comparing: the scope
 * never leaves out an item, and the items are not empty (the check is not vacuous).
 */
class ScopedDiffTest {
  private static final Path BEFORE = Path.of("examples/pr-externalip/before");
  private static final Path AFTER = Path.of("examples/pr-externalip/after");
  private static final Path COMPANION =
      Path.of("examples/istio-trap/companion/allow-egress-to-istio-ingressgateway.yaml");

  /** A Node IPAM LoadBalancer for the gateway: it publishes the nodes' InternalIPs. */
  private static final String NODE_IPAM_SERVICE = """
      apiVersion: v1
      kind: Service
      metadata: {name: gateway-lb, namespace: istio-system}
      spec:
        type: LoadBalancer
        loadBalancerClass: io.cilium/node
        selector: {app: istio-ingressgateway, istio: ingressgateway}
        ports:
        - {name: https, port: 443, targetPort: 8443, protocol: TCP}
      """;

  /** A second Node IPAM LoadBalancer on port 443: it shares every node address with the first. */
  private static final String OTHER_NODE_IPAM_SERVICE =
      NODE_IPAM_SERVICE.replace("name: gateway-lb", "name: other-lb");

  /** One edit of a state: a file's text replaced, or a file added. */
  record Edit(String file, UnaryOperator<String> change) {
    static Edit replace(String file, String from, String to) {
      return new Edit(file, text -> {
        assertThat(text).as(file).contains(from);
        return text.replace(from, to);
      });
    }

    static Edit add(String file, String text) {
      return new Edit(file, old -> text);
    }
  }

  static Stream<Arguments> changes() {
    Edit companion = Edit.add("companion.yaml", read(COMPANION));
    Edit lb = Edit.add("lb.yaml", NODE_IPAM_SERVICE);
    // The benchmark's cluster-wide policy: every pod in scope, so every Service too.
    Edit ccnp = Edit.add("ccnp.yaml", read(Path.of("bench/inputs/ccnp-egress-443.yaml")));
    Edit other = Edit.add("other-lb.yaml", OTHER_NODE_IPAM_SERVICE);
    String port80 = "  - {name: web, port: 80, targetPort: 8080, protocol: TCP}";
    String port443 = "  - {name: https, port: 443, targetPort: 8443, protocol: TCP}";
    Edit lbOn80 = Edit.add("lb.yaml", NODE_IPAM_SERVICE.replace(port443, port80));
    Edit otherOn80 = Edit.add("other-lb.yaml", OTHER_NODE_IPAM_SERVICE.replace(port443, port80));
    return Stream.of(
        Arguments.of("externalIP added", BEFORE, List.of(), AFTER, List.of()),
        Arguments.of("externalIP removed", AFTER, List.of(), BEFORE, List.of()),
        Arguments.of("companion added", AFTER, List.of(), AFTER, List.of(companion)),
        Arguments.of("egress rules narrowed", AFTER, List.of(), AFTER, List.of(
            Edit.replace("hermes.yaml", "cidr: 0.0.0.0/0", "cidr: 203.0.113.0/24"))),
        Arguments.of("source relabelled", AFTER, List.of(), AFTER, List.of(
            Edit.replace("hermes.yaml", "labels: {app: hermes-atlas}",
                "labels: {app: hermes-atlas, tier: x}"),
            Edit.replace("hermes.yaml", "matchLabels: {app: hermes-atlas}",
                "matchLabels: {app: hermes-atlas, tier: y}"))),
        Arguments.of("backend port changed", AFTER, List.of(companion), AFTER, List.of(companion,
            Edit.replace("istio-system.yaml", "port: 443, targetPort: 8443",
                "port: 443, targetPort: 9443"),
            Edit.replace("istio-system.yaml", "{name: https, containerPort: 8443}",
                "{name: https, containerPort: 9443}"))),
        Arguments.of("companion's Service reselected", AFTER, List.of(companion), AFTER,
            List.of(companion, new Edit("istio-system.yaml",
                t -> t.replace("app: istio-ingressgateway", "app: ingress-v2")))),
        Arguments.of("Node IPAM LoadBalancer added", BEFORE, List.of(), BEFORE, List.of(lb)),
        Arguments.of("cluster-wide egress policy added under a Node IPAM LoadBalancer", BEFORE,
            List.of(lb), BEFORE, List.of(lb, ccnp)),
        Arguments.of("externalIP added to a Node IPAM LoadBalancer sharing node addresses",
            BEFORE, List.of(lb, other), BEFORE, List.of(lb, other, Edit.replace("lb.yaml",
                "  type: LoadBalancer", "  type: LoadBalancer\n  externalIPs: [24.85.233.58]"))),
        Arguments.of("port added to a Node IPAM LoadBalancer sharing node addresses",
            BEFORE, List.of(lbOn80, otherOn80), BEFORE, List.of(lbOn80, otherOn80,
                Edit.replace("lb.yaml", port80, port80 + "\n" + port443))),
        Arguments.of("port of a Node IPAM LoadBalancer sharing node addresses moved",
            BEFORE, List.of(lb, other), BEFORE, List.of(lb, other, Edit.replace("lb.yaml",
                "port: 443, targetPort: 8443", "port: 8443, targetPort: 8443"))),
        Arguments.of("a Node IPAM LoadBalancer sharing node addresses made ClusterIP",
            BEFORE, List.of(lb, other), BEFORE, List.of(lb, other, Edit.replace("lb.yaml",
                "  type: LoadBalancer\n  loadBalancerClass: io.cilium/node\n",
                "  type: ClusterIP\n"))),
        Arguments.of("node removed under a Node IPAM LoadBalancer", BEFORE, List.of(lb), BEFORE,
            List.of(lb, Edit.replace("nodes.yaml", "name: node-3", "name: node-3\n  labels:"
                + " {node.kubernetes.io/exclude-from-external-load-balancers: \"\"}"))),
        Arguments.of("datapath settings changed", AFTER, List.of(), AFTER, List.of(
            Edit.replace("cilium-config.yaml", "bpf-lb-sock-hostns-only: \"true\"",
                "bpf-lb-sock-hostns-only: \"false\""))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void scopedDiff_equalsTheFullComparison(String name, Path before, List<Edit> beforeEdits,
      Path after, List<Edit> afterEdits, @TempDir Path dir)
      throws IOException {
    StateDiff.State b = state("before", copy(before, beforeEdits, dir.resolve("b")));
    StateDiff.State a = state("after", copy(after, afterEdits, dir.resolve("a")));
    StateDiff.Settings settings = new StateDiff.Settings(Map.of(), AuditOptions.defaults());

    Diff scoped = StateDiff.run(b, a, settings);
    Diff full = StateDiff.run(b, a, settings, true);

    assertThat(full.items()).as("a change the diff must see").isNotEmpty();
    assertThat(scoped.items()).containsExactlyElementsOf(full.items());
    assertThat(scoped.companions()).isEqualTo(full.companions());
    if (!scoped.changes().settings()) {
      assertThat(scoped.scope().everything()).isFalse();
    }
  }

  /**
   * The scope spreads by the frontends a change moves, not by every frontend of the Service:
   * an externalIP added to a Node IPAM Service leaves out the Service it shares node addresses
   * with, and moving its port takes that one in (the frontend it leaves is the other's alone).
   */
  @Test
  void scopeSpreadsByTheFrontendsThatMove(@TempDir Path dir) throws IOException {
    Edit lb = Edit.add("lb.yaml", NODE_IPAM_SERVICE);
    Edit other = Edit.add("other-lb.yaml", OTHER_NODE_IPAM_SERVICE);
    StateDiff.State b = state("before", copy(BEFORE, List.of(lb, other), dir.resolve("b")));
    StateDiff.State added = state("after", copy(BEFORE, List.of(lb, other,
        Edit.replace("lb.yaml", "  type: LoadBalancer",
            "  type: LoadBalancer\n  externalIPs: [24.85.233.58]")), dir.resolve("a1")));
    StateDiff.State moved = state("after", copy(BEFORE, List.of(lb, other,
        Edit.replace("lb.yaml", "port: 443, targetPort: 8443", "port: 8443, targetPort: 8443")),
        dir.resolve("a2")));

    assertThat(scope(b, added).services()).containsExactly("istio-system/gateway-lb");
    assertThat(scope(b, moved).services())
        .containsExactlyInAnyOrder("istio-system/gateway-lb", "istio-system/other-lb");
  }

  private static AuditScope scope(StateDiff.State b, StateDiff.State a) {
    return DiffScope.of(ChangeSet.between(b.snapshot(), a.snapshot(), Map.of()), b.snapshot(),
        a.snapshot(), Map.of(), AuditOptions.defaults().nodeIpam()).audit();
  }

  private static StateDiff.State state(String name, Path dir) {
    ClusterSnapshot s = ManifestLoader.load(List.of(dir));
    return new StateDiff.State(name, s, new SourceLocator(ManifestTree.WORK_TREE));
  }

  private static Path copy(Path from, List<Edit> edits, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    for (Edit e : edits) {
      Path file = to.resolve(e.file());
      String old = Files.exists(file) ? Files.readString(file) : "";
      String changed = e.change().apply(old);
      assertThat(changed).isNotEqualTo(old);
      Files.writeString(file, changed);
    }
    return to;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

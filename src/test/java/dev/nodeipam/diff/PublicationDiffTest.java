package dev.nodeipam.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.kube.ManifestTree;
import dev.nodeipam.kube.SourceLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Node IPAM publishes and withdraws between two states (the plan of both), and a migration
 * the change makes stale. Cilium's Node IPAM: an excluded node's addresses leave every Service
 * (docs/spec/node-ipam.md R6; operator/pkg/nodeipam in cilium/cilium).
 */
class PublicationDiffTest {
  private static final Path NODES = Path.of("examples/istio-trap/cluster/nodes.yaml");

  /** A Service migrated from externalIPs to a Node IPAM LoadBalancer on the bgp nodes. */
  private static final String MIGRATED = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: web}
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: site-lb
        namespace: web
        annotations:
          io.cilium.nodeipam/match-node-labels: "bgp=true"
          nodeipam.dev/migrated-from: web/site
      spec:
        type: LoadBalancer
        loadBalancerClass: io.cilium/node
        selector: {app: site}
        ports:
        - {port: 443, targetPort: 8443}
      """;

  private static StateDiff.State state(String name, Path dir, String nodes) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("nodes.yaml"), nodes);
    Files.writeString(dir.resolve("web.yaml"), MIGRATED);
    return new StateDiff.State(name, ManifestLoader.load(List.of(dir)),
        new SourceLocator(ManifestTree.WORK_TREE));
  }

  @Test
  void nodeLosesItsLabel_addressWithdrawn_migrationStale(@TempDir Path dir) throws IOException {
    String nodes = Files.readString(NODES);
    // node-bgp-2 stops being a bgp node: the selector no longer picks it.
    String after = nodes.replaceFirst("(name: node-bgp-2\\n  labels: )\\{bgp: \"true\"\\}",
        "$1{bgp: \"false\"}");
    assertThat(after).isNotEqualTo(nodes);
    Diff d = StateDiff.run(state("before", dir.resolve("b"), nodes),
        state("after", dir.resolve("a"), after),
        new StateDiff.Settings(Map.of(), AuditOptions.defaults()));

    assertThat(d.changes().nodes()).containsExactly("node-bgp-2");
    assertThat(d.of(ItemType.ADDRESS_PUBLISHED)).isEmpty();
    List<Item> withdrawn = d.of(ItemType.ADDRESS_WITHDRAWN);
    assertThat(withdrawn).extracting(Item::service, Item::address, Item::level)
        .containsExactly(Tuple.tuple("web/site-lb", "192.168.1.12",
            Level.WARNING));
    assertThat(withdrawn.get(0).location().file()).endsWith("a/web.yaml");
    List<Item> stale = d.of(ItemType.MIGRATION_STALE);
    assertThat(stale).hasSize(1);
    assertThat(stale.get(0).message()).contains("web/site").contains("192.168.1.12");
    // The cause is the annotation that says which Service it replaced.
    Location cause = stale.get(0).cause();
    String line = Files.readAllLines(Path.of(cause.file())).get(cause.line() - 1);
    assertThat(line.trim()).startsWith("nodeipam.dev/migrated-from:");
  }

  @Test
  void nodeRegainsItsLabel_addressPublished_noStaleMigration(@TempDir Path dir)
      throws IOException {
    String nodes = Files.readString(NODES);
    String before = nodes.replaceFirst("(name: node-bgp-2\\n  labels: )\\{bgp: \"true\"\\}",
        "$1{bgp: \"false\"}");
    Diff d = StateDiff.run(state("before", dir.resolve("b"), before),
        state("after", dir.resolve("a"), nodes),
        new StateDiff.Settings(Map.of(), AuditOptions.defaults()));
    assertThat(d.of(ItemType.ADDRESS_PUBLISHED)).extracting(Item::address)
        .containsExactly("192.168.1.12");
    assertThat(d.of(ItemType.ADDRESS_PUBLISHED).get(0).level()).isEqualTo(Level.NOTE);
    assertThat(d.of(ItemType.MIGRATION_STALE)).isEmpty();
    assertThat(d.hasAtLeast(Level.WARNING)).isFalse();
  }
}

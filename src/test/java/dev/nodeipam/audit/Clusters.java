package dev.nodeipam.audit;

import dev.nodeipam.bench.SyntheticCluster;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.render.AuditRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Snapshots for audit tests: the examples, YAML written in the test, companions added. */
final class Clusters {
  static final Path ISTIO = Path.of("examples/istio-trap/cluster");
  static final Path AUDIT = Path.of("examples/istio-trap/audit");

  private Clusters() {}

  static ClusterSnapshot load(Path... paths) {
    return ManifestLoader.load(List.of(paths));
  }

  /** A cluster from YAML documents, through the real loader (defaults applied as in manifest mode). */
  static ClusterSnapshot yaml(String... documents) {
    try {
      Path dir = Files.createTempDirectory("audit-test");
      Files.writeString(dir.resolve("cluster.yaml"), String.join("\n---\n", documents));
      ClusterSnapshot s = ManifestLoader.load(List.of(dir));
      Files.delete(dir.resolve("cluster.yaml"));
      Files.delete(dir);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The snapshot with the report's companion policies added, as objects. */
  static ClusterSnapshot withCompanions(ClusterSnapshot in, AuditReport report) {
    ClusterSnapshot.Builder b = SyntheticCluster.copy(in);
    for (Companion c : report.companions()) {
      b.policy(new RawObject("cilium.io/v2", "CiliumClusterwideNetworkPolicy", null, c.name(),
          c.object(), "companion:" + c.name()));
    }
    return b.build();
  }

  /** The snapshot's files plus the companions written as the YAML the CLI prints, loaded back. */
  static ClusterSnapshot withCompanionYaml(AuditReport report, Path... paths) {
    try {
      Path file = Files.createTempFile("companions", ".yaml");
      Files.writeString(file, AuditRenderer.companionsYaml(report));
      List<Path> all = new ArrayList<>(List.of(paths));
      all.add(file);
      ClusterSnapshot s = ManifestLoader.load(all);
      Files.delete(file);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AuditReport audit(ClusterSnapshot s, String... settings) {
    return Audit.run(s, settings(settings), AuditOptions.defaults());
  }

  /** Datapath settings from alternating keys and values. */
  static Map<String, String> settings(String... pairs) {
    Map<String, String> set = new java.util.HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      set.put(pairs[i], pairs[i + 1]);
    }
    return set;
  }

  /**
   * The generated clusters' ingress policy of the {@code edge/web} backends on 8443: none (0),
   * world (1), 0.0.0.0/0 (2), or only pods labelled {@code app: onlyApp} (3); null for none.
   */
  static String webIngress(int kind, String onlyApp) {
    String from = switch (kind) {
      case 0 -> null;
      case 1 -> "- fromEntities: [world]";
      case 2 -> "- fromCIDR: [0.0.0.0/0]";
      default -> "- fromEndpoints: [{matchLabels: {app: " + onlyApp + "}}]";
    };
    return from == null ? null : """
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: web-in, namespace: edge}
        spec:
          endpointSelector: {matchLabels: {app: web}}
          ingress:
          %s
            toPorts: [{ports: [{port: "8443", protocol: TCP}]}]
        """.formatted(from);
  }

  static List<Finding> traps(AuditReport r) {
    return r.findings().stream().filter(f -> f.type() == FindingType.IDENTITY_TRAP).toList();
  }
}

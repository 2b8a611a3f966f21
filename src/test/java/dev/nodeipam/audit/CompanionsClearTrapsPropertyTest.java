package dev.nodeipam.audit;

import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.Generate.booleans;
import static org.quicktheories.generators.Generate.range;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.testing.Coverage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Over small generated clusters (a Service on an externalIP or a LoadBalancer address, backends on
 * numbered or named ports, clients with CIDR, world, selector or no egress rules, backends with
 * world, CIDR, selector or no ingress rules, various datapath settings): applying every companion
 * the audit prints leaves no trapped flow.
 */
class CompanionsClearTrapsPropertyTest {
  record Client(int egress, int node) {}

  record Shape(int frontend, boolean named, int backendIngress, List<Client> clients, int settings) {}

  static final String[][] SETTINGS = {
    {},
    {"kube-proxy-replacement", "true"},
    {"kube-proxy-replacement", "true", "bpf-lb-sock-hostns-only", "true"},
    {"kube-proxy-replacement", "true", "disable-external-ip-mitigation", "true"},
    {"kube-proxy-replacement", "false", "policy-cidr-match-mode", "nodes"},
  };

  static Gen<Shape> shapes() {
    Gen<Client> client =
        range(0, Clusters.CLIENT_EGRESS.size() - 1).zip(range(0, 1), Client::new);
    return range(0, 2)
        .zip(
            booleans(),
            range(0, 3),
            lists().of(client).ofSizeBetween(1, 4),
            range(0, SETTINGS.length - 1),
            Shape::new);
  }

  @Test
  void applyingEveryCompanionLeavesNoTrap() {
    Coverage coverage = new Coverage("applyingEveryCompanionLeavesNoTrap");
    qt(80, 200)
        .forAll(shapes())
        .checkAssert(
            shape -> {
              ClusterSnapshot cluster = build(shape);
              String[] settings = SETTINGS[shape.settings()];
              AuditReport before = Clusters.audit(cluster, settings);
              AuditReport after =
                  Clusters.audit(Clusters.withCompanions(cluster, before), settings);
              assertThat(after.traps()).as("traps before: %s", before.traps().size()).isEmpty();
              coverage.sample();
              coverage.count("traps before", !before.traps().isEmpty());
              List<Finding> found = Clusters.traps(before);
              coverage.count("egress traps before",
                  found.stream().anyMatch(f -> f.direction().equals("egress")));
              coverage.count("ingress traps before",
                  found.stream().anyMatch(f -> f.direction().equals("ingress")));
            });
    // Not vacuous: most clusters have traps for the companions to clear, on both sides.
    coverage.requireShare("traps before", 0.3).requireShare("egress traps before", 0.1)
        .requireShare("ingress traps before", 0.05).print();
  }

  private static ClusterSnapshot build(Shape s) {
    List<String> docs = new ArrayList<>();
    docs.add(TrapRulesTest.NODES);
    docs.add("apiVersion: v1\nkind: Namespace\nmetadata: {name: app}");
    docs.add("apiVersion: v1\nkind: Namespace\nmetadata: {name: edge}");
    docs.add(Clusters.webService(s.frontend(), s.named()));
    docs.add(TrapRulesTest.pod("edge", "web-1", "web", "n2", "10.0.2.10", ""));
    String ingress = Clusters.webIngress(s.backendIngress(), "nobody");
    if (ingress != null) {
      docs.add(ingress);
    }
    for (int i = 0; i < s.clients().size(); i++) {
      Client c = s.clients().get(i);
      String app = "client-" + i;
      docs.add(TrapRulesTest.pod("app", app, app, c.node() == 0 ? "n1" : "n2", "10.0.1." + (10 + i), ""));
      String egress = Clusters.CLIENT_EGRESS.get(c.egress()).yaml(app);
      if (egress != null) {
        docs.add(egress);
      }
    }
    return Clusters.yaml(docs.toArray(String[]::new));
  }
}

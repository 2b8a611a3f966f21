package dev.nodeipam.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Companions never change anyone's default-deny posture, under every Cilium version and setting
 * modelled. Over generated clusters (a Service on an externalIP, a node's address or a Node IPAM
 * LoadBalancer; clients with CIDR, world, selector or no egress rules; backends with world, CIDR,
 * selector or no ingress rules; sometimes a clusterwide {@code enableDefaultDeny: false} policy of
 * the kind administrators add for DNS), for Cilium 1.15 (no {@code enableDefaultDeny},
 * cilium/cilium#30572 is 1.16), 1.16, 1.17 and 1.19 with {@code enable-non-default-deny-policies}
 * true and false (cilium/cilium#34940, {@code Rule.Sanitize} in {@code
 * pkg/policy/api/rule_validation.go}), and five datapath settings:
 *
 * <ul>
 *   <li>for every pod and direction, being in default deny is the same before and after applying
 *       the companions the audit prints;
 *   <li>the only verdicts that change are the trapped flows, and flows from pods the companions
 *       select (every pod for a clusterwide companion, the trapped pods otherwise) to the same
 *       backends on the same ports;
 *   <li>no trap remains.
 * </ul>
 *
 * <p>Plain randomized JUnit over a fixed list of seeds (each failure names its seed). Non-vacuity:
 * traps, changed verdicts, both scopes and a case where the clusterwide shape would have changed a
 * pod's posture all occur.
 */
class CompanionPostureTest {
  private static final long[] SEEDS = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610};

  /** Version and enable-non-default-deny-policies: every combination that decides posture. */
  private static final String[][] VERSIONS = {
    {"1.15", "true"}, {"1.16", "true"}, {"1.17", "true"}, {"1.17", "false"}, {"1.19", "false"},
  };

  private int traps;
  private int changed;
  private int sourcesScope;
  private int clusterScope;
  private int unsafeClusterwide;

  @Test
  void companionsKeepEveryPostureAndChangeOnlyTheTrappedFlows() {
    for (long seed : SEEDS) {
      ClusterSnapshot cluster = generate(new Random(seed));
      for (String[] version : VERSIONS) {
        for (String[] datapath : CompanionsClearTrapsPropertyTest.SETTINGS) {
          Map<String, String> set = Clusters.settings(datapath);
          set.put(DatapathSettings.CILIUM_VERSION, version[0]);
          set.put(DatapathSettings.NON_DEFAULT_DENY, version[1]);
          check(cluster, set, "seed " + seed + ", Cilium " + version[0] + ", "
              + DatapathSettings.NON_DEFAULT_DENY + "=" + version[1] + ", " + set);
        }
      }
    }
    System.out.printf("CompanionPostureTest: seeds %s; %d traps, %d verdicts changed, %d sources"
            + " scope, %d cluster scope, %d unsafe clusterwide cases%n",
        Arrays.toString(SEEDS), traps, changed, sourcesScope, clusterScope,
        unsafeClusterwide);
    assertThat(traps).as("traps found").isPositive();
    assertThat(changed).as("verdicts the companions changed").isPositive();
    assertThat(sourcesScope).as("audits with companions of scope sources").isPositive();
    assertThat(clusterScope).as("audits with companions of scope cluster").isPositive();
    assertThat(unsafeClusterwide)
        .as("cases where an endpointSelector {} companion would have changed someone's posture")
        .isPositive();
  }

  private void check(ClusterSnapshot cluster, Map<String, String> set, String label) {
    AuditReport before = Audit.run(cluster, set, AuditOptions.defaults());
    if (before.companions().isEmpty()) {
      return;
    }
    traps += before.traps().size();
    if (before.companionScope().scope() == CompanionScope.SOURCES) {
      sourcesScope++;
    } else {
      clusterScope++;
    }
    ClusterSnapshot after = Clusters.withCompanions(cluster, before);
    PolicyEngine engineBefore = PolicyEngine.of(cluster);
    PolicyEngine engineAfter = PolicyEngine.of(after);
    DatapathSettings sBefore = engineBefore.settings(set);
    DatapathSettings sAfter = engineAfter.settings(set);

    assertThat(posture(engineAfter, sAfter, cluster))
        .as("%s: default deny of every pod and direction", label)
        .isEqualTo(posture(engineBefore, sBefore, cluster));

    Set<List<Object>> trapped = new HashSet<>();
    Set<Map<String, String>> trappedSources = new HashSet<>();
    Set<List<Object>> reachable = new HashSet<>();
    for (Trap t : before.traps()) {
      for (Pod p : t.sources()) {
        trapped.add(List.of(p.key(), t.address().address().toCanonicalString(),
            t.servicePort().port()));
        trappedSources.add(Companions.stableLabels(p));
      }
      // The same backends: the Service's pods (its selector), on the ports the traps needed.
      Map<String, String> selector = t.address().service().selector();
      for (List<Destination> ds : List.of(t.destinations(), t.onceTranslated())) {
        for (Destination d : ds) {
          reachable.add(List.of(d.identity().isPod() ? d.identity().pod().key() : "node",
              d.port()));
          for (Pod backend : cluster.podsIn(t.address().service().namespace())) {
            if (selector != null && !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> e.getValue().equals(backend.labels().get(e.getKey())))) {
              reachable.add(List.of(backend.key(), d.port()));
            }
          }
        }
      }
    }
    boolean clusterwide = before.companionScope().scope() == CompanionScope.CLUSTER;
    for (Pod source : cluster.pods()) {
      for (String[] dst : destinations(cluster)) {
        Flow flow = new Flow(source, IpText.parse(dst[0]), Integer.parseInt(dst[1]), Protocol.TCP);
        Verdict was = engineBefore.verdict(flow, sBefore);
        Verdict is = engineAfter.verdict(flow, sAfter);
        if (was.outcome() == is.outcome()) {
          continue;
        }
        changed++;
        boolean isTrapped = trapped.contains(List.of(source.key(), dst[0], flow.port()));
        boolean sameBackends = is.destinations().stream()
            .allMatch(d -> reachable.contains(key(d)));
        boolean selected = clusterwide || trappedSources.contains(Companions.stableLabels(source));
        assertThat(isTrapped || (sameBackends && selected))
            .as("%s: %s -> %s:%s changed from %s to %s", label, source.key(), dst[0], dst[1],
                was.outcome(), is.outcome())
            .isTrue();
      }
    }
    assertThat(Audit.run(after, set, AuditOptions.defaults()).traps())
        .as("%s: traps left with the companions", label).isEmpty();

    // Control: where the agent ignores enableDefaultDeny: false, the seed article's clusterwide
    // shape is what this test exists to rule out.
    if (!sBefore.honoursDefaultDenyOptOut()) {
      ClusterSnapshot.Builder b = cluster.toBuilder();
      Companions.of(before.traps()).forEach(c -> b.policy(c.asPolicy("clusterwide")));
      ClusterSnapshot withClusterwide = b.build();
      PolicyEngine e = PolicyEngine.of(withClusterwide);
      if (!posture(e, e.settings(set), cluster).equals(posture(engineBefore, sBefore, cluster))) {
        unsafeClusterwide++;
      }
    }
  }

  private static List<Object> key(DestinationVerdict d) {
    return List.of(d.identity().isPod() ? d.identity().pod().key() : "node", d.port());
  }

  /** Every pod's egress and ingress default deny. */
  private static Map<String, Boolean> posture(PolicyEngine engine, DatapathSettings s,
      ClusterSnapshot cluster) {
    Map<String, Boolean> out = new TreeMap<>();
    Pod probe = cluster.pods().get(0);
    for (Pod p : cluster.pods()) {
      Verdict out1 = engine.verdict(new Flow(p, IpText.parse("8.8.8.8"), 9, Protocol.TCP), s);
      out.put(p.key() + " egress", out1.destinations().get(0).egress().defaultDeny());
      if (!p.hostNetwork() && !p.ips().isEmpty()) {
        Verdict in = engine.verdict(
            new Flow(probe, IpText.parse(p.ips().get(0)), 8443, Protocol.TCP), s);
        out.put(p.key() + " ingress", in.destinations().get(0).ingress().defaultDeny());
      }
    }
    return out;
  }

  /** Every pod IP on the backend port, the Service's addresses, a node and the internet. */
  private static List<String[]> destinations(ClusterSnapshot cluster) {
    List<String[]> out = new ArrayList<>();
    for (Pod p : cluster.pods()) {
      if (!p.ips().isEmpty()) {
        out.add(new String[] {p.ips().get(0), "8443"});
      }
    }
    out.add(new String[] {"10.96.0.50", "443"});
    out.add(new String[] {"203.0.113.9", "443"});
    out.add(new String[] {"198.51.100.2", "443"});
    out.add(new String[] {"198.51.100.1", "443"});
    out.add(new String[] {"8.8.8.8", "443"});
    return out;
  }

  private static ClusterSnapshot generate(Random r) {
    List<String> docs = new ArrayList<>();
    docs.add(TrapRulesTest.NODES);
    for (String ns : List.of("app", "edge", "other")) {
      docs.add("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}");
    }
    docs.add(Clusters.webService(r.nextInt(3), r.nextBoolean()));
    docs.add(TrapRulesTest.pod("edge", "web-1", "web", "n2", "10.0.2.10", ""));
    if (r.nextBoolean()) {
      docs.add(TrapRulesTest.pod("edge", "web-2", "web", "n1", "10.0.1.20", ""));
    }
    docs.add(TrapRulesTest.pod("edge", "bystander", "bystander", "n2", "10.0.2.30", ""));
    docs.add(TrapRulesTest.pod("other", "loner", "loner", "n1", "10.0.1.40", ""));
    String ingress = Clusters.webIngress(r.nextInt(4), "nobody");
    if (ingress != null) {
      docs.add(ingress);
    }
    if (r.nextInt(3) == 0) {
      // A non-default-deny policy as administrators write them: harmless only where honoured.
      docs.add("""
          apiVersion: cilium.io/v2
          kind: CiliumClusterwideNetworkPolicy
          metadata: {name: allow-dns}
          spec:
            endpointSelector: {}
            enableDefaultDeny: {egress: false, ingress: false}
            egress:
            - toEntities: [world]
              toPorts: [{ports: [{port: "53", protocol: ANY}]}]
          """);
    }
    int clients = 1 + r.nextInt(4);
    for (int i = 0; i < clients; i++) {
      String app = "client-" + i;
      docs.add(TrapRulesTest.pod("app", app, app, r.nextBoolean() ? "n1" : "n2",
          "10.0.3." + (10 + i), ""));
      String egress = Clusters.CLIENT_EGRESS.get(r.nextInt(6)).yaml(app);
      if (egress != null) {
        docs.add(egress);
      }
    }
    return Clusters.yaml(docs.toArray(String[]::new));
  }
}

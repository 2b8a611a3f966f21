package dev.nodeipam.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.testing.YamlClusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ManifestDefaults#withService}, the guard's after-state of one Service's change, is
 * {@link ManifestDefaults#apply} on the cluster with that Service replaced, or declines: every
 * Service of the result equals the one of the cluster loaded from scratch with the replacement.
 * The cluster is single-stack but for what a change brings, and holds a PreferDualStack Service
 * without clusterIPs, whose families follow whether the cluster looks dual-stack.
 */
class ManifestDefaultsWithServiceTest {
  private static final String NODE = """
      apiVersion: v1
      kind: Node
      metadata: {name: n1}
      status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}
      """;
  private static final String KUBERNETES = """
      apiVersion: v1
      kind: Service
      metadata: {name: kubernetes, namespace: default}
      spec: {clusterIP: 10.96.0.1, ports: [{port: 443}]}
      """;
  private static final String PREFER = """
      apiVersion: v1
      kind: Service
      metadata: {name: prefer, namespace: app}
      spec: {ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}
      """;
  private static final String WEB = """
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: app}
      spec: {clusterIP: 10.96.0.10, ports: [{port: 80}]}
      """;

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      a port added | web | clusterIP: 10.96.0.10, ports: [{port: 80}, {port: 443}] | true
      externalIP | web | clusterIP: 10.96.0.10, externalIPs: [192.0.2.1], ports: [{port: 80}] | true
      a LoadBalancer | web | type: LoadBalancer, clusterIP: 10.96.0.10, ports: [{port: 80}] | true
      dual-stack | web | clusterIPs: [10.96.0.10, 'fd00::10'], ports: [{port: 80}] | false
      API server's | kubernetes | clusterIP: 10.96.0.1, ports: [{port: 6443}] | false
      not there before | other | clusterIP: 10.96.0.11, ports: [{port: 80}] | false
      """)
  void isTheDefaultsOfTheClusterWithIt(String what, String name, String spec, boolean swapped) {
    String ns = name.equals("kubernetes") ? "default" : "app";
    String replacement = "apiVersion: v1\nkind: Service\nmetadata: {name: " + name
        + ", namespace: " + ns + "}\nspec: {" + spec + "}\n";
    List<String> before = List.of(NODE, KUBERNETES, PREFER, WEB);
    List<String> after = new ArrayList<>();
    for (String doc : before) {
      after.add(doc.contains("name: " + name + ",") ? replacement : doc);
    }
    if (!after.contains(replacement)) {
      after.add(replacement);
    }
    ClusterSnapshot definition = YamlClusters.load(after);
    Service changed = definition.service(ns, name).orElseThrow();

    Optional<ClusterSnapshot> fast = ManifestDefaults.withService(YamlClusters.load(before),
        changed);

    assertThat(fast.isPresent()).as(what).isEqualTo(swapped);
    fast.ifPresent(s -> assertThat(s.services()).as(what)
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("source")
        .containsExactlyElementsOf(definition.services()));
  }
}

package dev.nodeipam.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.PortRef;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestLoaderTest {
  @TempDir Path dir;

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return file;
  }

  private static String node(String name) {
    return "apiVersion: v1\nkind: Node\nmetadata: {name: " + name + "}\n";
  }

  private static String service(String namespace, String name, String spec) {
    return "apiVersion: v1\nkind: Service\nmetadata: {name: "
        + name
        + ", namespace: "
        + namespace
        + "}\nspec: "
        + spec
        + "\n";
  }

  private ClusterSnapshot load(Path... paths) {
    return ManifestLoader.load(List.of(paths));
  }

  private static Service only(ClusterSnapshot s) {
    assertThat(s.services()).hasSize(1);
    return s.services().get(0);
  }

  // ---------------------------------------------------------------- files and documents

  @Test
  void readsADirectoryNamedThroughASymbolicLinkUnderTheNameGiven() throws IOException {
    write("shared/nodes.yaml", node("n1") + "---\n" + node("n2"));
    Path link = Files.createSymbolicLink(dir.resolve("env"), dir.resolve("shared"));
    assertThat(load(link).nodes()).extracting(Node::name).containsExactly("n1", "n2");
    write("shared/bad.yaml", "apiVersion: v1\nkind: Service\nmetadata: {namespace: a}\n");
    // A problem names the file as the user reaches it, through the link.
    assertThatThrownBy(() -> load(link))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining(link.resolve("bad.yaml") + ":1");
  }

  @Test
  void readsEveryDocumentOfAMultiDocumentFileSkippingEmptyOnes() throws IOException {
    Path f =
        write(
            "all.yaml",
            "---\n# a comment-only document\n---\n"
                + node("n1")
                + "---\n---\n"
                + node("n2")
                + "...\n---\n"
                + node("n3"));
    assertThat(load(f).nodes()).extracting(Node::name).containsExactly("n1", "n2", "n3");
  }

  @Test
  void readsListKindsAndTypedLists() throws IOException {
    Path f =
        write(
            "lists.yaml",
            "apiVersion: v1\n"
                + "kind: List\n"
                + "items:\n"
                + "- {apiVersion: v1, kind: Node, metadata: {name: n1}}\n"
                + "- {apiVersion: v1, kind: Service, metadata: {name: web, namespace: shop}, spec:"
                + " {ports: [{port: 80}]}}\n"
                + "---\n"
                + "apiVersion: v1\n"
                + "kind: NodeList\n"
                + "items:\n"
                + "- {apiVersion: v1, kind: Node, metadata: {name: n2}}\n");
    ClusterSnapshot s = load(f);
    assertThat(s.nodes()).extracting(Node::name).containsExactly("n1", "n2");
    assertThat(only(s).key()).isEqualTo("shop/web");
  }

  @Test
  void readsAListDocumentOfManyMegabytesAsKubectlWritesIt() throws IOException {
    StringBuilder list = new StringBuilder("apiVersion: v1\nkind: List\nitems:\n");
    for (int i = 0; i < 16_000; i++) {
      list.append("- apiVersion: v1\n  kind: Node\n  metadata:\n    name: n")
          .append(i)
          .append("\n    labels: {zone: a, pool: general, rack: '")
          .append(i % 40)
          .append("'}\n")
          .append("  status:\n    addresses:\n    - {type: InternalIP, address: 10.0.0.1}\n")
          .append("    - {type: Hostname, address: n")
          .append(i)
          .append("}\n");
    }
    assertThat(list.length()).isGreaterThan(3_200_000);
    assertThat(load(write("all.yaml", list.toString())).nodes()).hasSize(16_000);
  }

  @Test
  void readsJsonFiles() throws IOException {
    Path f =
        write(
            "n.json",
            "{\"apiVersion\": \"v1\", \"kind\": \"Node\", \"metadata\": {\"name\": \"n1\"}}");
    assertThat(load(f).nodes()).extracting(Node::name).containsExactly("n1");
  }

  @Test
  void aDirectoryMeansEveryYamlYmlAndJsonFileBelowIt() throws IOException {
    write("a.yaml", node("n1"));
    write("sub/b.yml", node("n2"));
    write(
        "sub/deeper/c.json",
        "{\"apiVersion\": \"v1\", \"kind\": \"Node\", \"metadata\": {\"name\": \"n3\"}}");
    write("sub/README.md", "# not: [a manifest");
    write("sub/notes.txt", "garbage: [");
    write("sub/d.yaml.orig", "garbage: [");
    write("sub/kustomization.yaml.bak", "garbage: [");
    assertThat(load(dir).nodes())
        .extracting(Node::name)
        .containsExactlyInAnyOrder("n1", "n2", "n3");
  }

  @Test
  void severalPathsAreReadTogether() throws IOException {
    Path a = write("a/nodes.yaml", node("n1"));
    Path b = write("b/svc.yaml", service("shop", "web", "{ports: [{port: 80}]}"));
    ClusterSnapshot s = load(a, b.getParent());
    assertThat(s.nodes()).hasSize(1);
    assertThat(s.services()).hasSize(1);
  }

  @Test
  void unknownKindsAreKeptOutSilently() throws IOException {
    Path f =
        write(
            "misc.yaml",
            node("n1")
                + "---\n"
                + "apiVersion: v1\n"
                + "kind: Secret\n"
                + "metadata: {name: s, namespace: shop}\n"
                + "data: {}\n"
                + "---\n"
                + "apiVersion: v1\n"
                + "kind: ConfigMap\n"
                + "metadata: {name: app-config, namespace: shop}\n"
                + "data: {a: b}\n"
                + "---\n"
                + "apiVersion: widgets.example.com/v1\n"
                + "kind: Widget\n"
                + "metadata: {name: w}\n"
                + "spec: {size: 3}\n"
                + "---\n"
                + "apiVersion: cilium.io/v2alpha1\n"
                + "kind: CiliumLoadBalancerIPPool\n"
                + "metadata: {name: pool}\n"
                + "spec: {}\n");
    ClusterSnapshot s = load(f);
    assertThat(s.nodes()).hasSize(1);
    assertThat(s.services()).isEmpty();
    assertThat(s.policies()).isEmpty();
    assertThat(s.ciliumConfig()).isEmpty();
  }

  @Test
  void ciliumPoliciesAreKeptAsTreesAndTheCiliumConfigIsRead() throws IOException {
    Path f =
        write(
            "cilium.yaml",
            "apiVersion: cilium.io/v2\n"
                + "kind: CiliumNetworkPolicy\n"
                + "metadata: {name: allow, namespace: shop}\n"
                + "spec: {endpointSelector: {}, ingress: [{toPorts: [{ports: [{port: \"80\","
                + " protocol: TCP}]}]}]}\n"
                + "---\n"
                + "apiVersion: v1\n"
                + "kind: ConfigMap\n"
                + "metadata: {name: cilium-config, namespace: kube-system}\n"
                + "data: {kube-proxy-replacement: \"true\"}\n");
    ClusterSnapshot s = load(f);
    assertThat(s.policies())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.kind()).isEqualTo("CiliumNetworkPolicy");
              assertThat(p.key()).isEqualTo("shop/allow");
            });
    assertThat(s.ciliumConfig()).contains(Map.of("kube-proxy-replacement", "true"));
  }

  @Test
  void theSameObjectTwiceIsAppliedOnceAsKubectlApplyDoes() throws IOException {
    // Issue 19: kubectl apply -f applies the later copy; an identical one changes nothing.
    write("a.yaml", node("n1"));
    write("b/c.yaml", node("n2") + "---\n" + node("n1"));
    ClusterSnapshot s = load(dir);
    assertThat(s.nodes()).extracting(Node::name).containsExactlyInAnyOrder("n1", "n2");
    assertThat(s.nodes()).filteredOn(n -> n.name().equals("n1"))
        .extracting(Node::source).allMatch(w -> w.endsWith("c.yaml:5"));
  }

  @Test
  void sameNameInAnotherNamespaceOrOfAnotherKindIsNoDuplicate() throws IOException {
    Path f =
        write(
            "ok.yaml",
            service("a", "web", "{ports: [{port: 80}]}")
                + "---\n"
                + service("b", "web", "{ports: [{port: 80}]}")
                + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n"
                + "---\n"
                + node("web"));
    ClusterSnapshot s = load(f);
    assertThat(s.services()).hasSize(2);
    assertThat(s.nodes()).hasSize(1);
  }

  @Test
  void anObjectWithoutNamespaceLandsInDefaultAndCollidesThere() throws IOException {
    Path f =
        write(
            "d.yaml",
            service("default", "web", "{}")
                + "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n");
    // Issue 19: the later object replaces the earlier one there, as kubectl apply -f does.
    ClusterSnapshot s = load(f);
    assertThat(s.services()).extracting(Service::key).containsExactly("default/web");
    assertThat(s.services().get(0).source()).isNotEqualTo(f + ":1");
  }

  // ---------------------------------------------------------------- bad input: one line, file
  // first

  private static void oneLine(Throwable e, Path file) {
    assertThat(e).isInstanceOf(BadInputException.class);
    assertThat(e.getMessage()).startsWith(file.toString()).doesNotContain("\n");
  }

  /**
   * A spelling the API server rejects ({@code validateService} in Kubernetes'
   * pkg/apis/core/validation/validation.go: {@code field.NotSupported} for type, both traffic
   * policies, ipFamilyPolicy and each ipFamilies entry; the values are case-sensitive) is one line
   * naming the file and line, the Service and the field.
   */
  @ParameterizedTest
  @CsvSource({
    "'{type: Loadbalancer}', spec.type, Loadbalancer",
    "'{type: NodePort, externalTrafficPolicy: local}', spec.externalTrafficPolicy, local",
    "'{internalTrafficPolicy: Nearby}', spec.internalTrafficPolicy, Nearby",
    "'{ipFamilyPolicy: DualStack}', spec.ipFamilyPolicy, DualStack",
    "'{ipFamilies: [IPv4, ipv6]}', 'spec.ipFamilies[1]', ipv6"
  })
  void anEnumSpellingTheApiServerRejectsIsOneLineNamingTheField(
      String spec, String field, String value) throws IOException {
    Path f = write("svc.yaml", node("n1") + "---\n" + service("a", "web", spec));
    Throwable e = catchThrowable(() -> load(f));
    oneLine(e, f);
    assertThat(e.getMessage())
        .startsWith(f + ":5: ")
        .contains("Service a/web: " + field + ": Unsupported value: \"" + value + "\"");
  }

  @Test
  void malformedYamlIsOneLineWithFileAndLine() throws IOException {
    Path f =
        write(
            "bad.yaml",
            node("n1")
                + "---\napiVersion: v1\nkind: Node\nmetadata:\n  name: n2\n  labels: [a: b\n");
    Throwable e = catchThrowable(() -> load(f));
    oneLine(e, f);
    assertThat(e.getMessage())
        .matches(Pattern.quote(f.toString()) + ":\\d+: malformed YAML: .+");
    int line = Integer.parseInt(e.getMessage().substring(f.toString().length() + 1).split(":")[0]);
    assertThat(line).isBetween(8, 10);
  }

  @Test
  void badIndentationIsMalformedYaml() throws IOException {
    Path f =
        write("indent.yaml", "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n labels: {}\n");
    Throwable e = catchThrowable(() -> load(f));
    oneLine(e, f);
    assertThat(e.getMessage()).contains(":5: malformed YAML");
  }

  @Test
  void malformedJsonIsOneLineWithFileAndLine() throws IOException {
    Path f =
        write(
            "bad.json",
            "{\"apiVersion\": \"v1\",\n \"kind\": \"Node\",\n \"metadata\": {\"name\": \"n1\"\n");
    Throwable e = catchThrowable(() -> load(f));
    oneLine(e, f);
    assertThat(e.getMessage()).contains("malformed JSON");
  }

  @Test
  void theFirstProblemInPathOrderIsReportedThoughFilesAreReadInParallel() throws IOException {
    for (int i = 0; i < 20; i++) {
      write(String.format("f%02d.yaml", i), i % 7 == 3 ? "a: [\n" : node("n" + i));
    }
    for (int round = 0; round < 5; round++) {
      assertThatThrownBy(() -> load(dir)).hasMessageStartingWith(dir.resolve("f03.yaml") + ":");
    }
  }

  @Test
  void aMissingPathIsReported() {
    Path missing = dir.resolve("nowhere/nodes.yaml");
    assertThatThrownBy(() -> load(missing))
        .isInstanceOf(BadInputException.class)
        .hasMessage(missing + ": no such file or directory");
  }

  @Test
  void anInvalidObjectNamesFileKindAndName() throws IOException {
    Path f =
        write("svc.yaml", node("n1") + "---\n" + service("shop", "web", "{ports: [{port: http}]}"));
    Throwable e = catchThrowable(() -> load(f));
    oneLine(e, f);
    assertThat(e.getMessage())
        .startsWith(f + ":5: invalid Service web: spec.ports[0].port: ")
        .contains("\"http\"");
  }

  @Test
  void aNonUtf8FileIsReported() throws IOException {
    Path f = dir.resolve("latin1.yaml");
    Files.write(
        f,
        "apiVersion: v1\nkind: Node\nmetadata: {name: caf\u00e9}\n"
            .getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> load(f))
        .isInstanceOf(BadInputException.class)
        .hasMessage(f + ": not UTF-8 text");
  }

  @Test
  void aDocumentThatIsNoObjectOrLacksKindOrNameIsReported() throws IOException {
    Path scalar = write("scalar.yaml", "just some text\n");
    assertThatThrownBy(() -> load(scalar))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("expected a Kubernetes object");
    Path noKind = write("nokind.yaml", "apiVersion: v1\nmetadata: {name: x}\n");
    assertThatThrownBy(() -> load(noKind))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no kind");
    Path noName = write("noname.yaml", "apiVersion: v1\nkind: Node\nmetadata: {}\n");
    assertThatThrownBy(() -> load(noName))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("no metadata.name");
  }

  // ---------------------------------------------------------------- the API server's defaults

  @Test
  void everyNamespaceGetsItsNameLabelAlsoTheOnesOnlyReferredTo() throws IOException {
    Path f =
        write(
            "ns.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop, labels: {team: a}}\n---\n"
                + service("web", "site", "{ports: [{port: 80}]}")
                + "---\n"
                + "apiVersion: v1\n"
                + "kind: Pod\n"
                + "metadata: {name: p, namespace: jobs}\n"
                + "spec: {containers: [{name: c, image: i}]}\n");
    ClusterSnapshot s = load(f);
    assertThat(s.namespace("shop").map(Namespace::labels))
        .contains(Map.of("team", "a", "kubernetes.io/metadata.name", "shop"));
    assertThat(s.namespace("web").map(Namespace::labels))
        .contains(Map.of("kubernetes.io/metadata.name", "web"));
    assertThat(s.namespace("jobs").map(Namespace::labels))
        .contains(Map.of("kubernetes.io/metadata.name", "jobs"));
  }

  @Test
  void ipFamiliesFollowIpFamilyPolicyAndClusterIps() throws IOException {
    Path f =
        write(
            "svc.yaml",
            service("a", "none", "{type: LoadBalancer, ports: [{port: 80}]}")
                + "---\n"
                + service("a", "single", "{ipFamilyPolicy: SingleStack, ports: [{port: 80}]}")
                + "---\n"
                + service("a", "require", "{ipFamilyPolicy: RequireDualStack, ports: [{port: 80}]}")
                + "---\n"
                + service("a", "prefer", "{ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}")
                + "---\n"
                + service("a", "v6ip", "{clusterIP: 'fd00::10', ports: [{port: 80}]}")
                + "---\n"
                + service("a", "explicit", "{ipFamilies: [IPv6, IPv4], ports: [{port: 80}]}"));
    ClusterSnapshot s = load(f);
    assertThat(s.service("a", "none").orElseThrow().ipFamilies()).containsExactly(IpFamily.IPV4);
    assertThat(s.service("a", "none").orElseThrow().ipFamilyPolicy())
        .isEqualTo(IpFamilyPolicy.SINGLE_STACK);
    assertThat(s.service("a", "single").orElseThrow().ipFamilies()).containsExactly(IpFamily.IPV4);
    assertThat(s.service("a", "require").orElseThrow().ipFamilies())
        .containsExactly(IpFamily.IPV4, IpFamily.IPV6);
    assertThat(s.service("a", "prefer").orElseThrow().ipFamilies())
        .as("PreferDualStack on a single-stack cluster")
        .containsExactly(IpFamily.IPV4);
    assertThat(s.service("a", "v6ip").orElseThrow().ipFamilies()).containsExactly(IpFamily.IPV6);
    assertThat(s.service("a", "explicit").orElseThrow().ipFamilies())
        .containsExactly(IpFamily.IPV6, IpFamily.IPV4);
    assertThat(s.service("a", "explicit").orElseThrow().ipFamilyPolicy())
        .isEqualTo(IpFamilyPolicy.REQUIRE_DUAL_STACK);
  }

  @Test
  void preferDualStackIsDualOnADualStackCluster() throws IOException {
    Path f =
        write(
            "svc.yaml",
            "apiVersion: v1\n"
                + "kind: Node\n"
                + "metadata: {name: n1}\n"
                + "spec: {podCIDRs: [10.244.0.0/24, 'fd00:10::/64']}\n"
                + "---\n"
                + service("a", "prefer", "{ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}"));
    assertThat(only(load(f)).ipFamilies()).containsExactly(IpFamily.IPV4, IpFamily.IPV6);
  }

  @Test
  void theClustersPrimaryFamilyComesFromTheKubernetesService() throws IOException {
    Path f =
        write(
            "svc.yaml",
            service("default", "kubernetes", "{clusterIP: 'fd00:96::1', ports: [{port: 443}]}")
                + "---\n"
                + service("a", "web", "{type: LoadBalancer, ports: [{port: 80}]}"));
    assertThat(load(f).service("a", "web").orElseThrow().ipFamilies())
        .containsExactly(IpFamily.IPV6);
  }

  @Test
  void externalTrafficPolicyDefaultsToClusterForLoadBalancersAndNodePorts() throws IOException {
    Path f =
        write(
            "svc.yaml",
            service("a", "lb", "{type: LoadBalancer, ports: [{port: 80}]}")
                + "---\n"
                + service("a", "np", "{type: NodePort, ports: [{port: 80}]}")
                + "---\n"
                + service(
                    "a",
                    "local",
                    "{type: LoadBalancer, externalTrafficPolicy: Local, ports: [{port: 80}]}")
                + "---\n"
                + service("a", "cip", "{ports: [{port: 80}]}"));
    ClusterSnapshot s = load(f);
    assertThat(s.service("a", "lb").orElseThrow().externalTrafficPolicy())
        .isEqualTo(TrafficPolicy.CLUSTER);
    assertThat(s.service("a", "np").orElseThrow().externalTrafficPolicy())
        .isEqualTo(TrafficPolicy.CLUSTER);
    assertThat(s.service("a", "local").orElseThrow().externalTrafficPolicy())
        .isEqualTo(TrafficPolicy.LOCAL);
    assertThat(s.service("a", "cip").orElseThrow().externalTrafficPolicy()).isNull();
    assertThat(s.service("a", "cip").orElseThrow().type()).isEqualTo(ServiceType.CLUSTER_IP);
  }

  @Test
  void portsDefaultToTcpAndTargetPortToPort() throws IOException {
    Path f =
        write(
            "svc.yaml",
            service(
                "a",
                "web",
                "{ports: [{name: http, port: 80}, {name: dns, port: 53, protocol: UDP, targetPort:"
                    + " 5353}, {name: named, port: 8443, targetPort: https}, {name: quoted, port:"
                    + " 9000, targetPort: '9090'}]}"));
    List<Service.ServicePort> ports = only(load(f)).ports();
    assertThat(ports)
        .containsExactly(
            new Service.ServicePort("http", "TCP", 80, PortRef.of(80), null),
            new Service.ServicePort("dns", "UDP", 53, PortRef.of(5353), null),
            new Service.ServicePort("named", "TCP", 8443, PortRef.named("https"), null),
            new Service.ServicePort("quoted", "TCP", 9000, PortRef.of(9090), null));
  }

  @Test
  void workloadsWithoutPodsStandInWithTheirTemplatePods() throws IOException {
    Path f =
        write(
            "apps.yaml",
            "apiVersion: apps/v1\n"
                + "kind: Deployment\n"
                + "metadata: {name: site, namespace: web}\n"
                + "spec:\n"
                + "  selector: {matchLabels: {app: site}}\n"
                + "  template:\n"
                + "    metadata: {labels: {app: site, tier: fe}}\n"
                + "    spec:\n"
                + "      serviceAccountName: site\n"
                + "      containers:\n"
                + "      - name: c\n"
                + "        image: i\n"
                + "        ports: [{name: http, containerPort: 8080}, {name: dns, containerPort:"
                + " 53, protocol: UDP}]\n"
                + "---\n"
                + "apiVersion: apps/v1\n"
                + "kind: StatefulSet\n"
                + "metadata: {name: db, namespace: web}\n"
                + "spec:\n"
                + "  selector: {matchLabels: {app: db}}\n"
                + "  template:\n"
                + "    metadata: {labels: {app: db}}\n"
                + "    spec: {containers: [{name: c, image: i}]}\n"
                + "---\n"
                + "apiVersion: v1\n"
                + "kind: Pod\n"
                + "metadata: {name: db-0, namespace: web, labels: {app: db}}\n"
                + "spec: {nodeName: n1, containers: [{name: c, image: i}]}\n"
                + "---\n"
                + "apiVersion: batch/v1\n"
                + "kind: CronJob\n"
                + "metadata: {name: backup, namespace: web}\n"
                + "spec:\n"
                + "  schedule: '@daily'\n"
                + "  jobTemplate:\n"
                + "    spec:\n"
                + "      template:\n"
                + "        metadata: {labels: {job: backup}}\n"
                + "        spec: {restartPolicy: Never, containers: [{name: c, image: i}]}\n");
    ClusterSnapshot s = load(f);
    assertThat(s.workloads()).hasSize(3);
    List<Pod> templates = s.pods().stream().filter(Pod::isTemplate).toList();
    assertThat(templates)
        .extracting(Pod::workload)
        .containsExactlyInAnyOrder("Deployment/site", "CronJob/backup");
    Pod site =
        templates.stream()
            .filter(p -> p.workload().equals("Deployment/site"))
            .findFirst()
            .orElseThrow();
    assertThat(site.labels()).isEqualTo(Map.of("app", "site", "tier", "fe"));
    assertThat(site.serviceAccount()).isEqualTo("site");
    assertThat(site.ports())
        .containsExactly(
            new Pod.ContainerPort("http", 8080, "TCP"), new Pod.ContainerPort("dns", 53, "UDP"));
    assertThat(s.pods().stream().filter(p -> !p.isTemplate()))
        .extracting(Pod::name)
        .containsExactly("db-0");
  }

  @Test
  void nodeAddressesTaintsAndConditionsAreRead() throws IOException {
    Path f =
        write(
            "node.yaml",
            "apiVersion: v1\n"
                + "kind: Node\n"
                + "metadata:\n"
                + "  name: n1\n"
                + "  labels: {zone: a}\n"
                + "  deletionTimestamp: '2026-11-01T00:00:00Z'\n"
                + "  finalizers: [x/y]\n"
                + "spec:\n"
                + "  unschedulable: true\n"
                + "  taints: [{key: ToBeDeletedByClusterAutoscaler, value: '1', effect:"
                + " NoSchedule}]\n"
                + "status:\n"
                + "  addresses: [{type: InternalIP, address: 10.0.0.1}, {type: ExternalIP, address:"
                + " '2001:0000::1'}]\n"
                + "  conditions: [{type: Ready, status: 'False'}]\n");
    Node n = load(f).nodes().get(0);
    assertThat(n.labels()).isEqualTo(Map.of("zone", "a"));
    assertThat(n.deleting()).isTrue();
    assertThat(n.unschedulable()).isTrue();
    assertThat(n.ready()).isEqualTo("False");
    assertThat(n.taints())
        .containsExactly(new Node.Taint("ToBeDeletedByClusterAutoscaler", "1", "NoSchedule"));
    assertThat(n.addresses())
        .containsExactly(
            new Node.NodeAddress("InternalIP", "10.0.0.1"),
            new Node.NodeAddress("ExternalIP", "2001:0000::1"));
    assertThat(n.source()).isEqualTo(f + ":1");
  }

  // ---------------------------------------------------------------- trees as people have them

  private ClusterSnapshot load(List<String> warnings, boolean skip, Path... paths) {
    return ManifestLoader.load(List.of(paths),
        new ManifestLoader.Options(skip, warnings::add, new ManifestLoader.Progress()));
  }

  @Test
  void typedListItemsTakeTheirKindAndApiVersionFromTheList() throws IOException {
    // As `kubectl get namespaces,pods -o json` and the API server's list calls return them.
    Path f = write("lists.json", "{\"apiVersion\": \"v1\", \"kind\": \"NamespaceList\", \"items\": ["
        + "{\"metadata\": {\"name\": \"shop\", \"labels\": {\"team\": \"a\"}}}]}\n");
    Path g = write("pods.yaml", "apiVersion: v1\nkind: PodList\nitems:\n"
        + "- metadata: {name: web-1, namespace: shop, labels: {app: web}}\n"
        + "  spec: {nodeName: n1, containers: [{name: c, image: i}]}\n");
    ClusterSnapshot s = load(f, g);
    assertThat(s.namespace("shop").orElseThrow().labels()).containsEntry("team", "a");
    assertThat(s.pods()).extracting(Pod::key).containsExactly("shop/web-1");
  }

  @Test
  void anItemOfAPlainListStillNeedsItsKind() throws IOException {
    Path f = write("list.yaml", "apiVersion: v1\nkind: List\nitems:\n- {metadata: {name: x}}\n");
    assertThatThrownBy(() -> load(f))
        .isInstanceOf(BadInputException.class)
        .hasMessage(f + ":1 items[0]: object has no kind");
  }

  @Test
  void replicationControllersAndBareReplicaSetsStandInForTheirPods() throws IOException {
    Path f = write("legacy.yaml", "apiVersion: v1\nkind: ReplicationController\n"
        + "metadata: {name: old, namespace: web}\n"
        + "spec:\n  replicas: 2\n  template:\n    metadata: {labels: {app: old}}\n"
        + "    spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}]}]}\n"
        + "---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: bare, namespace: web}\n"
        + "spec:\n  selector: {matchLabels: {app: bare}}\n"
        + "  template:\n    metadata: {labels: {app: bare}}\n"
        + "    spec: {containers: [{name: c, image: i}]}\n");
    ClusterSnapshot s = load(f);
    assertThat(s.workloads()).extracting(w -> w.kind() + " " + w.key())
        .containsExactly("ReplicationController web/old", "ReplicaSet web/bare");
    assertThat(s.workloads().get(0).selector().matches(Map.of("app", "old")))
        .as("a ReplicationController without selector selects its template's labels").isTrue();
    List<Pod> templates = s.pods().stream().filter(Pod::isTemplate).toList();
    assertThat(templates).extracting(Pod::workload)
        .containsExactly("ReplicationController/old", "ReplicaSet/bare");
    assertThat(templates.get(0).ports()).containsExactly(new Pod.ContainerPort("http", 80, "TCP"));
  }

  @Test
  void aReplicaSetADeploymentRollsOutAddsNoSecondTemplatePod() throws IOException {
    // `kubectl get all -o yaml`: the Deployment and its ReplicaSet, no pods.
    Path f = write("all.yaml", "apiVersion: apps/v1\nkind: Deployment\n"
        + "metadata: {name: site, namespace: web}\n"
        + "spec:\n  selector: {matchLabels: {app: site}}\n"
        + "  template:\n    metadata: {labels: {app: site}}\n"
        + "    spec: {containers: [{name: c, image: i}]}\n"
        + "---\napiVersion: apps/v1\nkind: ReplicaSet\n"
        + "metadata: {name: site-5d9f, namespace: web}\n"
        + "spec:\n  selector: {matchLabels: {app: site, pod-template-hash: 5d9f}}\n"
        + "  template:\n    metadata: {labels: {app: site, pod-template-hash: 5d9f}}\n"
        + "    spec: {containers: [{name: c, image: i}]}\n");
    ClusterSnapshot s = load(f);
    assertThat(s.workloads()).hasSize(2);
    assertThat(s.pods()).extracting(Pod::workload).containsExactly("Deployment/site");
  }

  @Test
  void unknownKindsOfKnownGroupsGetOneWarningPerKindWithTheLikelyTypo() throws IOException {
    Path f = write("typos.yaml", service("shop", "web", "{ports: [{port: 80}]}")
        + "---\napiVersion: v1\nkind: Servce\nmetadata: {name: a, namespace: shop}\n"
        + "---\napiVersion: v1\nkind: Servce\nmetadata: {name: b, namespace: shop}\n"
        + "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicyy\n"
        + "metadata: {name: p, namespace: shop}\n"
        + "---\napiVersion: v1\nkind: Deployment\nmetadata: {name: d, namespace: shop}\n"
        + "---\napiVersion: netwroking.k8s.io/v1\nkind: NetworkPolicy\n"
        + "metadata: {name: q, namespace: shop}\n"
        + "---\napiVersion: widgets.example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
        + "---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: shop}\n");
    List<String> warnings = new ArrayList<>();
    ClusterSnapshot s = load(warnings, false, f);
    assertThat(s.services()).hasSize(1);
    assertThat(warnings).first().isEqualTo(
        "skipped 2 objects nodeipam does not read: Secret ×1, Widget ×1");
    assertThat(warnings.subList(1, warnings.size())).containsExactly(
        "ignored 2 objects of unknown kind Servce: did you mean Service?",
        "ignored 1 object of unknown kind NetworkPolicyy in API group networking.k8s.io: did you"
            + " mean NetworkPolicy?",
        "ignored 1 object of unknown kind Deployment: did you mean Deployment of API group apps?",
        "ignored 1 object of kind NetworkPolicy in API group netwroking.k8s.io: NetworkPolicy"
            + " belongs to API group networking.k8s.io");
  }

  @Test
  void inputWithoutAnyKubernetesObjectIsAnError() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> load(empty))
        .isInstanceOf(BadInputException.class)
        .hasMessage("no Kubernetes objects in " + empty);
    Path comments = write("only-comments/a.yaml", "# nothing here\n---\n");
    assertThatThrownBy(() -> load(comments.getParent()))
        .isInstanceOf(BadInputException.class)
        .hasMessage("no Kubernetes objects in " + comments.getParent());
  }

  @Test
  void aFileUnderADirectoryThatIsNoManifestIsAnErrorOrSkippedOnRequest() throws IOException {
    Path tree = dir.resolve("tree");
    write("tree/nodes.yaml", node("n1"));
    Path other = write("tree/report.json", "{\"findings\": [], \"version\": 2}\n");
    Path values = write("tree/chart/values.yaml", "replicas: 2\nimage: {tag: v1}\n");
    assertThatThrownBy(() -> load(tree))
        .isInstanceOf(BadInputException.class)
        .hasMessage(values + ": not a Kubernetes manifest (line 1: object has no kind);"
            + " --skip-non-manifests skips such files\n" + other + ": not a Kubernetes manifest"
            + " (line 1: object has no kind); --skip-non-manifests skips such files");
    List<String> warnings = new ArrayList<>();
    ClusterSnapshot s = load(warnings, true, tree);
    assertThat(s.nodes()).extracting(Node::name).containsExactly("n1");
    assertThat(warnings).containsExactly(
        "skipped " + values + ": not a Kubernetes manifest (line 1: object has no kind)",
        "skipped " + other + ": not a Kubernetes manifest (line 1: object has no kind)");
  }

  @Test
  void aStrayDocumentInAManifestIsStillAnErrorAtItsLine() throws IOException {
    Path f = write("tree2/mixed.yaml", "replicas: 2\n---\n" + node("n1"));
    assertThatThrownBy(() -> load(true, f.getParent()))
        .isInstanceOf(BadInputException.class)
        .hasMessage(f + ":1: object has no kind");
  }

  private ClusterSnapshot load(boolean skip, Path... paths) {
    return load(new ArrayList<>(), skip, paths);
  }
}

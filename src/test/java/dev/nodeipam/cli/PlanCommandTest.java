package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code nodeipam plan} end to end through {@link Main#run}: the contract, the examples, bad input.
 */
class PlanCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CONTRACT =
      List.of("namespace", "name", "handled", "ingress", "error", "nodes", "excludedNodes");

  private static JsonNode json(CliRun run) throws IOException {
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isZero();
    return JSON.readTree(run.out());
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  @Test
  void seedExamplePublishesExactlyTheThreeAddressesTheServiceUsedToList() throws IOException {
    JsonNode doc = json(CliRun.of("plan", "-f", "examples/seed", "-o", "json"));
    assertThat(fieldNames(doc)).containsExactly("services", "ciliumVersion", "findings");
    assertThat(doc.get("services")).hasSize(1);
    JsonNode site = doc.get("services").get(0);
    assertThat(fieldNames(site)).containsAll(CONTRACT);
    assertThat(site.get("namespace").asText()).isEqualTo("web");
    assertThat(site.get("name").asText()).isEqualTo("site");
    assertThat(site.get("handled").asBoolean()).isTrue();
    // ingress-ready=true picks node-a and node-b; node-a's ExternalIPs hide every InternalIP (R22);
    // IPv6 listed first in ipFamilies changes nothing: plain string order (R24).
    assertThat(texts(site.get("ingress")))
        .containsExactly("198.51.100.1", "2001:db8::1", "2001:db8::2");
    assertThat(site.get("error").isNull()).isTrue();
    assertThat(texts(site.get("nodes"))).containsExactly("node-a", "node-b");
    assertThat(site.get("excludedNodes")).isEmpty();
  }

  /**
   * Cilium 1.19 programs wildcard service entries for LoadBalancer VIPs (cilium/cilium#40684); a
   * VIP that is a node's own address then cuts the node off (cilium/cilium#43206, fixes #43565,
   * #43721, #45572): NODE_IP_AS_LB_VIP, an error when the version is given, a warning when
   * assumed, nothing for 1.18 or with bpf-lb-enable-wildcard-entries off.
   */
  @Test
  void nodeAddressesAsLoadBalancerVipsAreAnErrorUnderCilium119() throws IOException {
    // Node IPAM's own class is no wildcard candidate from 1.19.0 on (cilium/cilium#43565).
    JsonNode seed = json(CliRun.of("plan", "-f", "examples/seed", "-o", "json",
        "--cilium-version", "1.19.2"));
    assertThat(seed.get("findings")).isEmpty();
    // A class-less LoadBalancer (LB-IPAM's default class) that publishes node addresses is.
    JsonNode given = json(CliRun.of("plan", "-f", "examples/rules", "--default-class", "-o", "json",
        "--cilium-version", "1.19.2"));
    assertThat(given.get("ciliumVersion").get("version").asText()).isEqualTo("1.19.2");
    assertThat(given.get("ciliumVersion").get("from").asText()).isEqualTo("--cilium-version");
    // One finding per Service, naming each of its node addresses.
    assertThat(given.get("findings")).singleElement().satisfies(f -> {
      assertThat(f.get("type").asText()).isEqualTo("NODE_IP_AS_LB_VIP");
      assertThat(f.get("service").asText()).isEqualTo("rules/no-class");
      assertThat(f.get("severity").asText()).isEqualTo("error");
      assertThat(f.get("addresses")).isNotEmpty();
      assertThat(f.get("addresses").size()).isEqualTo(f.get("nodes").size());
      assertThat(f.get("message").asText()).contains("#45572", "#43565");
    });
    JsonNode assumed = json(CliRun.of("plan", "-f", "examples/rules", "--default-class", "-o",
        "json"));
    assertThat(assumed.get("ciliumVersion").get("assumed").asBoolean()).isTrue();
    assertThat(assumed.get("findings")).isNotEmpty().allSatisfy(
        f -> assertThat(f.get("severity").asText()).isEqualTo("warning"));
    JsonNode older = json(CliRun.of("plan", "-f", "examples/rules", "--default-class", "-o",
        "json", "--cilium-version", "1.18"));
    assertThat(older.get("findings")).isEmpty();
    CliRun text = CliRun.of("plan", "-f", "examples/rules", "--default-class",
        "--cilium-version", "1.19");
    assertThat(text.out()).contains("error: NODE_IP_AS_LB_VIP: rules/no-class publishes ");
  }

  /** examples/rules against the reference table and rules of docs/spec/node-ipam.md. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("rulesExpectations")
  void rulesExampleGivesTheReferenceAnswers(
      String name,
      boolean handled,
      List<String> ingress,
      List<String> nodes,
      Map<String, String> excluded)
      throws IOException {
    JsonNode services =
        json(CliRun.of("plan", "-f", "examples/rules", "-o", "json")).get("services");
    JsonNode s = null;
    for (JsonNode candidate : services) {
      if (candidate.get("name").asText().equals(name)) {
        s = candidate;
      }
    }
    assertThat(s).as(name).isNotNull();
    assertThat(s.get("namespace").asText()).isEqualTo("rules");
    assertThat(s.get("handled").asBoolean()).isEqualTo(handled);
    if (ingress == null) {
      assertThat(s.get("ingress").isNull()).isTrue();
    } else {
      assertThat(texts(s.get("ingress"))).containsExactlyElementsOf(ingress);
      assertThat(s.get("error").isNull()).isTrue();
    }
    assertThat(texts(s.get("nodes"))).containsExactlyElementsOf(nodes);
    Map<String, String> actualExcluded = new LinkedHashMap<>();
    s.get("excludedNodes")
        .forEach(x -> actualExcluded.put(x.get("name").asText(), x.get("reason").asText()));
    assertThat(actualExcluded).containsExactlyEntriesOf(excluded);
  }

  static Stream<Arguments> rulesExpectations() {
    Map<String, String> none = Map.of();
    return Stream.of(
        Arguments.of(
            "ipv4-cluster",
            true,
            List.of("42.0.0.2", "42.0.0.3"),
            List.of("node-1", "node-2", "node-3"),
            orderedMap(
                "node-4", "deleting", "node-5", "exclude-label", "node-6", "to-be-deleted-taint")),
        Arguments.of("ipv4-local", true, List.of("42.0.0.2"), List.of("node-1", "node-2"), none),
        Arguments.of(
            "ipv4-local-not-ready",
            true,
            List.of("10.0.0.1"),
            List.of("node-1"),
            orderedMap("node-2", "no-ready-endpoint")),
        Arguments.of(
            "dual-local",
            true,
            List.of("2001:0000::1", "42.0.0.2"),
            List.of("node-1", "node-2"),
            orderedMap("node-gone", "unknown-node")),
        Arguments.of("selected-group", true, List.of("42.0.0.2"), List.of("node-2"), none),
        Arguments.of("selects-nothing", true, List.of(), List.of(), none),
        Arguments.of("other-class", false, null, List.of(), none),
        Arguments.of("no-class", false, null, List.of(), none),
        Arguments.of("cluster-ip", false, null, List.of(), none));
  }

  private static Map<String, String> orderedMap(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void rulesExampleListsEveryServiceSortedAndReportsTheBadSelector() throws IOException {
    JsonNode services =
        json(CliRun.of("plan", "-f", "examples/rules", "-o", "json")).get("services");
    List<String> names = new ArrayList<>();
    services.forEach(s -> names.add(s.get("namespace").asText() + "/" + s.get("name").asText()));
    assertThat(names).isSorted().hasSize(10);
    JsonNode bad = services.get(names.indexOf("rules/bad-selector"));
    assertThat(bad.get("handled").asBoolean()).isTrue();
    assertThat(bad.get("ingress").isNull()).isTrue();
    assertThat(bad.get("error").asText())
        .contains("io.cilium.nodeipam/match-node-labels")
        .contains("zone in (a");
    services.forEach(s -> assertThat(fieldNames(s)).containsAll(CONTRACT));
  }

  @Test
  void defaultClassTakesTheClasslessLoadBalancer() throws IOException {
    JsonNode services =
        json(CliRun.of("plan", "-f", "examples/rules", "--default-class", "-o", "json"))
            .get("services");
    for (JsonNode s : services) {
      if (s.get("name").asText().equals("no-class")) {
        assertThat(s.get("handled").asBoolean()).isTrue();
        assertThat(texts(s.get("ingress"))).containsExactly("42.0.0.2", "42.0.0.3");
      }
      if (s.get("name").asText().equals("other-class")) {
        assertThat(s.get("handled").asBoolean()).isFalse();
      }
    }
  }

  @Test
  void loadBalancerClassFlagChoosesTheOwnedClass() throws IOException {
    JsonNode services =
        json(CliRun.of(
                "plan",
                "-f",
                "examples/rules",
                "--load-balancer-class",
                "example.com/metal",
                "-o",
                "json"))
            .get("services");
    for (JsonNode s : services) {
      boolean expected = s.get("name").asText().equals("other-class");
      assertThat(s.get("handled").asBoolean()).as(s.get("name").asText()).isEqualTo(expected);
    }
  }

  @Test
  void optionFlagsReachTheDecision() throws IOException {
    JsonNode site =
        json(CliRun.of(
                "plan",
                "-f",
                "examples/seed",
                "-o",
                "json",
                "--address-policy",
                "InternalOnly",
                "--canonical-addresses",
                "--ip-mode",
                "Proxy"))
            .get("services")
            .get(0);
    // InternalOnly: node-a and node-b have IPv4 InternalIPs only; canonical order puts the
    // Service's first family (IPv6) first, of which there is none.
    assertThat(texts(site.get("ingress"))).containsExactly("10.0.0.10", "10.0.0.11");
    assertThat(site.get("ipMode").asText()).isEqualTo("Proxy");
  }

  @Test
  void readyNodesOnlyFlagLeavesOutTheNotReadyCordonedNode() throws IOException {
    JsonNode services =
        json(CliRun.of("plan", "-f", "examples/rules", "--ready-nodes-only", "-o", "json"))
            .get("services");
    for (JsonNode s : services) {
      if (s.get("name").asText().equals("ipv4-cluster")) {
        // node-3 reports Ready=False and is cordoned; node-1 and node-2 report no condition at
        // all, which E8 does not count as Ready either.
        assertThat(texts(s.get("ingress"))).isEmpty();
        List<String> reasons = new ArrayList<>();
        s.get("excludedNodes")
            .forEach(x -> reasons.add(x.get("name").asText() + "=" + x.get("reason").asText()));
        assertThat(reasons).contains("node-1=not-ready", "node-2=not-ready", "node-3=not-ready");
      }
    }
  }

  @Test
  void yamlOutputIsTheSameDocumentAsJson() throws IOException {
    CliRun yaml = CliRun.of("plan", "-f", "examples/rules", "-o", "yaml");
    assertThat(yaml.exitCode()).isZero();
    JsonNode fromYaml = new YAMLMapper().readTree(yaml.out());
    JsonNode fromJson = json(CliRun.of("plan", "-f", "examples/rules", "-o", "json"));
    assertThat(fromYaml).isEqualTo(fromJson);
  }

  @Test
  void textOutputShowsAddressesNodesAndReasons() {
    CliRun run = CliRun.of("plan", "-f", "examples/rules");
    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .contains("rules/ipv4-cluster")
        .contains("42.0.0.2, 42.0.0.3")
        .contains("node-4 (deleting)")
        .contains("node-5 (exclude-label)")
        .contains("node-6 (to-be-deleted-taint)")
        .contains("[] (pending)")
        .contains("unable to parse selector")
        .contains("status left as it is: [192.0.2.50]")
        .contains("rules/other-class")
        .contains("10 Services, 7 handled by Node IPAM.");
  }

  // ---------------------------------------------------------------- bad input: exit 2, one line

  private static void badInput(CliRun run, String... fragments) {
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err())
        .startsWith("nodeipam: ")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    for (String f : fragments) {
      assertThat(run.err()).contains(f);
    }
  }

  @Test
  void aMissingPathIsExit2WithOneLine(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    badInput(CliRun.of("plan", "-f", missing.toString()), missing.toString(), "no such file");
  }

  @Test
  void malformedYamlIsExit2WithFileAndLine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "apiVersion: v1\nkind: Node\nmetadata:\n  name: [x\n");
    badInput(CliRun.of("plan", "-f", dir.toString()), f + ":", "malformed YAML");
  }

  @Test
  void anInvalidObjectIsExit2(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("svc.yaml");
    Files.writeString(
        f,
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: eighty}]}\n");
    badInput(
        CliRun.of("plan", "-f", f.toString()),
        f + ":1",
        "invalid Service web",
        "spec.ports[0].port");
  }

  @Test
  void aDifferingDuplicateIsAWarningNamingBothFiles(@TempDir Path dir) throws IOException {
    // Issue 19: as kubectl apply -f, the later object replaces the earlier one.
    Files.writeString(dir.resolve("a.yaml"), "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n");
    Files.writeString(dir.resolve("b.yaml"),
        "apiVersion: v1\nkind: Node\nmetadata: {name: n1, labels: {a: b}}\n");
    CliRun run = CliRun.of("plan", "-f", dir.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.errLines()).hasSize(1);
    assertThat(run.err()).contains("b.yaml:1: Node n1 replaces a different Node n1 from",
        "a.yaml:1 (as kubectl apply -f would)");
  }

  @Test
  void aNonUtf8FileIsExit2(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("x.yaml");
    Files.write(f, "kind: N\u00f6de\n".getBytes(StandardCharsets.ISO_8859_1));
    badInput(CliRun.of("plan", "-f", f.toString()), f.toString(), "not UTF-8");
  }

  @Test
  void usageErrorsAreExit2WithoutStackTrace() {
    for (CliRun run :
        List.of(
            CliRun.of("plan", "-f", "examples/seed", "-o", "markdown"),
            CliRun.of("plan", "-f", "examples/seed", "-o", "html"),
            CliRun.of("plan", "-f", "examples/seed", "--ip-mode", "Direct"),
            CliRun.of("plan", "-f", "examples/seed", "--address-policy", "Nearest"),
            CliRun.of("plan", "--bogus"),
            CliRun.of("no-such-command"))) {
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.errLines()).hasSize(1);
      assertThat(run.errLines().get(0)).startsWith("nodeipam: ");
      assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }
}

package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code nodeipam trace}: the JSON contract, the text diagnosis, and exit 2 on bad input. */
class TraceCommandTest {
  private static final String CLUSTER = "examples/istio-trap/cluster";
  private static final String COMPANION = "examples/istio-trap/companion";



  private static JsonNode json(CliRun r) throws Exception {
    assertThat(r.exitCode()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void jsonCarriesTheContractedFieldsForTheTrappedFlow() throws Exception {
    JsonNode doc =
        json(
            CliRun.of(
                "trace",
                "-f",
                CLUSTER,
                "--from",
                "hermes/hermes-atlas",
                "--to",
                "24.85.233.58:443",
                "-o",
                "json"));
    assertThat(doc.path("verdict").asText()).isEqualTo("DENIED");
    assertThat(doc.path("dropReason").asInt()).isEqualTo(133);
    JsonNode t = doc.path("translation");
    assertThat(t.path("translated").asBoolean()).isTrue();
    assertThat(t.path("service").asText()).isEqualTo("istio-system/istio-ingressgateway");
    assertThat(t.path("frontend").asText()).isEqualTo("externalIP");
    assertThat(doc.path("settings").path("kube-proxy-replacement").asText()).isEqualTo("true");
    assertThat(doc.path("settings").path("bpf-lb-sock-hostns-only").asText()).isEqualTo("true");
    JsonNode d = doc.path("destinations").get(0);
    assertThat(d.path("endpoint").asText()).startsWith("istio-system/istio-ingressgateway-7d9f4-");
    assertThat(d.path("identity").asText()).isEqualTo("pod");
    assertThat(d.path("port").asInt()).isEqualTo(8443);
    assertThat(d.path("protocol").asText()).isEqualTo("TCP");
    assertThat(d.path("verdict").asText()).isEqualTo("DENIED");
    assertThat(d.path("dropReason").asInt()).isEqualTo(133);
    JsonNode egress = d.path("egress");
    assertThat(egress.path("verdict").asText()).isEqualTo("DENIED");
    assertThat(egress.path("defaultDeny").asBoolean()).isTrue();
    assertThat(egress.path("allowedBy").isArray()).isTrue();
    assertThat(egress.path("deniedBy").isArray()).isTrue();
    JsonNode by = egress.path("defaultDenyBy").get(0);
    assertThat(by.path("kind").asText()).isEqualTo("NetworkPolicy");
    assertThat(by.path("namespace").asText()).isEqualTo("hermes");
    assertThat(by.path("name").asText()).isEqualTo("hermes-atlas-allow-egress");
    JsonNode nm = egress.path("notMatching").get(0);
    assertThat(nm.path("policy").path("name").asText()).isEqualTo("hermes-atlas-allow-egress");
    assertThat(nm.path("why").asText()).contains("ipBlock 0.0.0.0/0").contains("pod");
    JsonNode ingress = d.path("ingress");
    assertThat(ingress.path("verdict").asText()).isEqualTo("ALLOWED");
    assertThat(ingress.path("defaultDeny").asBoolean()).isFalse();
    assertThat(ingress.has("allowedBy")).isTrue();
    assertThat(ingress.has("deniedBy")).isTrue();
    assertThat(doc.path("identityTrap").asBoolean()).isTrue();
  }

  /** A field of the JSON answer, by JSON pointer, and its value (null: JSON null). */
  private record Field(String pointer, Object value) {}

  /** A {@code trace -o json} run and the fields its answer must carry. */
  private record JsonCase(String name, List<String> args, List<Field> fields) {
    static JsonCase of(String name, String... args) {
      return new JsonCase(name, List.of(args), List.of());
    }

    JsonCase expect(String pointer, Object value) {
      List<Field> more = new ArrayList<>(fields);
      more.add(new Field(pointer, value));
      return new JsonCase(name, args, more);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<JsonCase> jsonCases() {
    return Stream.of(
        JsonCase.of("allowed: the drop reason is null", "-f", CLUSTER, "-f", COMPANION,
                "--from", "hermes/hermes-atlas", "--to", "24.85.233.58:443")
            .expect("/verdict", "ALLOWED")
            .expect("/dropReason", null)
            .expect("/destinations/0/egress/allowedBy/0/kind", "CiliumClusterwideNetworkPolicy"),
        JsonCase.of("--set overrides the config and changes the translation", "-f", CLUSTER,
                "--from", "hermes/hermes-atlas", "--to", "24.85.233.58:443/tcp",
                "--set", "bpf-lb-sock-hostns-only=false")
            .expect("/translation/translated", false)
            .expect("/translation/frontend", "externalIP")
            .expect("/verdict", "ALLOWED")
            .expect("/destinations/0/identity", "world"),
        JsonCase.of("a namespaced Service destination means its clusterIP", "-f", CLUSTER,
                "--from", "hermes/hermes-atlas", "--to", "kube-system/kube-dns:53/udp")
            .expect("/to", "10.96.0.10:53/UDP")
            .expect("/translation/frontend", "clusterIP")
            .expect("/verdict", "ALLOWED"),
        JsonCase.of("a namespaced pod destination means its IP", "-f", CLUSTER,
                "--from", "hermes/hermes-atlas",
                "--to", "istio-system/istio-ingressgateway-7d9f4-x2k8p:8443")
            .expect("/to", "10.244.0.46:8443/TCP")
            .expect("/translation/translated", false)
            .expect("/verdict", "DENIED"),
        JsonCase.of("an IPv6 destination is written in brackets", "-f", CLUSTER,
                "--from", "hermes/hermes-atlas", "--to", "[2001:db8::1]:443")
            .expect("/to", "[2001:db8::1]:443/TCP"),
        JsonCase.of("a workload source stands in with its template pod", "-f", "examples/seed",
                "--from", "web/site", "--to", "8.8.8.8:53/udp")
            .expect("/source/template", true)
            .expect("/verdict", "ALLOWED"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonCases")
  void jsonAnswer(JsonCase c) throws Exception {
    // The case's name heads any failure: the XML report shows only its index.
    assertAll(
        c.toString(),
        () -> {
            List<String> args = new ArrayList<>(List.of("trace"));
            args.addAll(c.args());
            args.addAll(List.of("-o", "json"));
            JsonNode doc = json(CliRun.of(args.toArray(String[]::new)));
            for (Field f : c.fields()) {
              JsonNode node = doc.at(f.pointer());
              if (f.value() == null) {
                assertThat(node.isNull()).as(f.pointer()).isTrue();
              } else if (f.value() instanceof Boolean b) {
                assertThat(node.asBoolean()).as(f.pointer()).isEqualTo(b);
              } else {
                assertThat(node.asText()).as(f.pointer()).isEqualTo(f.value());
              }
            }
        });
  }

  /** A bad {@code trace} command line and a fragment of the one line it must print. */
  private record BadInput(String name, String fragment, List<String> args) {
    static BadInput of(String name, String fragment, String... args) {
      return new BadInput(name, fragment, List.of(args));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BadInput> badInputs() {
    String from = "hermes/hermes-atlas";
    return Stream.of(
        BadInput.of("unknown source", "no pod or workload nobody in namespace hermes",
            "--from", "hermes/nobody", "--to", "1.2.3.4:443"),
        BadInput.of("unparsable destination", "--to nonsense",
            "--from", from, "--to", "nonsense"),
        BadInput.of("port out of range", "not between 1 and 65535",
            "--from", from, "--to", "1.2.3.4:99999"),
        BadInput.of("bad IPv4 address", "not an IPv4 address",
            "--from", from, "--to", "1.2.3.400:80"),
        BadInput.of("unknown destination object",
            "no Service, pod or workload none in namespace nope",
            "--from", from, "--to", "nope/none:80"),
        BadInput.of("bad setting value",
            "--set enable-policy: \"sometimes\" is not default, always or never",
            "--from", from, "--to", "1.2.3.4:443", "--set", "enable-policy=sometimes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputIsExit2WithOneLine(BadInput bad) {
    // The case's name heads any failure: the XML report shows only its index.
    assertAll(
        bad.toString(),
        () -> {
            List<String> args = new ArrayList<>(List.of("trace", "-f", CLUSTER));
            args.addAll(bad.args());
            assertExit2OneLine(CliRun.of(args.toArray(String[]::new)), bad.fragment());
        });
  }

  @Test
  void textReadsLikeADiagnosisAndSaysWhichSettingsWereAssumed() {
    CliRun r =
        CliRun.of(
            "trace", "-f", CLUSTER, "--from", "hermes/hermes-atlas", "--to", "24.85.233.58:443",
            "--verbose");
    assertThat(r.exitCode()).isZero();
    // The text is wrapped at 100 columns: phrases are looked for with the line breaks undone.
    assertThat(r.out().replaceAll("\\s*\n\\s*", " "))
        .contains("Verdict: DENIED (drop reason 133: policy denied)")
        .contains("identity trap")
        .contains("1. Translation: yes")
        .contains("default deny: on, by NetworkPolicy hermes/hermes-atlas-allow-egress")
        .contains("ipBlock 0.0.0.0/0 matches world addresses only, never a pod")
        .contains("Assumed (not in cilium-config nor --set): bpf-lb-sock");
  }

  @Test
  void withoutVerboseTheDefaultsAssumedAreOneLine() {
    CliRun r =
        CliRun.of(
            "trace", "-f", CLUSTER, "--from", "hermes/hermes-atlas", "--to", "24.85.233.58:443");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).doesNotContain("Assumed (not in cilium-config nor --set)")
        .containsPattern("\\d+ defaults assumed \\(not in cilium-config nor --set\\)")
        .doesNotContain("bpf-lb-sock=");
  }

  private static void assertExit2OneLine(CliRun r, String fragment) {
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(fragment).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
  }

  @Test
  void unknownSetKeyIsAUsageErrorListingTheKnownKeys() {
    CliRun r =
        CliRun.of(
            "trace",
            "-f",
            CLUSTER,
            "--from",
            "hermes/hermes-atlas",
            "--to",
            "1.2.3.4:443",
            "--set",
            "kpr=true");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("--set kpr: unknown setting")
        .contains("kube-proxy-replacement, bpf-lb-sock, bpf-lb-sock-hostns-only");
  }

  @Test
  void invalidPolicyOfTheSourcesNamespaceIsExit2NamingFileAndLine(@TempDir Path dir)
      throws Exception {
    Files.writeString(
        dir.resolve("bad.yaml"),
        """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: broken, namespace: hermes}
        spec:
          podSelector: {}
          egress:
          - to: [{ipBlock: {cidr: 0.0.0.0/33}}]
        """);
    assertExit2OneLine(
        CliRun.of(
            "trace",
            "-f",
            CLUSTER,
            "-f",
            dir.toString(),
            "--from",
            "hermes/hermes-atlas",
            "--to",
            "1.2.3.4:443"),
        "bad.yaml:1: NetworkPolicy hermes/broken: spec.egress[0].to[0].ipBlock.cidr");
  }
}

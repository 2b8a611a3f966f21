package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void jsonDropReasonIsNullWhenAllowed() throws Exception {
    JsonNode doc =
        json(
            CliRun.of(
                "trace",
                "-f",
                CLUSTER,
                "-f",
                COMPANION,
                "--from",
                "hermes/hermes-atlas",
                "--to",
                "24.85.233.58:443",
                "-o",
                "json"));
    assertThat(doc.path("verdict").asText()).isEqualTo("ALLOWED");
    assertThat(doc.path("dropReason").isNull()).isTrue();
    assertThat(
            doc.path("destinations")
                .get(0)
                .path("egress")
                .path("allowedBy")
                .get(0)
                .path("kind")
                .asText())
        .isEqualTo("CiliumClusterwideNetworkPolicy");
  }

  @Test
  void setOverridesTheConfigAndChangesTheTranslation() throws Exception {
    JsonNode doc =
        json(
            CliRun.of(
                "trace",
                "-f",
                CLUSTER,
                "--from",
                "hermes/hermes-atlas",
                "--to",
                "24.85.233.58:443/tcp",
                "--set",
                "bpf-lb-sock-hostns-only=false",
                "-o",
                "json"));
    assertThat(doc.path("translation").path("translated").asBoolean()).isFalse();
    assertThat(doc.path("translation").path("frontend").asText()).isEqualTo("externalIP");
    assertThat(doc.path("verdict").asText()).isEqualTo("ALLOWED");
    assertThat(doc.path("destinations").get(0).path("identity").asText()).isEqualTo("world");
  }

  @Test
  void textReadsLikeADiagnosisAndSaysWhichSettingsWereAssumed() {
    CliRun r =
        CliRun.of(
            "trace", "-f", CLUSTER, "--from", "hermes/hermes-atlas", "--to", "24.85.233.58:443");
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
  void namespacedServiceDestinationMeansItsClusterIp() throws Exception {
    JsonNode doc =
        json(
            CliRun.of(
                "trace",
                "-f",
                CLUSTER,
                "--from",
                "hermes/hermes-atlas",
                "--to",
                "kube-system/kube-dns:53/udp",
                "-o",
                "json"));
    assertThat(doc.path("to").asText()).isEqualTo("10.96.0.10:53/UDP");
    assertThat(doc.path("translation").path("frontend").asText()).isEqualTo("clusterIP");
    assertThat(doc.path("verdict").asText()).isEqualTo("ALLOWED");
  }

  @Test
  void namespacedPodDestinationMeansItsIp() throws Exception {
    JsonNode doc =
        json(
            CliRun.of(
                "trace",
                "-f",
                CLUSTER,
                "--from",
                "hermes/hermes-atlas",
                "--to",
                "istio-system/istio-ingressgateway-7d9f4-x2k8p:8443",
                "-o",
                "json"));
    assertThat(doc.path("to").asText()).isEqualTo("10.244.0.46:8443/TCP");
    assertThat(doc.path("translation").path("translated").asBoolean()).isFalse();
    assertThat(doc.path("verdict").asText()).isEqualTo("DENIED");
  }

  @Test
  void ipv6DestinationIsWrittenInBrackets() throws Exception {
    JsonNode doc =
        json(
            CliRun.of(
                "trace",
                "-f",
                CLUSTER,
                "--from",
                "hermes/hermes-atlas",
                "--to",
                "[2001:db8::1]:443",
                "-o",
                "json"));
    assertThat(doc.path("to").asText()).isEqualTo("[2001:db8::1]:443/TCP");
  }

  @Test
  void workloadSourceStandsInWithItsTemplatePod() throws Exception {
    JsonNode doc =
        json(
            CliRun.of(
                "trace",
                "-f",
                "examples/seed",
                "--from",
                "web/site",
                "--to",
                "8.8.8.8:53/udp",
                "-o",
                "json"));
    assertThat(doc.path("source").path("template").asBoolean()).isTrue();
    assertThat(doc.path("verdict").asText()).isEqualTo("ALLOWED");
  }

  private static void assertExit2OneLine(CliRun r, String fragment) {
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains(fragment).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(r.err().strip().lines().count()).isEqualTo(1);
  }

  @Test
  void unknownSourceIsExit2WithOneLine() {
    assertExit2OneLine(
        CliRun.of("trace", "-f", CLUSTER, "--from", "hermes/nobody", "--to", "1.2.3.4:443"),
        "no pod or workload nobody in namespace hermes");
  }

  @Test
  void unparsableDestinationsAreExit2WithOneLine() {
    assertExit2OneLine(
        CliRun.of("trace", "-f", CLUSTER, "--from", "hermes/hermes-atlas", "--to", "nonsense"),
        "--to nonsense");
    assertExit2OneLine(
        CliRun.of("trace", "-f", CLUSTER, "--from", "hermes/hermes-atlas", "--to", "1.2.3.4:99999"),
        "not between 1 and 65535");
    assertExit2OneLine(
        CliRun.of("trace", "-f", CLUSTER, "--from", "hermes/hermes-atlas", "--to", "1.2.3.400:80"),
        "not an IPv4 address");
    assertExit2OneLine(
        CliRun.of("trace", "-f", CLUSTER, "--from", "hermes/hermes-atlas", "--to", "nope/none:80"),
        "no Service, pod or workload none in namespace nope");
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
  void badSettingValueIsExit2() {
    assertExit2OneLine(
        CliRun.of(
            "trace",
            "-f",
            CLUSTER,
            "--from",
            "hermes/hermes-atlas",
            "--to",
            "1.2.3.4:443",
            "--set",
            "enable-policy=sometimes"),
        "--set enable-policy: \"sometimes\" is not default, always or never");
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

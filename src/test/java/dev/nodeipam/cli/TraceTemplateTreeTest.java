package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trace} on a GitOps tree: Deployments and Services, no Pods. Destinations named by
 * workload (or a pod without status.podIP) are judged by identity and port, no address dialled;
 * ports may be named. The verdicts follow Kubernetes NetworkPolicy semantics (a pod selected by
 * an Egress policy may only reach what an egress rule allows; the receiver's Ingress policy
 * likewise), as docs/policy.md models them.
 */
class TraceTemplateTreeTest {
  @TempDir static Path dir;

  private static final String TREE = """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: client, namespace: shop}
      spec:
        selector: {matchLabels: {app: client}}
        template:
          metadata: {labels: {app: client}}
          spec: {containers: [{name: c, image: x}]}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: server, namespace: shop}
      spec:
        selector: {matchLabels: {app: server, tier: web}}
        template:
          metadata: {labels: {app: server, tier: web}}
          spec:
            containers:
            - name: c
              image: x
              ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 5353, protocol: UDP}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: server, namespace: shop}
      spec:
        clusterIP: 10.96.7.7
        selector: {app: server}
        ports: [{name: web, port: 80, targetPort: http}]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: pending, namespace: shop, labels: {app: server}}
      spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: client-egress, namespace: shop}
      spec:
        podSelector: {matchLabels: {app: client}}
        policyTypes: [Egress]
        egress:
        - to: [{podSelector: {matchLabels: {app: server}}}]
          ports: [{port: 8080, protocol: TCP}]
      """;

  private static Path tree;

  @BeforeAll
  static void write() throws IOException {
    tree = dir.resolve("tree.yaml");
    Files.writeString(tree, TREE);
  }

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  private static JsonNode trace(String to) throws Exception {
    CliRun r = run("trace", "-f", tree.toString(), "--from", "shop/client", "--to", to, "-o", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void aWorkloadDestinationIsJudgedByIdentityAndPortWithNoAddressDialled() throws Exception {
    // NS/KIND/NAME: the Service of the same name would otherwise be meant.
    JsonNode allowed = trace("shop/deployment/server:8080");
    assertThat(allowed.path("dialled").asBoolean(true)).isFalse();
    assertThat(allowed.path("to").asText()).isEqualTo("shop/server:8080/TCP");
    assertThat(allowed.path("verdict").asText()).isEqualTo("ALLOWED");
    assertThat(allowed.path("translation").path("translated").asBoolean()).isFalse();
    assertThat(allowed.path("destinations").get(0).path("endpoint").asText())
        .isEqualTo("shop/server");
    assertThat(allowed.path("destinations").get(0).path("egress").path("allowedBy").toString())
        .contains("client-egress");
    assertThat(allowed.path("notes").toString()).contains("no address was dialled");
    JsonNode denied = trace("shop/Deployment/server:9090");
    assertThat(denied.path("verdict").asText()).as("the egress rule covers 8080 only")
        .isEqualTo("DENIED");
    assertThat(denied.path("dropReason").asInt()).isEqualTo(133);
  }

  @Test
  void theTextSaysNoAddressWasDialled() {
    CliRun r = run("trace", "-f", tree.toString(), "--from", "shop/client", "--to",
        "shop/deployment/server:http");
    assertThat(r.exitCode()).as(r.err()).isZero();
    // The text is wrapped at 100 columns: read it as one line of words.
    String flow = r.out().substring(0, r.out().indexOf("Verdict:")).replaceAll("\\s+", " ");
    assertThat(flow)
        .contains("shop/client (pod template of Deployment/client)")
        .contains("-> shop/server:8080/TCP (the pod template of Deployment shop/server, which has"
            + " no address in the input), no address dialled: judged by identity and port");
    assertThat(r.out()).contains("Verdict: ALLOWED");
  }

  @Test
  void namedPortsResolveOnThePodAndOnTheServiceWithTheirProtocol() throws Exception {
    assertThat(trace("shop/deployment/server:http").path("to").asText())
        .isEqualTo("shop/server:8080/TCP");
    assertThat(trace("shop/deployment/server:dns").path("to").asText())
        .isEqualTo("shop/server:5353/UDP");
    assertThat(trace("shop/client:8080").path("toNamed").asText())
        .as("a workload without a Service of its name needs no kind")
        .isEqualTo("the pod template of Deployment shop/client, which has no address in the"
            + " input");
    JsonNode svc = trace("shop/server:web");
    assertThat(svc.path("dialled").asBoolean()).isTrue();
    assertThat(svc.path("to").asText()).isEqualTo("10.96.7.7:80/TCP");
    assertThat(svc.path("translation").path("translated").asBoolean()).isTrue();
    assertThat(svc.path("verdict").asText()).as("translated to the template's targetPort 8080")
        .isEqualTo("ALLOWED");
  }

  @Test
  void aPodWithoutStatusPodIpIsJudgedByIdentity() throws Exception {
    JsonNode doc = trace("shop/pending:http");
    assertThat(doc.path("dialled").asBoolean(true)).isFalse();
    assertThat(doc.path("toNamed").asText()).isEqualTo("pod shop/pending, which has no address in"
        + " the input");
    assertThat(doc.path("verdict").asText()).isEqualTo("ALLOWED");
  }

  @Test
  void anUnknownPortNameIsExit2OnOneLine() {
    CliRun pod = run("trace", "-f", tree.toString(), "--from", "shop/client", "--to",
        "shop/server:grpc");
    assertThat(pod.exitCode()).isEqualTo(2);
    assertThat(pod.err().strip()).isEqualTo("nodeipam: --to shop/server:grpc: Service shop/server"
        + " has no port named grpc (ports: [web=80])");
    CliRun address = run("trace", "-f", tree.toString(), "--from", "shop/client", "--to",
        "10.96.7.7:web");
    assertThat(address.exitCode()).isEqualTo(2);
    assertThat(address.err().strip().lines()).hasSize(1);
    assertThat(address.err()).contains("a named port needs NAMESPACE/NAME:PORT");
  }
}

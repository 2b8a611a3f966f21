package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --dns and --dns-file: toFQDNs rules judged with the answers given; bad input exits 2. */
class DnsFlagsTest {
  private static void cluster(Path dir) throws IOException {
    Files.writeString(dir.resolve("cluster.yaml"), """
        apiVersion: v1
        kind: Node
        metadata: {name: n1}
        status:
          addresses: [{type: InternalIP, address: 192.168.0.1}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: app, labels: {app: client}}
        spec: {nodeName: n1, containers: [{name: c, image: x}]}
        status: {phase: Running, podIP: 10.0.1.10, podIPs: [{ip: 10.0.1.10}],
          conditions: [{type: Ready, status: "True"}]}
        ---
        apiVersion: cilium.io/v2
        kind: CiliumNetworkPolicy
        metadata: {name: to-api, namespace: app}
        spec:
          endpointSelector: {matchLabels: {app: client}}
          egress:
          - toFQDNs: [{matchPattern: "*.example.com"}]
            toPorts: [{ports: [{port: "443", protocol: TCP}]}]
        """);
  }

  @Test
  void traceAllowsWhatTheGivenAnswersResolveTo(@TempDir Path dir) throws IOException {
    cluster(dir);
    Path answers = dir.resolve("dns.txt");
    Files.writeString(answers, "# answers\napi.example.com 198.51.100.7\n");
    CliRun allowed = CliRun.of("trace", "-f", dir.resolve("cluster.yaml").toString(),
        "--from", "app/client", "--to", "198.51.100.7:443", "--dns-file", answers.toString());
    assertThat(allowed.exitCode()).isZero();
    assertThat(allowed.out()).contains("Verdict: ALLOWED");
    CliRun unknown = CliRun.of("trace", "-f", dir.resolve("cluster.yaml").toString(),
        "--from", "app/client", "--to", "198.51.100.7:443");
    assertThat(unknown.out()).contains("Verdict: DENIED").contains("no DNS answer given");
    CliRun flag = CliRun.of("trace", "-f", dir.resolve("cluster.yaml").toString(),
        "--from", "app/client", "--to", "198.51.100.7:443", "--dns", "web.example.com=198.51.100.7");
    assertThat(flag.out()).contains("Verdict: ALLOWED");
  }

  @Test
  void aBadAnswerIsOneLineNamingTheFileAndLine(@TempDir Path dir) throws IOException {
    cluster(dir);
    Path answers = dir.resolve("dns.txt");
    Files.writeString(answers, "api.example.com 198.51.100.7\napi.example.com not-an-ip\n");
    CliRun r = CliRun.of("trace", "-f", dir.resolve("cluster.yaml").toString(),
        "--from", "app/client", "--to", "198.51.100.7:443", "--dns-file", answers.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err().strip()).contains("dns.txt:2").doesNotContain("\n").doesNotContain("at dev.");
    CliRun flag = CliRun.of("audit", "-f", dir.resolve("cluster.yaml").toString(),
        "--dns", "api.example.com");
    assertThat(flag.exitCode()).isEqualTo(2);
    assertThat(flag.err()).contains("--dns api.example.com: expected NAME=IP");
  }
}

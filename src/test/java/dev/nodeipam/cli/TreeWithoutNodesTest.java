package dev.nodeipam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A GitOps tree carries no Node objects, yet node addresses decide which addresses a Node IPAM
 * LoadBalancer publishes (docs/spec/node-ipam.md, R20) and whether an externalIPs address can
 * move to one. Where they decide the answer, the command says so once, with what to add, and
 * never advises an address pool per Service; with the nodes added, the line is gone.
 */
class TreeWithoutNodesTest {
  private static final String NOTE = "nodeipam: no Node objects in the input; node addresses"
      + " decide this: add `kubectl get nodes -o yaml`";

  @TempDir static Path dir;

  private static String service(String name, String spec) {
    return "---\napiVersion: v1\nkind: Service\nmetadata: {name: " + name
        + ", namespace: shop}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n" + spec;
  }

  @BeforeAll
  static void trees() throws IOException {
    Files.createDirectories(dir.resolve("external"));
    Files.writeString(dir.resolve("external/svc.yaml"),
        service("web", "  externalIPs: [198.51.100.7]\n")
            + service("api", "  externalIPs: [198.51.100.8]\n"));
    Files.createDirectories(dir.resolve("lb"));
    Files.writeString(dir.resolve("lb/svc.yaml"),
        service("lb", "  type: LoadBalancer\n  loadBalancerClass: io.cilium/node\n"));
    Files.createDirectories(dir.resolve("plain"));
    Files.writeString(dir.resolve("plain/svc.yaml"), service("web", ""));
    Files.writeString(dir.resolve("nodes.yaml"), """
        apiVersion: v1
        kind: Node
        metadata: {name: n1}
        status:
          addresses: [{type: ExternalIP, address: 198.51.100.7}]
        """);
  }

  static Stream<Arguments> runs() {
    return Stream.of(
        Arguments.of("migrate of externalIPs", "migrate", "external", false, true),
        Arguments.of("audit of externalIPs", "audit", "external", false, true),
        Arguments.of("plan of a Node IPAM LoadBalancer", "plan", "lb", false, true),
        Arguments.of("audit of a Node IPAM LoadBalancer", "audit", "lb", false, true),
        Arguments.of("plan of externalIPs (plan decides LoadBalancers only)", "plan", "external",
            false, false),
        Arguments.of("audit of a ClusterIP Service", "audit", "plain", false, false),
        Arguments.of("migrate with the nodes added", "migrate", "external", true, false),
        Arguments.of("plan with the nodes added", "plan", "lb", true, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runs")
  void saysOnceWhereNodesDecide(String name, String command, String tree, boolean withNodes,
      boolean noted) {
    List<String> args = new ArrayList<>(List.of(command, "-f",
        dir.resolve(tree).toString()));
    if (withNodes) {
      args.addAll(List.of("-f", dir.resolve("nodes.yaml").toString()));
    }
    CliRun run = CliRun.of(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isIn(0, 3);
    assertThat(run.errLines().stream().filter(NOTE::equals).count()).as(run.err())
        .isEqualTo(noted ? 1 : 0);
    assertThat(NOTE.length()).isLessThanOrEqualTo(100);
    if (noted) {
      assertThat(run.out()).doesNotContain("address-pool", "not an address of any node");
    }
  }
}

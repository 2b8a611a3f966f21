package dev.nodeipam.tools.demo;

import dev.nodeipam.controller.ControllerMetrics;
import dev.nodeipam.controller.ControllerSettings;
import dev.nodeipam.controller.NodeIpamController;
import dev.nodeipam.controller.PublishedChange;
import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.ServiceAnnotations;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code nodeipam demo}: the real controller against an in-process API server, and a short script
 * of cluster changes. Each step waits for the controller's reaction and prints it.
 */
public final class DemoRun {
  private static final Duration REACTION = Duration.ofSeconds(10);
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  private final Path seed;
  private final long stepDelayMillis;
  private final PrintWriter out;
  private final BlockingQueue<PublishedChange> changes = new LinkedBlockingQueue<>();

  public DemoRun(Path seed, long stepDelayMillis, PrintWriter out) {
    this.seed = seed;
    this.stepDelayMillis = stepDelayMillis;
    this.out = out;
  }

  public int run() throws InterruptedException {
    List<HasMetadata> objects = Seed.read(seed);
    try (InProcessApiServer api = InProcessApiServer.start();
        KubernetesClient client = api.newClient()) {
      Seed.apply(client, objects);
      long nodes = objects.stream().filter(o -> "Node".equals(o.getKind())).count();
      long services = objects.stream().filter(o -> "Service".equals(o.getKind())).count();
      out.printf(
          "in-process API server %s seeded from %s: %d node(s), %d Service(s)%n",
          client.getConfiguration().getMasterUrl(), seed, nodes, services);
      try (NodeIpamController controller =
          new NodeIpamController(
              client,
              settings(),
              new ControllerMetrics(new PrometheusRegistry()),
              changes::add)) {
        out.println("controller started for loadBalancerClass " + NodeIpamOptions.DEFAULT_CLASS);
        out.flush();
        controller.start();
        expect("initial convergence", controller);
        steps(client, controller);
        out.printf(
            "%ndone: %d status writes, every one a change%n", controller.metrics().statusWrites());
        out.flush();
      }
    }
    return 0;
  }

  /** The reference options, one worker, no leader election. */
  private static ControllerSettings settings() {
    return ControllerSettings.defaults(NodeIpamOptions.reference(), "demo")
        .withLeaderElection(
            false,
            "default",
            "nodeipam",
            Duration.ofSeconds(15),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2))
        .withWorkers(1);
  }

  /** The script: a node joins, one is excluded, one leaves, a Service's node selector changes. */
  private void steps(KubernetesClient client, NodeIpamController controller)
      throws InterruptedException {
    step("node-d joins, labelled ingress-ready=true, ExternalIP 198.51.100.4");
    client.nodes().resource(nodeD()).create();
    expect("node-d joined", controller);

    step("node-a gets the label " + NodeEligibility.EXCLUDE_LABEL + "=\"\"");
    client
        .nodes()
        .withName("node-a")
        .patch(
            MERGE,
            "{\"metadata\":{\"labels\":{\"" + NodeEligibility.EXCLUDE_LABEL + "\":\"\"}}}");
    expect("node-a excluded", controller);

    step("node-d leaves the cluster");
    client.nodes().withName("node-d").delete();
    expect("node-d left", controller);

    step(
        "web/site's "
            + ServiceAnnotations.MATCH_NODE_LABELS
            + " becomes \"kubernetes.io/hostname in (node-b,node-c)\"");
    client
        .services()
        .inNamespace("web")
        .withName("site")
        .patch(
            MERGE,
            "{\"metadata\":{\"annotations\":{\""
                + ServiceAnnotations.MATCH_NODE_LABELS
                + "\":\"kubernetes.io/hostname in (node-b,node-c)\"}}}");
    expect("selector changed", controller);
  }

  /** The node that joins: ready, labelled ingress-ready=true, with an ExternalIP. */
  private static Node nodeD() {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("node-d")
        .addToLabels("kubernetes.io/hostname", "node-d")
        .addToLabels("ingress-ready", "true")
        .endMetadata()
        .withNewStatus()
        .addNewAddress()
        .withType("InternalIP")
        .withAddress("10.0.0.13")
        .endAddress()
        .addNewAddress()
        .withType("ExternalIP")
        .withAddress("198.51.100.4")
        .endAddress()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  private void step(String what) throws InterruptedException {
    if (stepDelayMillis > 0) {
      Thread.sleep(stepDelayMillis);
    }
    out.println();
    out.println("-- " + what);
    out.flush();
  }

  /** Prints the changes the step caused: at least one, then whatever follows while work remains. */
  private void expect(String what, NodeIpamController controller) throws InterruptedException {
    PublishedChange first = changes.poll(REACTION.toMillis(), TimeUnit.MILLISECONDS);
    if (first == null) {
      out.println("   (no address change after " + what + ")");
      out.flush();
      return;
    }
    print(first);
    while (true) {
      PublishedChange next = changes.poll(200, TimeUnit.MILLISECONDS);
      if (next != null) {
        print(next);
      } else if (controller.isIdle()) {
        return;
      }
    }
  }

  private void print(PublishedChange change) {
    String excluded =
        change.excluded().isEmpty()
            ? ""
            : "   excluded: "
                + change.excluded().stream()
                    .map(e -> e.node() + " (" + e.reason().text() + ")")
                    .collect(Collectors.joining(", "));
    out.printf(
        "   %s  %s -> %s%s%n",
        change.key(),
        change.before(),
        change.after() == null ? "(cleared)" : change.after(),
        excluded);
    out.flush();
  }
}

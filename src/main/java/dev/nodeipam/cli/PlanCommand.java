package dev.nodeipam.cli;

import dev.nodeipam.ipam.ClusterPlan;
import dev.nodeipam.render.Json;
import dev.nodeipam.render.PlanRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nodeipam plan}: what the Node IPAM controller would write for every Service. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows what a Node IPAM LoadBalancer controller publishes in status.loadBalancer.ingress of"
          + " every Service, which nodes it uses, and which it leaves out and why. Read-only.",
      "",
      "By default it decides exactly as Cilium's Node IPAM does; the options below are"
          + " nodeipam's own, and each can also be set per Service by annotation."
    })
public final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin InputOptions input;

  @Mixin NodeIpamFlags ipam;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text, json or yaml (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  public Integer call() {
    output.require(spec, OutputFormat.text, OutputFormat.json, OutputFormat.yaml);
    ClusterSnapshot snapshot = input.load();
    List<ClusterPlan.Entry> entries;
    try (ProgressLine line = ProgressLine.start(() -> String.format(
        "nodeipam: deciding %,d Services on %,d nodes", snapshot.services().size(),
        snapshot.nodes().size()))) {
      entries = ClusterPlan.compute(snapshot, ipam.options());
      line.finish(String.format("nodeipam: decided %,d Services in %.1f s",
          snapshot.services().size(), line.seconds()));
    }
    PrintWriter out = spec.commandLine().getOut();
    // Streamed: the JSON plan of a 100,000-object cluster is a few hundred megabytes.
    switch (output) {
      case json -> Json.writeJson(PlanRenderer.document(entries), out);
      case yaml -> Json.writeYaml(PlanRenderer.document(entries), out);
      default -> out.print(PlanRenderer.text(entries));
    }
    out.flush();
    return 0;
  }
}

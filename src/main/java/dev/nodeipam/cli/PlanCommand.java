package dev.nodeipam.cli;

import dev.nodeipam.audit.Finding;
import dev.nodeipam.ipam.ClasslessDefault;
import dev.nodeipam.ipam.ClusterPlan;
import dev.nodeipam.policy.engine.NodeAddressVips;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.policy.settings.SettingsResolution;
import dev.nodeipam.render.ClasslessText;
import dev.nodeipam.render.Json;
import dev.nodeipam.render.NodesNote;
import dev.nodeipam.render.PlanRenderer;
import dev.nodeipam.render.ScopeNote;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.ServiceType;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
      converter = OutputFormat.Reports.class,
      completionCandidates = OutputFormat.Reports.class,
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(
      names = "--cilium-version",
      paramLabel = "X.Y[.Z]",
      description =
          "The Cilium release the agents run: Cilium 1.19 programs wildcard service entries that"
              + " cut a node off when its own address is a LoadBalancer address"
              + " (NODE_IP_AS_LB_VIP). Default: the cilium agent DaemonSet's image tag in the"
              + " input, else the newest release modelled.")
  String ciliumVersion;

  @Option(
      names = "--show-all",
      description = "List every Service not handled, one line each (default: one line per reason"
          + " shared by more than 3 Services, with a count and the first names).")
  boolean showAll;

  @Override
  public Integer call() {
    Map<String, String> version = DatapathFlags.version(spec, ciliumVersion);
    Set<String> scope = input.scope(spec);
    ClusterSnapshot snapshot = input.load();
    List<ClusterPlan.Entry> entries;
    try (ProgressLine line = ProgressLine.start(() -> String.format(
        "nodeipam: deciding %,d Services on %,d nodes", snapshot.services().size(),
        snapshot.nodes().size()))) {
      entries = ClusterPlan.compute(snapshot, ipam.options()).stream()
          .filter(e -> scope.isEmpty() || scope.contains(e.service().namespace()))
          .toList();
      line.finish(String.format("nodeipam: decided %,d Services in %.1f s",
          snapshot.services().size(), line.seconds()));
    }
    var settings = SettingsResolution.of(snapshot, version);
    Map<String, List<String>> published = new LinkedHashMap<>();
    for (ClusterPlan.Entry e : entries) {
      List<String> addresses = e.decision().writesStatus()
          ? e.decision().published()
          : e.service().type() == ServiceType.LOAD_BALANCER
              ? e.service().ingressAddresses()
              : List.of();
      if (!addresses.isEmpty()) {
        published.put(e.service().key(), addresses);
      }
    }
    var hits = NodeAddressVips.find(snapshot, published, settings);
    List<Finding> conflicts = new ArrayList<>(PlanConflicts.of(snapshot, ipam.options(), scope));
    conflicts.addAll(PlanConflicts.collisions(snapshot, ipam.options(), settings, hits, scope));
    ClasslessNote.print(spec.commandLine().getErr(), ipam.options(), snapshot, null);
    ScopeNote.of(scope, snapshot.services().stream().map(s -> s.namespace()).toList())
        .ifPresent(note -> spec.commandLine().getErr().println("nodeipam: " + note));
    NodesNote.ofLoadBalancers(snapshot, scope, ipam.options())
        .ifPresent(note -> spec.commandLine().getErr().println("nodeipam: " + note));
    PrintWriter out = spec.commandLine().getOut();
    // Streamed: the JSON plan of a 100,000-object cluster is a few hundred megabytes.
    switch (output) {
      case json -> Json.writeJson(document(snapshot, entries, settings, hits, conflicts), out);
      case yaml -> Json.writeYaml(document(snapshot, entries, settings, hits, conflicts), out);
      default -> PlanRenderer.write(out, entries, settings, hits, conflicts, showAll);
    }
    out.flush();
    return 0;
  }

  private Map<String, Object> document(ClusterSnapshot snapshot, List<ClusterPlan.Entry> entries,
      DatapathSettings settings, List<NodeAddressVips.Hit> hits, List<Finding> conflicts) {
    Map<String, Object> doc = PlanRenderer.document(entries, settings, hits, conflicts);
    // Only when something decided that class-less LoadBalancers are Node IPAM's, or that nobody
    // publishes them: the common document keeps its contracted fields.
    ClasslessDefault classless = ClasslessDefault.resolve(ipam.options(), snapshot);
    if (classless.source() != ClasslessDefault.Source.NOT_OWNED) {
      doc.put("classlessLoadBalancers", ClasslessText.document(classless));
    }
    return doc;
  }
}

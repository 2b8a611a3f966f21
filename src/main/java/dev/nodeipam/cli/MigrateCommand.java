package dev.nodeipam.cli;

import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.migrate.AfterStateAudit;
import dev.nodeipam.migrate.MigrationPlan;
import dev.nodeipam.migrate.MigrationPlanner;
import dev.nodeipam.migrate.NodeVipCheck;
import dev.nodeipam.migrate.PolicyAfterStateAudit;
import dev.nodeipam.policy.model.DnsAnswers;
import dev.nodeipam.render.Json;
import dev.nodeipam.render.MigrateRenderer;
import dev.nodeipam.render.NodesNote;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nodeipam migrate}: from externalIPs to Node IPAM LoadBalancers, planned and proven. */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Plans the move of every Service that uses spec.externalIPs to a Node IPAM LoadBalancer that"
          + " publishes the same addresses: the node labels, the"
          + " io.cilium.nodeipam/match-node-labels selector, the new Service objects, the companion"
          + " policies, the ordered steps with ready kubectl commands, and the rollback. Read-only:"
          + " it changes nothing itself.",
      "",
      "It proves the plan: the after-state goes through the same Node IPAM decision as 'nodeipam"
          + " plan', and its addresses are compared with the old ones by value (published, added,"
          + " lost). When one LoadBalancer cannot publish exactly the old addresses (Node IPAM"
          + " publishes every address of its nodes in its families, ExternalIPs before"
          + " InternalIPs), the Service is split, by family first. An address no node owns cannot"
          + " move to Node IPAM (migratable: false)."
    })
public final class MigrateCommand implements Callable<Integer> {
  private static final Pattern SERVICE_KEY =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  @Spec CommandSpec spec;

  @Mixin InputOptions input;

  @Option(
      names = "--load-balancer-class",
      paramLabel = "CLASS",
      defaultValue = NodeIpamOptions.DEFAULT_CLASS,
      description =
          "Default ${DEFAULT-VALUE}: the spec.loadBalancerClass of the new LoadBalancers.")
  String loadBalancerClass;

  @Option(
      names = "--service",
      paramLabel = "NS/NAME",
      description =
          "Migrate only this Service; repeatable. Default: every Service with externalIPs.")
  List<String> services = new ArrayList<>();

  @Option(
      names = "--nodeipam-annotations",
      description =
          "When no Cilium-compatible split reproduces the addresses, use nodeipam's own"
              + " nodeipam.dev/address-policy annotation. Only nodeipam's controller honours it;"
              + " Cilium's Node IPAM ignores it.")
  boolean nodeipamAnnotations;

  @Option(
      names = "--no-audit",
      description =
          "Skip the after-state policy audit (the output then says it was not run): for very"
              + " large clusters, where the audit takes long.")
  boolean noAudit;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = OutputFormat.Reports.class,
      completionCandidates = OutputFormat.Reports.class,
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Also write the plan as files: one shell script per step, README.md and plan.json."
              + " DIR must be empty or new.")
  Path out;

  @Option(
      names = "--force",
      description = "With --out: replace the plan files of a non-empty DIR (other files stay).")
  boolean force;

  @Mixin DatapathFlags datapath;

  @Mixin DnsFlags dns;

  /** The policy audit of the after-state; null = nodeipam's policy analyser (tests replace it). */
  AfterStateAudit audit;

  @Override
  public Integer call() {
    for (String key : services) {
      if (!SERVICE_KEY.matcher(key).matches()) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--service " + key + ": expected NAMESPACE/NAME");
      }
    }
    if (force && out == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--force needs --out DIR");
    }
    if (out != null) {
      PlanDirectory.checkWritable(out, force);
    }
    Map<String, String> overrides = datapath.overrides(spec);
    DnsAnswers answers = dns.answers();
    Set<String> scope = input.scope(spec);
    ClusterSnapshot snapshot = input.load();
    for (String key : services) {
      String[] parts = key.split("/", 2);
      if (snapshot.service(parts[0], parts[1]).isEmpty()) {
        throw new BadInputException(
            "--service "
                + key
                + ": no such Service in "
                + (input.isManifestMode() ? "the manifests" : "the cluster"));
      }
    }
    NodesNote.of(snapshot, scope, NodeIpamOptions.reference()
        .withLoadBalancerClass(loadBalancerClass))
        .ifPresent(note -> spec.commandLine().getErr().println("nodeipam: " + note));
    ClasslessNote.print(spec.commandLine().getErr(),
        NodeIpamOptions.reference().withLoadBalancerClass(loadBalancerClass), snapshot, null);
    MigrationPlan plan;
    try (ProgressLine line = ProgressLine.start(() -> String.format(
        "nodeipam: planning the migration of %,d Services (owners, labels, proof, audit)",
        snapshot.services().stream().filter(s -> !s.externalIps().isEmpty()).count()))) {
      plan = plan(snapshot, overrides, scope, answers);
      line.finish(String.format("nodeipam: planned the migration in %.1f s", line.seconds()));
    }
    var nodeVips = NodeVipCheck.of(plan, overrides);
    String json = Json.json(MigrateRenderer.document(plan, nodeVips.hits(), nodeVips.settings()));
    String rendered =
        switch (output) {
          case json -> json;
          case yaml ->
              Json.yaml(MigrateRenderer.document(plan, nodeVips.hits(), nodeVips.settings()));
          default -> MigrateRenderer.text(plan, nodeVips.hits(), nodeVips.settings());
        };
    if (out != null) {
      int files = PlanDirectory.write(out, force, plan, json);
      spec.commandLine().getErr().println("nodeipam: wrote " + files + " files to " + out);
    }
    spec.commandLine().getOut().print(rendered);
    return 0;
  }

  private MigrationPlan plan(ClusterSnapshot snapshot, Map<String, String> overrides,
      Set<String> scope, DnsAnswers answers) {
    AfterStateAudit afterState = audit != null ? audit
        : noAudit ? AfterStateAudit.skipped("--no-audit was given")
        : new PolicyAfterStateAudit(overrides,
            NodeIpamOptions.reference().withLoadBalancerClass(loadBalancerClass), answers);
    return MigrationPlanner.plan(snapshot,
        new MigrationPlanner.Options(loadBalancerClass, services, nodeipamAnnotations, scope),
        afterState, MigrateRenderer.COMMAND_TEXT);
  }
}

package dev.nodeipam.cli;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.AuditProgress;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.Granularity;
import dev.nodeipam.audit.CompanionScope;
import dev.nodeipam.audit.Severity;
import dev.nodeipam.render.AuditRenderer;
import dev.nodeipam.render.HtmlReport;
import dev.nodeipam.render.Json;
import dev.nodeipam.render.NodesNote;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nodeipam audit}: every flow a Service address silently breaks, and the fix. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Finds every flow where the policy reads as allowed but Cilium denies it because a Service"
          + " address (spec.externalIPs, a LoadBalancer address, or what Node IPAM would publish)"
          + " is really a backend pod or a node: the sender's ipBlock/CIDR/world rule no longer"
          + " matches (egress), or the backend admits only CIDR/world sources (ingress). Active"
          + " traps happen under the datapath settings now (error); latent ones once the address"
          + " is translated (warning). Also reports Services on externalIPs and CIDR rules that"
          + " cover pod or node addresses, and prints the additive companion policies that fix the"
          + " traps. Read-only.",
      "",
      "Examples:",
      "  nodeipam audit -f examples/istio-trap/cluster",
      "  nodeipam audit -f cluster/ --companions-only --fail-on never | kubectl apply -f -",
      "  nodeipam audit --set kube-proxy-replacement=true -o json --fail-on warning"
    },
    footer = {
      "",
      "Exit codes: 0 no finding at or above --fail-on, 3 findings at or above it, 2 bad input."
    })
public final class AuditCommand implements Callable<Integer> {
  /** A finding at or above {@code --fail-on} exists. */
  public static final int EXIT_FINDINGS = 3;

  /** The {@code --fail-on} levels. */
  public enum FailOn {
    error,
    warning,
    never
  }

  @Spec CommandSpec spec;

  @Mixin InputOptions input;

  @Mixin DatapathFlags datapath;
  @Mixin VerboseFlag verbose;

  @Mixin NodeIpamFlags nodeIpam;

  @Mixin DnsFlags dns;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = OutputFormat.Audits.class,
      completionCandidates = OutputFormat.Audits.class,
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Option(
      names = "--fail-on",
      paramLabel = "LEVEL",
      defaultValue = "error",
      description = "Exit 3 when a finding at or above this level exists: error, warning or never"
          + " (default: ${DEFAULT-VALUE}).")
  FailOn failOn;

  @Option(
      names = "--companions-only",
      description = "Print only the companion policies, as one YAML stream for kubectl apply -f -.")
  boolean companionsOnly;

  @Option(
      names = "--active-only",
      description =
          "Leave out latent traps (flows that only break once the address is translated).")
  boolean activeOnly;

  /** The {@code --companion-scope} values. */
  public enum Scope {
    cluster,
    sources
  }

  @Option(
      names = "--companion-scope",
      paramLabel = "SCOPE",
      description = "Which pods the companion policies select: cluster (one clusterwide policy,"
          + " endpointSelector {} with enableDefaultDeny false) or sources (only the trapped pods,"
          + " per source namespace). Default: cluster where the Cilium version and"
          + " enable-non-default-deny-policies honour enableDefaultDeny false, sources otherwise;"
          + " cluster is refused where it would put every pod in egress default deny.")
  Scope companionScope;

  @Option(
      names = "--per-pod",
      description = "JSON and YAML: one finding per source pod (the version 1 form) instead of one"
          + " per policy rule, Service, port and direction.")
  boolean perPod;

  @Option(
      names = "--per-address",
      description = "JSON and YAML: one finding per source workload or identity, address, port and"
          + " direction (the version 2 form) instead of one per policy rule, Service, port and"
          + " direction.")
  boolean perAddress;

  private Granularity granularity() {
    return perPod ? Granularity.POD : perAddress ? Granularity.ADDRESS : Granularity.SERVICE;
  }

  @Override
  public Integer call() {
    Map<String, String> overrides = datapath.overrides(spec);
    AuditOptions options = new AuditOptions(nodeIpam.options(), !activeOnly,
        companionScope == null ? null : CompanionScope.valueOf(
            companionScope.name().toUpperCase(Locale.ROOT)), dns.answers());
    Set<String> scope = input.scope(spec);
    ClusterSnapshot snapshot = input.load();
    NodesNote.of(snapshot, scope, nodeIpam.options())
        .ifPresent(note -> spec.commandLine().getErr().println("nodeipam: " + note));
    ClasslessNote.print(spec.commandLine().getErr(), nodeIpam.options(), snapshot, null);
    AuditProgress progress = new AuditProgress();
    AuditReport report;
    try (ProgressLine line = ProgressLine.start(() -> String.format(
        "nodeipam: auditing: %,d of %,d Service addresses and ports", progress.done(),
        progress.total()))) {
      report = Audit.run(snapshot, overrides, options, scope, progress);
      line.finish(String.format("nodeipam: audited %,d Service addresses for %,d source"
              + " identities in %.1f s: %,d trapped flows; writing the report",
          report.addresses(), report.sourceGroups(), line.seconds(), report.traps().size()));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (companionsOnly) {
      out.print(AuditRenderer.companionsYaml(report));
    } else {
      switch (output) {
        case json -> writeJson(report, out);
        case yaml -> Json.writeYaml(report.toMap(granularity()), out);
        case markdown -> AuditRenderer.writeMarkdown(report, out);
        case sarif -> AuditSarifOutput.write(report, snapshot, out);
        case html -> HtmlReport.writeAudit(report, out);
        default -> AuditRenderer.writeText(report, out, verbose.verbose);
      }
    }
    out.flush();
    return exitCode(report);
  }

  private void writeJson(AuditReport report, PrintWriter out) {
    try {
      AuditRenderer.writeJson(report, out, granularity());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int exitCode(AuditReport report) {
    return switch (failOn) {
      case never -> 0;
      case warning -> report.hasAtLeast(Severity.WARNING) ? EXIT_FINDINGS : 0;
      case error -> report.hasAtLeast(Severity.ERROR) ? EXIT_FINDINGS : 0;
    };
  }
}

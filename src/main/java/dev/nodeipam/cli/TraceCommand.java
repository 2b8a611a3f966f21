package dev.nodeipam.cli;

import dev.nodeipam.audit.IdentityTrap;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.render.HtmlReport;
import dev.nodeipam.render.Json;
import dev.nodeipam.render.TraceRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code nodeipam trace}: Cilium's verdict for one flow, and why. */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows what Cilium does with one connection from a pod to an address and port: whether the"
          + " address is a Service frontend Cilium translates for that pod, the identity and port"
          + " policy then sees, each side's default deny and the rule that allowed or denied, and"
          + " the rules that look as if they should match but do not. Read-only.",
      "",
      "Examples:",
      "  nodeipam trace -f examples/istio-trap/cluster \\",
      "      --from hermes/hermes-atlas --to 24.85.233.58:443",
      "  nodeipam trace --from web/frontend --to kube-system/kube-dns:53/udp -o json",
      "  nodeipam trace -f shop/ -n shop --from frontend --to cartservice:grpc",
      "  nodeipam trace -f cluster/ --from web/frontend --to '[2001:db8::1]:443' \\",
      "      --set kube-proxy-replacement=true"
    })
public final class TraceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin InputOptions input;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "NS/NAME",
      description = "The client: a pod, or a workload (one of its pods, else its pod template)."
          + " A name without NS/ is in the namespace of -n.")
  String from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DEST",
      description =
          "ADDRESS:PORT[/tcp|udp|sctp], [IPv6]:PORT, NS/SERVICE:PORT (the Service's ClusterIP;"
              + " without one, as in manifests, its backend by identity),"
              + " NS/POD:PORT or NS/WORKLOAD:PORT (one of its pods, else its pod template). A pod"
              + " without an address is judged by its identity and port: no address is dialled."
              + " PORT may be a name for a Service or pod (NS/SVC:http). Default protocol: tcp,"
              + " or the named port's.")
  String to;

  @Mixin DatapathFlags datapath;
  @Mixin VerboseFlag verbose;

  @Mixin DnsFlags dns;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = OutputFormat.Traces.class,
      completionCandidates = OutputFormat.Traces.class,
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat output;

  @Override
  public Integer call() {
    var scope = input.scope(spec);
    if (scope.size() > 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "trace takes one -n: the namespace of a --from or --to name given without one");
    }
    String namespace = scope.isEmpty() ? null : scope.iterator().next();
    String from = TraceTarget.inNamespace(this.from, namespace, false);
    String to = TraceTarget.inNamespace(this.to, namespace, true);
    var overrides = datapath.overrides(spec);
    var answers = dns.answers();
    ClusterSnapshot snapshot = input.load();
    PolicyEngine engine = PolicyEngine.lazy(snapshot, answers);
    DatapathSettings settings = engine.settings(overrides);
    TraceTarget.Destination dst = TraceTarget.destination(engine, to);
    Pod source = TraceTarget.source(snapshot, from);
    String rendered;
    if (dst.dialled()) {
      Flow flow = new Flow(source, dst.address(), dst.port(), dst.protocol());
      Verdict verdict = engine.verdict(flow, settings);
      Verdict asAddress = engine.verdictAsAddress(flow, settings);
      IdentityTrap trap = IdentityTrap.of(
          engine, flow, settings, IdentityTrap.translating(engine, overrides));
      rendered =
          switch (output) {
            case json -> Json.json(TraceRenderer.document(verdict, asAddress, trap, dst.named()));
            case yaml -> Json.yaml(TraceRenderer.document(verdict, asAddress, trap, dst.named()));
            case html -> html(verdict, asAddress, trap,
                TraceRenderer.text(verdict, asAddress, trap, dst.named(), verbose.verbose));
            default -> TraceRenderer.text(verdict, asAddress, trap, dst.named(),
                verbose.verbose);
          };
    } else {
      // No address to dial: the destination is judged by its identity and port alone.
      Verdict verdict =
          engine.verdictTo(source, dst.pod(), dst.port(), dst.protocol(), settings);
      rendered =
          switch (output) {
            case json ->
                Json.json(TraceRenderer.identityDocument(verdict, dst.text(), dst.named()));
            case yaml ->
                Json.yaml(TraceRenderer.identityDocument(verdict, dst.text(), dst.named()));
            case html ->
                html(
                    verdict,
                    null,
                    IdentityTrap.NONE,
                    TraceRenderer.identityText(verdict, dst.text(), dst.named(), verbose.verbose));
            default ->
                TraceRenderer.identityText(verdict, dst.text(), dst.named(), verbose.verbose);
          };
    }
    spec.commandLine().getOut().print(rendered);
    return 0;
  }

  private static String html(Verdict v, Verdict asAddress, IdentityTrap trap, String text) {
    StringWriter page = new StringWriter();
    HtmlReport.writeTrace(v, asAddress, trap, text, new PrintWriter(page));
    return page.toString();
  }
}

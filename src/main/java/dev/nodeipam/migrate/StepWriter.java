package dev.nodeipam.migrate;

import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The ordered steps of a plan as ready shell commands: companion policies first (so no flow is
 * denied when the addresses start being translated), then node labels (harmless on their own), then
 * the Service changes, then the checks, then the rollback.
 */
final class StepWriter {
  private static final String EOF = "NODEIPAM_EOF";
  private final CommandText text;
  private final NodeIpamOptions ipam;

  StepWriter(CommandText text, NodeIpamOptions ipam) {
    this.text = text;
    this.ipam = ipam;
  }

  List<Step> steps(MigrationPlan plan) {
    List<ServiceMigration> migrating =
        plan.services().stream().filter(ServiceMigration::steppable).toList();
    List<Step> steps = new ArrayList<>();
    if (migrating.isEmpty()) {
      return steps;
    }
    List<Map<String, Object>> companions = plan.audit().companionPolicies();
    if (!companions.isEmpty()) {
      steps.add(
          new Step(
              StepKind.APPLY_POLICY,
              "Apply "
                  + companions.size()
                  + " companion "
                  + (companions.size() == 1 ? "policy" : "policies")
                  + " before anything else: additive allow rules for the backends, so that clients"
                  + " whose rules allowed these addresses by CIDR keep working once Cilium"
                  + " translates them to the backend pods.",
              apply(companions),
              "policies"));
    }
    for (NodeLabels labels : plan.nodeLabels()) {
      // --overwrite: the keys are nodeipam's own; a stale value from an earlier plan is replaced.
      StringBuilder command =
          new StringBuilder("kubectl label node --overwrite ").append(shell(labels.node()));
      labels.labels().forEach((k, v) -> command.append(' ').append(shell(k + "=" + v)));
      steps.add(
          new Step(
              StepKind.LABEL_NODES,
              "Label node "
                  + labels.node()
                  + " so that the new LoadBalancers select it"
                  + " (changes nothing on its own).",
              command.toString(),
              labels.node()));
    }
    for (ServiceMigration m : migrating) {
      steps.add(migrate(m));
    }
    for (ServiceMigration m : migrating) {
      steps.add(verify(m));
    }
    steps.add(
        new Step(
            StepKind.VERIFY,
            plan.audit().ran()
                ? "Review what Node IPAM publishes for every Service, and audit the policies of the"
                    + " live cluster: no identity trap should remain for the migrated Services."
                : "Review what Node IPAM publishes for every Service. The policy audit was not run"
                    + " for this plan: "
                    + plan.audit().note(),
            plan.audit().ran() ? "nodeipam plan\nnodeipam audit" : "nodeipam plan",
            "cluster"));
    for (int i = migrating.size() - 1; i >= 0; i--) {
      steps.add(rollback(migrating.get(i)));
    }
    for (NodeLabels labels : plan.nodeLabels()) {
      StringBuilder command = new StringBuilder("kubectl label node ").append(shell(labels.node()));
      labels.labels().keySet().forEach(k -> command.append(' ').append(shell(k + "-")));
      steps.add(
          new Step(
              StepKind.ROLLBACK,
              "Rollback: remove the labels this plan added to node "
                  + labels.node()
                  + " (after the Services are rolled back).",
              command.toString(),
              labels.node()));
    }
    return steps;
  }

  private Step migrate(ServiceMigration m) {
    Service old = m.before();
    List<String> commands = new ArrayList<>();
    String description;
    PlannedService first = m.after().get(0);
    if (first.role().equals(PlannedService.IN_PLACE)) {
      if (ServicePatches.detours(old, first)) {
        commands.add(sourceRangesGuard(old));
      }
      for (ServicePatches.Patch patch : ServicePatches.inPlace(old, first)) {
        commands.add(patch(old, patch));
      }
      description =
          "Turn "
              + old.key()
              + " into a LoadBalancer of class "
              + ipam.loadBalancerClass()
              + " selecting nodes by "
              + first.label().selector()
              + ", without externalIPs"
              + (ServicePatches.inPlace(old, first).stream()
                          .filter(p -> p.type().equals("json"))
                          .count()
                      > 1
                  ? " (through NodePort: the class cannot be added to an"
                      + " existing LoadBalancer)"
                  : "")
              + ". Expect a short gap until the controller publishes "
              + publishedText(m)
              + ".";
    } else {
      Service kept = first.service();
      commands.add(patch(old, ServicePatches.release(old, kept)));
      List<Map<String, Object>> created = new ArrayList<>();
      for (int i = 1; i < m.after().size(); i++) {
        created.add(m.manifests().get(i));
      }
      commands.add(apply(created));
      description =
          "Take externalIPs off "
              + old.key()
              + " and create "
              + String.join(", ", newNames(m))
              + " (LoadBalancers of class "
              + ipam.loadBalancerClass()
              + ") to publish its addresses. Expect a short gap until"
              + " the controller publishes "
              + publishedText(m)
              + ".";
    }
    return new Step(StepKind.MIGRATE_SERVICE, description, String.join("\n", commands), old.key());
  }

  private Step verify(ServiceMigration m) {
    List<String> commands = new ArrayList<>();
    for (PlannedService p : m.after()) {
      if (!p.publishes()) {
        continue;
      }
      Service s = p.service();
      String expected = String.join(" ", p.published());
      commands.add(
          "expected="
              + shell(expected)
              + "\n"
              + "for attempt in $(seq 30); do\n"
              + "  got=$(kubectl get service "
              + shell(s.name())
              + " -n "
              + shell(s.namespace())
              + " -o jsonpath='{.status.loadBalancer.ingress[*].ip}')\n"
              + "  [ \"$got\" = \"$expected\" ] && break\n"
              + "  sleep 2\n"
              + "done\n"
              + "[ \"$got\" = \"$expected\" ] || { echo \""
              + s.key()
              + " publishes '$got', the plan expects '$expected'\" >&2; exit 1; }");
    }
    return new Step(
        StepKind.VERIFY,
        "Check that "
            + String.join(
                ", ",
                m.after().stream()
                    .filter(PlannedService::publishes)
                    .map(p -> p.service().key())
                    .toList())
            + " publish"
            + (m.after().size() == 1 ? "es" : "")
            + " exactly what the plan proved: "
            + publishedText(m)
            + " (waits up to a minute for the controller).",
        String.join("\n", commands),
        m.before().key());
  }

  private Step rollback(ServiceMigration m) {
    Service old = m.before();
    List<String> commands = new ArrayList<>();
    PlannedService first = m.after().get(0);
    String description;
    if (first.role().equals(PlannedService.IN_PLACE)) {
      if (ServicePatches.detours(old, first)) {
        commands.add(sourceRangesGuard(old));
      }
      for (ServicePatches.Patch patch : ServicePatches.undoInPlace(old, first)) {
        commands.add(patch(old, patch));
      }
      description =
          "Rollback: give "
              + old.key()
              + " back its type "
              + old.type()
              + " and externalIPs "
              + String.join(", ", old.externalIps())
              + ".";
    } else {
      commands.add(
          "kubectl delete service -n "
              + shell(old.namespace())
              + " "
              + String.join(
                  " ",
                  m.after().subList(1, m.after().size()).stream()
                      .map(p -> shell(p.service().name()))
                      .toList()));
      commands.add(patch(old, ServicePatches.unrelease(old, first.service())));
      description =
          "Rollback: delete "
              + String.join(", ", newNames(m))
              + " and give "
              + old.key()
              + " back its externalIPs "
              + String.join(", ", old.externalIps())
              + ".";
    }
    description +=
        " Node ports released on the way, if any, are allocated anew; companion policies stay"
            + " (they only add allow rules).";
    return new Step(StepKind.ROLLBACK, description, String.join("\n", commands), old.key());
  }

  /**
   * Stops a step that passes through NodePort before it changes anything when the live Service
   * has {@code loadBalancerSourceRanges}: the API server allows them only on a LoadBalancer, and
   * the input may not show them, so no patch written here can carry them across safely.
   */
  private static String sourceRangesGuard(Service s) {
    return "if [ -n \"$(kubectl get service "
        + shell(s.name())
        + " -n "
        + shell(s.namespace())
        + " -o jsonpath='{.spec.loadBalancerSourceRanges}')\" ]; then\n"
        + "  echo '"
        + s.key()
        + " has spec.loadBalancerSourceRanges, which the API server allows only on a"
        + " LoadBalancer, and this step passes through NodePort: remove them, run this step,"
        + " then add them back. Nothing was changed.' >&2\n"
        + "  exit 1\n"
        + "fi";
  }

  private String patch(Service s, ServicePatches.Patch patch) {
    return "kubectl patch service "
        + shell(s.name())
        + " -n "
        + shell(s.namespace())
        + " --type="
        + patch.type()
        + " -p "
        + shell(text.compactJson(patch.body()));
  }

  private String apply(List<Map<String, Object>> objects) {
    return "kubectl apply -f - <<'" + EOF + "'\n" + text.yamlDocuments(objects) + EOF;
  }

  private static List<String> newNames(ServiceMigration m) {
    return m.after().stream()
        .filter(p -> p.role().equals(PlannedService.NEW))
        .map(p -> p.service().key())
        .toList();
  }

  private static String publishedText(ServiceMigration m) {
    return m.published().isEmpty() ? "[] (nothing)" : String.join(", ", m.published());
  }

  /** Single-quoted for a POSIX shell unless the word needs no quoting. */
  static String shell(String word) {
    if (!word.isEmpty() && word.matches("[A-Za-z0-9_./=:,@%+-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}

package dev.nodeipam.render;

import dev.nodeipam.admission.Admission;
import dev.nodeipam.admission.TrappedGroup;
import dev.nodeipam.admission.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * The guard's verdict as the lines {@code kubectl} prints after {@code Warning: }: one per trapped
 * group, each within {@link #WIDTH} characters (Kubernetes truncates warnings past 256), at most
 * {@link #MAX_GROUPS} groups, then the command that gives the details and the companion.
 */
public final class GuardWarnings {
  /** The longest warning line. */
  public static final int WIDTH = 120;

  /** How many groups are named before the rest are counted. */
  public static final int MAX_GROUPS = 7;

  private GuardWarnings() {}

  /**
   * @param namespace the namespace of the changed object, null for a clusterwide policy
   */
  public static List<String> lines(Verdict verdict, String namespace) {
    List<String> out = new ArrayList<>();
    if (verdict.groups().isEmpty()) {
      return out;
    }
    List<TrappedGroup> groups = verdict.groups();
    for (TrappedGroup g : groups.subList(0, Math.min(MAX_GROUPS, groups.size()))) {
      out.add(fit(line(g)));
    }
    if (groups.size() > MAX_GROUPS) {
      out.add(fit("nodeipam: and " + (groups.size() - MAX_GROUPS) + " more trapped groups"));
    }
    out.add(fit("nodeipam: details and the companion policy: " + command(namespace)));
    return out;
  }

  /** The refusal message under {@code --enforce}. */
  public static String refusal(Verdict verdict) {
    int n = verdict.groups().size();
    return fit("nodeipam: " + n + (n == 1 ? " identity trap" : " identity traps")
        + " (see the warnings); to accept, annotate " + Admission.ACCEPT_ANNOTATION + "=<why>");
  }

  /** The Event message for a status another controller wrote. */
  public static String event(List<TrappedGroup> groups) {
    return fit("status.loadBalancer.ingress newly traps " + groups.size() + " flow group(s), e.g. "
        + (groups.isEmpty() ? "" : line(groups.get(0)).substring("nodeipam: ".length())));
  }

  static String line(TrappedGroup g) {
    String sources = g.sources() == 1 ? g.example() : g.sources() + " sources, e.g. " + g.example();
    return "nodeipam: " + g.service() + " " + g.target() + " trapped (" + g.direction()
        + (g.active() ? ", active" : ", latent") + ") for " + sources;
  }

  static String command(String namespace) {
    return namespace == null ? "nodeipam audit -A" : "nodeipam audit -n " + namespace;
  }

  private static String fit(String s) {
    return s.length() <= WIDTH ? s : s.substring(0, WIDTH - 3) + "...";
  }
}

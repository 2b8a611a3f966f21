package dev.nodeipam.render;

import dev.nodeipam.ipam.ExclusionReason;
import dev.nodeipam.ipam.PublishStatus;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.ServiceCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one place the {@code nodeipam.dev/AddressesPublished} condition is put into words: what the
 * controller writes, what {@code kubectl describe service} shows and what {@code plan} prints.
 */
public final class ConditionText {
  private ConditionText() {}

  /** The condition for these facts, without a transition time (the writer stamps it). */
  public static ServiceCondition condition(PublishStatus facts) {
    return new ServiceCondition(
        PublishStatus.TYPE,
        facts.state().published() ? "True" : "False",
        facts.state().reason(),
        message(facts),
        facts.observedGeneration(),
        null);
  }

  /** The condition's message. */
  public static String message(PublishStatus f) {
    String families = String.join("+", IpFamily.wireNames(f.families()));
    String selector = f.selector() == null ? "none" : "\"" + f.selector() + "\"";
    String headline =
        switch (f.state()) {
          case PUBLISHED ->
              "Published "
                  + plural(f.addresses(), "address", "addresses")
                  + " ("
                  + families
                  + ") from "
                  + plural(f.nodes(), "node", "nodes");
          case NO_NODE_MATCHES_SELECTOR -> "No node matches the node selector";
          case INVALID_SELECTOR ->
              "The node selector does not parse, status left as it is: " + f.error();
          case INVALID_ANNOTATION ->
              "An annotation does not parse, status left as it is: " + f.error();
          case NO_READY_ENDPOINTS ->
              "No eligible node holds a ready endpoint (externalTrafficPolicy Local)";
          case NO_ADDRESS_OF_FAMILY ->
              "The "
                  + plural(f.nodes(), "candidate node has", "candidate nodes have")
                  + " no address of the families "
                  + families;
          case ALL_NODES_EXCLUDED -> "Every node that could serve is left out";
          case NO_NODES -> "The cluster has no node";
        };
    if (f.state().published()) {
      return headline + ".";
    }
    List<String> parts = new ArrayList<>();
    parts.add(headline + ".");
    parts.add("Selector " + selector + ", families " + families + ".");
    String left = leftOut(f.excluded(), f.unselected());
    if (!left.isEmpty()) {
      parts.add("Nodes left out: " + left + ".");
    }
    return String.join(" ", parts);
  }

  private static String leftOut(Map<ExclusionReason, Integer> excluded, int unselected) {
    List<String> counts = new ArrayList<>();
    new TreeMap<>(excluded).forEach((reason, n) -> counts.add(n + " " + reason.text()));
    if (unselected > 0) {
      counts.add(unselected + " not matched by the selector");
    }
    return String.join(", ", counts);
  }

  private static String plural(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}

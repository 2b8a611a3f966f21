package dev.nodeipam.ipam;

import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.labels.SelectorSyntaxException;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The Node IPAM decision: for one Service, the nodes and EndpointSlices, what goes into {@code
 * status.loadBalancer.ingress}. A pure function; every R-item of the behaviour specification is
 * decided here or in the classes it calls.
 */
public final class NodeIpam {
  /** Distinct selector texts remembered at most; clusters have a handful. */
  private static final int SELECTOR_MEMO_LIMIT = 4096;

  private final NodeIpamOptions options;
  // Parsing is pure, and ten thousand Services share a dozen selector strings: parse each once.
  private final Map<String, Object> parsedSelectors = new ConcurrentHashMap<>();

  public NodeIpam(NodeIpamOptions options) {
    this.options = options;
  }

  public NodeIpamOptions options() {
    return options;
  }

  /**
   * Decides one Service.
   *
   * @param slices the EndpointSlices of the Service (R15: its namespace, labelled with its name)
   */
  public IngressDecision decide(Service service, NodePool pool, List<EndpointSlice> slices) {
    String notHandled = ServiceOwnership.notHandledReason(service, options);
    if (notHandled != null) {
      return IngressDecision.notHandled(notHandled);
    }
    NodeIpamOptions effective;
    LabelSelector selector;
    try {
      selector = selector(service);
    } catch (IllegalArgumentException e) {
      return IngressDecision.failed(e.getMessage(), PublishState.INVALID_SELECTOR);
    }
    try {
      effective = ServiceAnnotations.effectiveOptions(service, options);
    } catch (IllegalArgumentException e) {
      return IngressDecision.failed(e.getMessage(), PublishState.INVALID_ANNOTATION);
    }
    List<String> warnings = new ArrayList<>();
    List<String> ingress;
    List<String> nodes;
    List<Exclusion> excluded;
    List<String> fromAnnotation;
    int unselected;
    if (isLocal(service)) {
      LocalCandidates local = localCandidates(service, pool, slices, selector, effective);
      ingress =
          AddressSelection.select(
              local.nodes(),
              service.ipFamilies(),
              effective.addressPolicy(),
              effective.canonicalOrder());
      nodes = local.nodes().stream().map(n -> n.node().name()).toList();
      fromAnnotation = NodeAddresses.fromAnnotation(local.nodes(), ingress);
      excluded = local.excluded();
      // Only the nodes the slices name are considered: those the selector rejects are listed in
      // excluded, and the rest of the cluster does not count (so a node event that cannot involve
      // the Service leaves its whole decision unchanged, E3).
      unselected = 0;
    } else {
      NodePool.Selection selection = pool.select(selector, effective);
      ingress = pool.clusterAddresses(selector, effective, service.ipFamilies());
      nodes = selection.eligibleNames();
      fromAnnotation = NodeAddresses.fromAnnotation(selection.eligible(), ingress);
      excluded = selection.excluded();
      unselected = selection.unselected();
    }
    PublishState state = PublishState.PUBLISHED;
    if (nodes.isEmpty()) {
      state = pendingState(isLocal(service), selector, excluded, pool.size());
      warnings.add(
          isLocal(service)
              ? "no eligible node has a ready endpoint of this Service (externalTrafficPolicy"
                    + " Local)"
              : selector.isEverything()
                  ? "no eligible node"
                  : "no eligible node matches selector \"" + selector.text() + "\"");
    } else if (ingress.isEmpty()) {
      state = PublishState.NO_ADDRESS_OF_FAMILY;
      warnings.add(
          "the selected nodes have no "
              + addressKinds(effective.addressPolicy())
              + " address of the families "
              + service.ipFamilies());
    }
    return new IngressDecision(
        true, null, ingress, effective.ipMode(), nodes, excluded, unselected, null, warnings,
        state, fromAnnotation);
  }

  /** Why no node is a candidate: the first that applies of Local, no node, selector, exclusions. */
  private static PublishState pendingState(
      boolean local, LabelSelector selector, List<Exclusion> excluded, int nodeCount) {
    if (local) {
      return PublishState.NO_READY_ENDPOINTS;
    }
    if (nodeCount == 0) {
      return PublishState.NO_NODES;
    }
    if (excluded.isEmpty() && !selector.isEverything()) {
      return PublishState.NO_NODE_MATCHES_SELECTOR;
    }
    return PublishState.ALL_NODES_EXCLUDED;
  }

  /**
   * The routing of a node event (E3): whether the node before or after the event may be one of the
   * Service's candidates. The slices are read only for an {@code externalTrafficPolicy: Local}
   * Service, the one kind whose candidates they name.
   *
   * @param before the node before the event, null when it was added
   * @param after the node after the event, null when it was deleted
   */
  public boolean nodeEventMayAffect(
      Service service, Node before, Node after, Supplier<List<EndpointSlice>> slices) {
    List<EndpointSlice> local = isLocal(service) ? slices.get() : List.of();
    return (before != null && mayInvolve(service, before, local))
        || (after != null && mayInvolve(service, after, local));
  }

  /**
   * Whether a change to this node can change the Service's result (E3): the node is, or could be,
   * one of its candidates. Eligibility is not consulted: a node that turns ineligible must still
   * count.
   */
  public boolean mayInvolve(Service service, Node node, List<EndpointSlice> slices) {
    if (!ServiceOwnership.handles(service, options)) {
      return false;
    }
    LabelSelector selector;
    try {
      selector = selector(service);
    } catch (IllegalArgumentException e) {
      return false;
    }
    if (!selector.matches(node.labels())) {
      return false;
    }
    if (!isLocal(service)) {
      return true;
    }
    for (EndpointSlice slice : slices) {
      for (EndpointSlice.Endpoint endpoint : slice.endpoints()) {
        if (node.name().equals(endpoint.nodeName())) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@link #selectorOf}, remembered by text (a parse error as its exception). */
  private LabelSelector selector(Service service) {
    String text = service.annotations().get(ServiceAnnotations.MATCH_NODE_LABELS);
    if (text == null) {
      return LabelSelector.everything();
    }
    Object parsed = parsedSelectors.get(text);
    if (parsed == null) {
      try {
        parsed = selectorOf(service);
      } catch (IllegalArgumentException e) {
        parsed = e;
      }
      if (parsedSelectors.size() >= SELECTOR_MEMO_LIMIT) {
        parsedSelectors.clear();
      }
      parsedSelectors.put(text, parsed);
    }
    if (parsed instanceof IllegalArgumentException e) {
      throw e;
    }
    return (LabelSelector) parsed;
  }

  /** The Service's node selector (R11–R13); the empty selector when it has none. */
  public static LabelSelector selectorOf(Service service) {
    String text = service.annotations().get(ServiceAnnotations.MATCH_NODE_LABELS);
    if (text == null) {
      return LabelSelector.everything();
    }
    try {
      return LabelSelector.parse(text);
    } catch (SelectorSyntaxException e) {
      throw new IllegalArgumentException(
          "annotation " + ServiceAnnotations.MATCH_NODE_LABELS + ": " + e.getMessage(), e);
    }
  }

  private static boolean isLocal(Service service) {
    return service.externalTrafficPolicy() == TrafficPolicy.LOCAL;
  }

  private record LocalCandidates(List<NodeAddresses> nodes, List<Exclusion> excluded) {}

  /** R15–R18 (and E9): the nodes that hold a ready endpoint of the Service. */
  private static LocalCandidates localCandidates(
      Service service,
      NodePool pool,
      List<EndpointSlice> slices,
      LabelSelector selector,
      NodeIpamOptions options) {
    Set<String> serving = new TreeSet<>();
    Set<String> named = new TreeSet<>();
    for (EndpointSlice slice : slices) {
      for (EndpointSlice.Endpoint endpoint : slice.endpoints()) {
        if (endpoint.nodeName() == null) {
          continue;
        }
        named.add(endpoint.nodeName());
        boolean counts =
            endpoint.isReady()
                || (options.terminatingFallback()
                    && Boolean.TRUE.equals(endpoint.serving())
                    && Boolean.TRUE.equals(endpoint.terminating()));
        if (counts) {
          serving.add(endpoint.nodeName());
        }
      }
    }
    List<NodeAddresses> candidates = new ArrayList<>();
    List<Exclusion> excluded = new ArrayList<>();
    for (String name : named) {
      NodeAddresses node = pool.byName(name);
      ExclusionReason reason;
      if (node == null) {
        reason = ExclusionReason.UNKNOWN_NODE;
      } else if (!selector.matches(node.node().labels())) {
        reason = ExclusionReason.SELECTOR_MISMATCH;
      } else {
        reason = NodeEligibility.exclusion(node.node(), options);
        if (reason == null && !serving.contains(name)) {
          reason = ExclusionReason.NO_READY_ENDPOINT;
        }
      }
      if (reason == null) {
        candidates.add(node);
      } else {
        excluded.add(new Exclusion(name, reason));
      }
    }
    return new LocalCandidates(candidates, excluded);
  }

  private static String addressKinds(AddressPolicy policy) {
    return switch (policy) {
      case EXTERNAL_ONLY -> "ExternalIP";
      case INTERNAL_ONLY -> "InternalIP";
      default -> "ExternalIP or InternalIP";
    };
  }
}

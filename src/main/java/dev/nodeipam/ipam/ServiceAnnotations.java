package dev.nodeipam.ipam;

import dev.nodeipam.snapshot.Service;
import java.util.Map;

/** The annotations a Service can carry to steer its own Node IPAM result. */
public final class ServiceAnnotations {
  /** Cilium's per-Service node selector (R11). */
  public static final String MATCH_NODE_LABELS = "io.cilium.nodeipam/match-node-labels";

  public static final String PREFIX = "nodeipam.dev/";
  public static final String ADDRESS_POLICY = PREFIX + "address-policy";
  public static final String CANONICAL_ORDER = PREFIX + "canonical-order";
  public static final String READY_NODES_ONLY = PREFIX + "ready-nodes-only";
  public static final String TERMINATING_FALLBACK = PREFIX + "terminating-fallback";
  public static final String IP_MODE = PREFIX + "ip-mode";
  public static final String EXCLUDE_LABEL_FALSE_KEEPS_NODE =
      PREFIX + "exclude-label-false-keeps-node";

  private ServiceAnnotations() {}

  /**
   * The global options with this Service's overrides applied.
   *
   * @throws IllegalArgumentException naming the annotation whose value is not understood
   */
  public static NodeIpamOptions effectiveOptions(Service service, NodeIpamOptions global) {
    Map<String, String> a = service.annotations();
    NodeIpamOptions o = global;
    if (a.containsKey(ADDRESS_POLICY)) {
      try {
        o = o.withAddressPolicy(AddressPolicy.parse(a.get(ADDRESS_POLICY)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("annotation " + ADDRESS_POLICY + ": " + e.getMessage());
      }
    }
    if (a.containsKey(CANONICAL_ORDER)) {
      o = o.withCanonicalOrder(bool(a, CANONICAL_ORDER));
    }
    if (a.containsKey(READY_NODES_ONLY)) {
      o = o.withReadyNodesOnly(bool(a, READY_NODES_ONLY));
    }
    if (a.containsKey(TERMINATING_FALLBACK)) {
      o = o.withTerminatingFallback(bool(a, TERMINATING_FALLBACK));
    }
    if (a.containsKey(EXCLUDE_LABEL_FALSE_KEEPS_NODE)) {
      o = o.withExcludeLabelFalseKeepsNode(bool(a, EXCLUDE_LABEL_FALSE_KEEPS_NODE));
    }
    if (a.containsKey(IP_MODE)) {
      String mode = a.get(IP_MODE).trim();
      if (!mode.equals("VIP") && !mode.equals("Proxy")) {
        throw new IllegalArgumentException(
            "annotation " + IP_MODE + ": \"" + mode + "\" is neither VIP nor Proxy");
      }
      o = o.withIpMode(mode);
    }
    return o;
  }

  private static boolean bool(Map<String, String> annotations, String key) {
    String value = annotations.get(key).trim();
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(
        "annotation " + key + ": \"" + value + "\" is neither true nor false");
  }
}

package dev.nodeipam.migrate;

import java.util.List;

/**
 * Something the planner warns about for one Service or for the plan: the kind, and the values its
 * sentence names (addresses, nodes, Services, families), in the order the factory names them.
 * {@code render.MigrateWarningText} writes the sentences.
 *
 * @param kind what the warning is about
 * @param values the values the sentence names, as each factory below documents
 * @param list a list the sentence names (addresses, nodes or Services), else empty
 */
public record PlanWarning(Kind kind, List<String> values, List<String> list) {

  /** What a warning is about. */
  public enum Kind {
    /** An ExternalName Service cannot become a LoadBalancer. */
    EXTERNAL_NAME,
    /** A headless Service cannot become a LoadBalancer. */
    HEADLESS,
    /** An entry of spec.externalIPs is no IP address: values = [the entry]. */
    NOT_AN_ADDRESS,
    /** Addresses no node owns: list = the addresses. */
    UNOWNED,
    /** A node owns an address but Node IPAM never uses it: values = [node, address, reason]. */
    NODE_EXCLUDED,
    /** nodeipam's own annotation is used: values = [annotation], list = what Cilium publishes. */
    ANNOTATION_USED,
    /** Only nodeipam's own annotation would reproduce the addresses: values = [annotation]. */
    ANNOTATION_WOULD,
    /** Another controller's status.loadBalancer.ingress ends: values = [the addresses]. */
    OTHER_INGRESS,
    /** spec.loadBalancerClass cannot change in place: values = [the new class]. */
    CLASS_CHANGE,
    /**
     * The addresses move to new Services: values = [the Service, the primary family or "" when
     * the addresses need several Services, "ClusterIP" when the old one becomes a ClusterIP
     * Service else ""], list = the new Services.
     */
    SPLIT,
    /** The Service becomes single-stack: values = [the family kept, the family released]. */
    SINGLE_STACK,
    /** The Service becomes dual-stack: values = [the new family], list = the families. */
    DUAL_STACK,
    /** New node labels change another Service: values = [Service, published before, after]. */
    LABELS_CHANGE_OTHER,
    /** Node IPAM's decision is an error: values = [Service, the error]. */
    IPAM_ERROR,
    /** externalTrafficPolicy Local is kept: list = the selected nodes with a ready endpoint. */
    LOCAL,
    /** externalTrafficPolicy Local is kept, and the input has no EndpointSlices for it. */
    LOCAL_NO_SLICES,
    /** The addresses are not reproduced exactly: values = lost, list = newly exposed. */
    NOT_EXACT,
    /** No steps are written: the migration would expose addresses it never listed. */
    NO_STEPS,
    /**
     * Addresses published only because a node's nodeipam.dev/external-ips annotation adds them:
     * values = [Service], list = those addresses.
     */
    ANNOTATED_ADDRESSES
  }

  public PlanWarning {
    values = List.copyOf(values);
    list = List.copyOf(list);
  }

  /** A warning that names the values. */
  public static PlanWarning of(Kind kind, String... values) {
    return new PlanWarning(kind, List.of(values), List.of());
  }

  /** A warning that names the values and a list. */
  public static PlanWarning withList(Kind kind, List<String> list, String... values) {
    return new PlanWarning(kind, List.of(values), list);
  }

  /** The value at {@code i}. */
  public String value(int i) {
    return values.get(i);
  }
}

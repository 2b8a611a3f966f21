package dev.nodeipam.ipam;

import java.util.List;

/**
 * What the controller does with one Service.
 *
 * @param handled whether the controller owns the Service's status
 * @param notHandledReason why not, when not handled
 * @param ingress the addresses to write, in order ({@code []} = pending); null when not handled or
 *     on error
 * @param ipMode the {@code ipMode} written on every entry (E10), or null
 * @param nodes the candidate nodes, by name
 * @param excluded nodes left out that the Service would otherwise consider, with the reason
 * @param unselectedNodes how many nodes the Service's selector does not match (policy Cluster;
 *     with Local, 0: the endpoints' nodes it does not match are in {@code excluded})
 * @param error why the Service cannot be reconciled (its status stays as it is), or null
 * @param warnings what a person should know (nothing to publish, and why)
 * @param state whether addresses are published and, if not, why; null when not handled
 * @param fromAnnotation the published addresses that only a candidate's annotation {@code
 *     nodeipam.dev/external-ips} provides (E13): nodeipam's own extension, not Cilium's
 */
public record IngressDecision(
    boolean handled,
    String notHandledReason,
    List<String> ingress,
    String ipMode,
    List<String> nodes,
    List<Exclusion> excluded,
    int unselectedNodes,
    String error,
    List<String> warnings,
    PublishState state,
    List<String> fromAnnotation) {

  public IngressDecision {
    fromAnnotation = List.copyOf(fromAnnotation);
    ingress = ingress == null ? null : List.copyOf(ingress);
    nodes = List.copyOf(nodes);
    excluded = List.copyOf(excluded);
    warnings = List.copyOf(warnings);
  }

  public static IngressDecision notHandled(String reason) {
    return new IngressDecision(
        false, reason, null, null, List.of(), List.of(), 0, null, List.of(), null, List.of());
  }

  /**
   * An annotation that does not parse (R13).
   *
   * @param state {@link PublishState#INVALID_SELECTOR} or {@link PublishState#INVALID_ANNOTATION}
   */
  public static IngressDecision failed(String error, PublishState state) {
    return new IngressDecision(
        true, null, null, null, List.of(), List.of(), 0, error, List.of(), state, List.of());
  }

  public boolean isError() {
    return error != null;
  }

  /**
   * Whether the controller writes the Service's status: it handles the Service and can reconcile
   * it (on error the status stays as it is).
   */
  public boolean writesStatus() {
    return ingress != null;
  }

  /**
   * The addresses the controller publishes for the Service: {@code ingress}; none when it does
   * not write the status. The one answer {@code plan}, {@code audit} and {@code diff} read.
   */
  public List<String> published() {
    return ingress == null ? List.of() : ingress;
  }
}

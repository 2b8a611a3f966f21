package dev.nodeipam.ipam;

import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Service;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The facts behind a handled Service's {@code nodeipam.dev/AddressesPublished} condition: the typed
 * state and what a person needs to see why (selector, families, counts). {@code render/}
 * turns it into the condition's message; the controller writes it and {@code plan} shows it.
 *
 * @param selector the node-selector annotation's text, or null when there is none
 * @param excluded how many nodes were left out, by reason
 * @param unselected how many nodes the selector does not match (policy Cluster)
 * @param error the annotation error (an invalid state), or null
 * @param observedGeneration the Service's {@code metadata.generation} the facts were read from
 */
public record PublishStatus(
    PublishState state,
    String selector,
    List<IpFamily> families,
    int addresses,
    int nodes,
    Map<ExclusionReason, Integer> excluded,
    int unselected,
    String error,
    long observedGeneration) {
  /** The condition type, nodeipam's own prefix so no other controller's condition is touched. */
  public static final String TYPE = "nodeipam.dev/AddressesPublished";

  public PublishStatus {
    families = List.copyOf(families);
    excluded = Map.copyOf(excluded);
  }

  /** The facts of a handled Service's decision; null when the Service is not handled. */
  public static PublishStatus of(Service service, IngressDecision decision) {
    if (!decision.handled()) {
      return null;
    }
    String selector = service.annotations().get(ServiceAnnotations.MATCH_NODE_LABELS);
    Map<ExclusionReason, Integer> excluded = new EnumMap<>(ExclusionReason.class);
    for (Exclusion x : decision.excluded()) {
      excluded.merge(x.reason(), 1, Integer::sum);
    }
    return new PublishStatus(
        decision.state(),
        selector == null || selector.isBlank() ? null : selector,
        service.ipFamilies(),
        decision.published().size(),
        decision.nodes().size(),
        excluded,
        decision.unselectedNodes(),
        decision.error(),
        service.generation());
  }
}

package dev.nodeipam.reconcile;

import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Service;
import java.util.List;

/**
 * Everything one reconcile of a Service reads, as plain values.
 *
 * @param key {@code namespace/name}
 * @param service the cached record; null when the Service is gone
 * @param pool the nodes as the decision reads them
 * @param slices the Service's EndpointSlices (R15)
 * @param released whether E11 marked the Service's status as ours to clear
 * @param reported what was already said about the Service
 * @param role what this replica may do
 * @param omitIpMode whether the API server was seen dropping {@code ipMode} (it is then not
 *     written)
 */
public record Observed(
    String key,
    Service service,
    NodePool pool,
    List<EndpointSlice> slices,
    boolean released,
    Reported reported,
    Role role,
    boolean omitIpMode) {
  public Observed {
    slices = List.copyOf(slices);
    reported = reported == null ? Reported.NONE : reported;
  }
}

package dev.nodeipam.reconcile;

import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import java.util.List;

/**
 * A write of {@code status.loadBalancer.ingress} (R26).
 *
 * @param ingress the list to write; empty clears it (E11)
 * @param change what the write changes, logged and announced once it succeeded
 * @param event the Event to emit once it succeeded, or null
 */
public record StatusWrite(List<LoadBalancerIngress> ingress, Change change, Notice event) {
  public StatusWrite {
    ingress = List.copyOf(ingress);
  }

  /** Whether the write sets {@code ipMode} (E10) and so can show that the server drops it. */
  public boolean setsIpMode() {
    return ingress.stream().anyMatch(e -> e.ipMode() != null);
  }
}

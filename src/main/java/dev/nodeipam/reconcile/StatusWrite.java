package dev.nodeipam.reconcile;

import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import dev.nodeipam.snapshot.ServiceCondition;
import java.util.List;

/**
 * A write of the Service's status subresource: {@code status.loadBalancer.ingress} (R26), {@code
 * status.conditions}, or both in one patch.
 *
 * @param ingress the list to write; empty clears it (E11); null leaves it as it is
 * @param conditions the whole {@code status.conditions} list to write (other controllers' entries
 *     kept); null leaves it as it is. An entry without a transition time gets the time of the
 *     write.
 * @param change what the ingress write changes, logged and announced once it succeeded; null for a
 *     write of the conditions alone
 * @param event the Event to emit once it succeeded, or null
 */
public record StatusWrite(
    List<LoadBalancerIngress> ingress,
    List<ServiceCondition> conditions,
    Change change,
    Notice event) {
  public StatusWrite {
    ingress = ingress == null ? null : List.copyOf(ingress);
    conditions = conditions == null ? null : List.copyOf(conditions);
  }

  /** Whether the write sets {@code ipMode} (E10) and so can show that the server drops it. */
  public boolean setsIpMode() {
    return ingress != null && ingress.stream().anyMatch(e -> e.ipMode() != null);
  }

  /** Whether the write changes the published addresses ({@code nodeipam_status_writes_total}). */
  public boolean writesIngress() {
    return ingress != null;
  }
}

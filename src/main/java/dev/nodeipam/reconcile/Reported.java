package dev.nodeipam.reconcile;

import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import java.util.List;

/**
 * What the controller remembers about one Service between reconciles, so that it says each thing
 * once: everything the decision reads besides the records.
 *
 * @param invalid the error last reported for a bad annotation (R13), or null
 * @param unavailable the reason last reported for having nothing to publish (E4), or null
 * @param rejected the server's message last reported for a refused status write, or null
 * @param dryRunPublished what a dry run last said it would write, or null
 */
public record Reported(
    String invalid,
    String unavailable,
    String rejected,
    List<LoadBalancerIngress> dryRunPublished) {
  public static final Reported NONE = new Reported(null, null, null, null);

  public Reported {
    dryRunPublished = dryRunPublished == null ? null : List.copyOf(dryRunPublished);
  }

  public Reported withInvalid(String value) {
    return new Reported(value, unavailable, rejected, dryRunPublished);
  }

  public Reported withUnavailable(String value) {
    return new Reported(invalid, value, rejected, dryRunPublished);
  }

  public Reported withRejected(String value) {
    return new Reported(invalid, unavailable, value, dryRunPublished);
  }

  public Reported withDryRunPublished(List<LoadBalancerIngress> value) {
    return new Reported(invalid, unavailable, rejected, value);
  }
}

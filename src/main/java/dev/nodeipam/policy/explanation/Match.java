package dev.nodeipam.policy.explanation;

import dev.nodeipam.policy.model.PolicyRef;

/**
 * One entry that matched a flow.
 *
 * @param entry where the entry sits in its policy, e.g. {@code spec.egress[1]}
 * @param peer the peer clause that matched, as written, e.g. {@code ipBlock 0.0.0.0/0}
 * @param ports the entry's port clauses, or "all ports"
 * @param deny whether it is a deny entry
 */
public record Match(PolicyRef policy, String entry, String peer, String ports, boolean deny) {
  @Override
  public String toString() {
    return policy.label() + " " + entry + " (" + peer + ", " + ports + ")";
  }
}

package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.snapshot.Pod;

/**
 * A pod reaching itself through a Service it backs (hairpin): the datapath rewrites the source to
 * its loopback address and skips policy on egress and ingress for the flow, since nobody is
 * expected to write a policy allowing a pod to reach itself (cilium/cilium#23480, #22972, in every
 * release modelled, 1.14 on). Another backend of the same Service is judged as usual. With socket
 * LB the connection goes straight to the pod's own address and never leaves its network namespace:
 * allowed all the same.
 */
public final class Hairpin {
  static final String REASON = "hairpin: the client is this backend itself; Cilium skips policy"
      + " on both sides for a pod reaching itself through its Service (cilium/cilium#23480,"
      + " #22972)";

  private Hairpin() {}

  /** Whether the backend is the client itself (a real pod with its own identity). */
  public static boolean loopsBack(Pod source, Pod backend) {
    return backend != null && !source.isTemplate() && !source.isItsNode()
        && source.namespace().equals(backend.namespace()) && source.name().equals(backend.name());
  }

  /** The side's verdict for a hairpin flow: not enforced. */
  static SideVerdict side(Direction d) {
    return SideVerdict.notEnforced(d, REASON);
  }
}

package dev.nodeipam.diff;

import dev.nodeipam.audit.Trap;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.snapshot.Pod;

/** One trapped flow of one source pod: what two states are compared on. */
record FlowKey(
    String service, String address, int port, String protocol, Direction direction, String pod) {
  static FlowKey of(Trap t, Pod p) {
    return new FlowKey(t.address().service().key(), t.address().address().toCanonicalString(),
        t.servicePort().port(), t.protocol().name(), t.direction(), p.key());
  }
}

package dev.nodeipam.controller;

/**
 * Where a controller is in its life, as one value swapped whole: {@code CREATED → ROUTING → SYNCED
 * → CLOSED}, and independently whether it leads.
 *
 * @param leader the identity of the current leader as last observed, or null
 */
record ControllerState(Phase phase, Leadership leadership, String leader) {
  enum Phase {
    /** Informers not started or not yet caught up: node events route nothing. */
    CREATED,
    /** Caches caught up: node events route to the Services they can affect (E1, E3). */
    ROUTING,
    /** Every Service queued once: ready. */
    SYNCED,
    /** Stopped; workers leave their loop. */
    CLOSED
  }

  enum Leadership {
    /** Not in leader election (yet). */
    NONE,
    /** Standing for election, another replica (or none) leads. */
    STANDING_BY,
    /** Leading: the work queue hands out keys and statuses are written. */
    LEADING
  }

  static final ControllerState INITIAL = new ControllerState(Phase.CREATED, Leadership.NONE, null);

  ControllerState withPhase(Phase value) {
    return new ControllerState(value, leadership, leader);
  }

  ControllerState withLeadership(Leadership value) {
    return new ControllerState(phase, value, leader);
  }

  ControllerState withLeader(String value) {
    return new ControllerState(phase, leadership, value);
  }

  boolean closed() {
    return phase == Phase.CLOSED;
  }

  boolean routing() {
    return phase == Phase.ROUTING || phase == Phase.SYNCED;
  }

  boolean leading() {
    return leadership == Leadership.LEADING;
  }
}

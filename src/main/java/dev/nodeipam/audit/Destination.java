package dev.nodeipam.audit;

import dev.nodeipam.policy.model.Identity;

/**
 * Where a trapped flow ends as policy sees it: one backend identity (replicas share it) or a node,
 * and the port at it (the targetPort once translated). The verdicts themselves are judged again
 * with every reason when a trap is explained, so a trap carries only this.
 */
public record Destination(Identity identity, int port) {}

package dev.nodeipam.diff;

import dev.nodeipam.policy.model.PolicyRef;

/**
 * A policy rule an item comes from, and where it is written.
 *
 * @param origin where the entry sits in its policy, e.g. {@code spec.egress[0]}
 * @param location null when the policy came from no file
 */
public record RuleAt(PolicyRef policy, String origin, Location location) {}

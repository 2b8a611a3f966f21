package dev.nodeipam.policy.explanation;

import dev.nodeipam.policy.model.PolicyRef;

/** A policy that selects the endpoint and speaks about the direction but did not match the flow. */
public record NotMatching(PolicyRef policy, String why) {}

package dev.nodeipam.ipam;

/** A node left out of a Service's candidates, and why. */
public record Exclusion(String node, ExclusionReason reason) {}

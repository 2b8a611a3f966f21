package dev.nodeipam.migrate;

/**
 * One step of the plan: a ready shell command (possibly several lines, each a complete command).
 *
 * @param subject what the step is about ({@code namespace/name} or a node name), for file names
 */
public record Step(StepKind kind, String description, String command, String subject) {}

package dev.nodeipam.policy.settings;

/** The agent's {@code enable-policy} modes. */
public enum EnablePolicy {
  /** Endpoints are default-deny in a direction only when a rule selecting them says so. */
  DEFAULT,
  /** Every endpoint is default-deny in both directions. */
  ALWAYS,
  /** No enforcement at all. */
  NEVER
}

package dev.nodeipam.diff;

import dev.nodeipam.policy.engine.PolicyEngine;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A state many changes are judged from, evaluated once per scope asked and kept: the guard's
 * before-state, one per generation of its cache. Its evaluations are those {@link StateDiff#run}
 * makes of the same state and scope (the same code, asked once), so a diff from a baseline is the
 * diff from its state. Callers judge from one baseline one change at a time (its evaluations
 * keep lazy memos that are not shared between threads).
 */
public final class Baseline {
  /** Scopes kept: a few, since the same kind of change tends to come again. */
  private static final int KEPT = 8;

  private final StateDiff.State state;
  private final StateDiff.Settings settings;
  private final Map<DiffScope, EvaluatedState> evaluated =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<DiffScope, EvaluatedState> eldest) {
          return size() > KEPT;
        }
      };

  private PolicyEngine rules;

  public Baseline(StateDiff.State state, StateDiff.Settings settings) {
    this.state = state;
    this.settings = settings;
  }

  public StateDiff.State state() {
    return state;
  }

  public StateDiff.Settings settings() {
    return settings;
  }

  /**
   * The state's policies read once: the engine every evaluation from this baseline starts from
   * (a changed state whose policies are the same objects reuses its rules and memos).
   */
  PolicyEngine rules() {
    if (rules == null) {
      rules = PolicyEngine.of(state.snapshot(), settings.audit().dns());
    }
    return rules;
  }

  /** The state evaluated over the scope: the kept evaluation, else a new one kept. */
  EvaluatedState evaluated(DiffScope scope) {
    return evaluated.computeIfAbsent(scope, s -> new EvaluatedState(state, settings, s, rules()));
  }
}

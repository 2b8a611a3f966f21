package dev.nodeipam.admission;

import java.util.List;

/**
 * What the guard answers to one change.
 *
 * @param decision allow silently, allow with warnings, or refuse
 * @param groups the trapped groups behind a warning or a refusal, empty when none
 * @param acceptedBecause the reason given in {@link Admission#ACCEPT_ANNOTATION}, else null
 */
public record Verdict(Decision decision, List<TrappedGroup> groups, String acceptedBecause) {

  /** The three answers. */
  public enum Decision {
    ALLOW,
    WARN,
    REFUSE
  }

  public Verdict {
    groups = List.copyOf(groups);
  }

  public static Verdict allow() {
    return new Verdict(Decision.ALLOW, List.of(), null);
  }

  public boolean allowed() {
    return decision != Decision.REFUSE;
  }
}

package dev.nodeipam.admission;

import dev.nodeipam.diff.Baseline;
import dev.nodeipam.diff.Diff;
import dev.nodeipam.diff.Item;
import dev.nodeipam.diff.ItemType;
import dev.nodeipam.diff.Locator;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The guard's decision on one admitted change, as a pure function: the cluster before the change
 * and after it go through {@code diff}'s scoped comparison ({@link StateDiff}), which evaluates
 * only what the change can affect; the identity traps it introduces are grouped by Service
 * frontend and side, and the verdict follows from them, the enforce mode and the object's
 * acceptance annotation.
 */
public final class Admission {
  /** Accepts a trapping change under {@code --enforce}; its value says why. */
  public static final String ACCEPT_ANNOTATION = "nodeipam.dev/accept-identity-trap";

  private Admission() {}

  /**
   * Whether a Service change can move a frontend: its externalIPs, type, class, ports (and
   * target ports), selector or published addresses differ. Anything else (labels, annotations)
   * leaves every flow as it was, so the guard answers at once.
   */
  public static boolean mayTrap(Service before, Service after) {
    if (before == null || after == null) {
      return true;
    }
    return !Objects.equals(before.externalIps(), after.externalIps())
        || before.type() != after.type()
        || !Objects.equals(before.loadBalancerClass(), after.loadBalancerClass())
        || !Objects.equals(before.ports(), after.ports())
        || !Objects.equals(before.selector(), after.selector())
        || !Objects.equals(before.ingress(), after.ingress());
  }

  /**
   * Whether a policy change can move a verdict: anything but its metadata and status differs.
   * Selection and rules are read from the rest (a NetworkPolicy's {@code spec}, a Cilium
   * policy's {@code spec} and {@code specs}); its namespace and name are the request's on both
   * sides, and its labels and annotations select nothing.
   */
  public static boolean mayTrap(RawObject before, RawObject after) {
    if (before == null || after == null) {
      return true;
    }
    return !judged(before.body()).equals(judged(after.body()));
  }

  private static Map<String, Object> judged(Map<String, Object> body) {
    Map<String, Object> rest = new LinkedHashMap<>(body);
    rest.remove("metadata");
    rest.remove("status");
    return rest;
  }

  /** The traps the change from {@code before} to {@code after} introduces, by group. */
  public static List<TrappedGroup> trapped(
      ClusterSnapshot before, ClusterSnapshot after, StateDiff.Settings settings) {
    return groups(StateDiff.run(new StateDiff.State("before", before, Locator.NONE),
        new StateDiff.State("after", after, Locator.NONE), settings));
  }

  /**
   * {@link #trapped(ClusterSnapshot, ClusterSnapshot, StateDiff.Settings)} from a before-state
   * kept as a baseline (its evaluations reused): the same traps.
   */
  public static List<TrappedGroup> trapped(Baseline before, ClusterSnapshot after) {
    return groups(StateDiff.run(before, new StateDiff.State("after", after, Locator.NONE)));
  }

  /** A baseline of the cluster before changes, for {@link #trapped(Baseline, ClusterSnapshot)}. */
  public static Baseline baseline(ClusterSnapshot before, StateDiff.Settings settings) {
    return new Baseline(new StateDiff.State("before", before, Locator.NONE), settings);
  }

  private static List<TrappedGroup> groups(Diff diff) {
    Map<String, TrappedGroup> groups = new LinkedHashMap<>();
    for (Item i : diff.of(ItemType.TRAP_INTRODUCED)) {
      String key = i.service() + " " + i.targetText() + " " + i.direction();
      TrappedGroup g = groups.get(key);
      int count = (int) Math.max(1, i.pods());
      if (g == null) {
        groups.put(key, new TrappedGroup(i.service(), i.targetText(), i.direction(),
            Boolean.TRUE.equals(i.active()), count, i.source()));
      } else {
        groups.put(key, new TrappedGroup(g.service(), g.target(), g.direction(),
            g.active() || Boolean.TRUE.equals(i.active()), g.sources() + count, g.example()));
      }
    }
    return new ArrayList<>(groups.values());
  }

  /**
   * The verdict: no group allows silently; groups warn, and under {@code enforce} refuse unless
   * the object carries a non-blank {@link #ACCEPT_ANNOTATION}.
   */
  public static Verdict decide(
      List<TrappedGroup> groups, boolean enforce, Map<String, String> annotations) {
    if (groups.isEmpty()) {
      return Verdict.allow();
    }
    String why = annotations == null ? null : annotations.get(ACCEPT_ANNOTATION);
    boolean accepted = why != null && !why.isBlank();
    Verdict.Decision d =
        enforce && !accepted ? Verdict.Decision.REFUSE : Verdict.Decision.WARN;
    return new Verdict(d, groups, accepted ? why.strip() : null);
  }
}

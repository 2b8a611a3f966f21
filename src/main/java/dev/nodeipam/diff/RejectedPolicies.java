package dev.nodeipam.diff;

import dev.nodeipam.audit.PolicyRejections;
import dev.nodeipam.policy.model.PolicyValidation;
import dev.nodeipam.policy.model.Rejection;
import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.policy.settings.SettingsResolution;
import dev.nodeipam.snapshot.RawObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link ItemType#POLICY_REJECTED}: the Cilium policies the after state's agent rejects that the
 * before state's did not (added, edited, or the release changed), by the one definition of
 * section 9 of the policy model ({@link PolicyValidation}).
 */
final class RejectedPolicies {
  private RejectedPolicies() {}

  static List<Item> items(StateDiff.State before, StateDiff.State after,
      Map<String, String> overrides) {
    CiliumVersion was = SettingsResolution.of(before.snapshot(), overrides).version();
    CiliumVersion now = SettingsResolution.of(after.snapshot(), overrides).version();
    Set<String> rejectedBefore = new HashSet<>();
    for (RawObject p : before.snapshot().policies()) {
      PolicyValidation.of(p, was).ifPresent(r -> rejectedBefore.add(r.policy().label()));
    }
    List<Item> out = new ArrayList<>();
    for (RawObject p : after.snapshot().policies()) {
      Optional<Rejection> rejected = PolicyValidation.of(p, now);
      if (rejected.isEmpty() || rejectedBefore.contains(rejected.get().policy().label())) {
        continue;
      }
      Rejection r = rejected.get();
      Locator at = after.locator();
      out.add(Item.builder()
          .type(ItemType.POLICY_REJECTED)
          .level(Level.ERROR)
          .rules(List.of(new RuleAt(r.policy(), r.path(),
              at.locate(p.source(), r.path()).orElse(null))))
          .reasons(List.of(r.agentLog()))
          .location(at.locate(p.source(), null).orElse(null))
          .cause(at.locate(p.source(), r.path()).orElse(null))
          .message(PolicyRejections.sentence(r, now))
          .state("after")
          .build());
    }
    return out;
  }
}

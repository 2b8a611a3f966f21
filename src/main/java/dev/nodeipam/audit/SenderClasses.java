package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Pod;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The source classes of a state ({@code SourceClasses}) by pod: what {@code diff} asks one
 * question per class of, as the trap search judges one class at a time.
 */
public final class SenderClasses {
  private SenderClasses() {}

  /**
   * Each pod's class ({@code namespace/name} to a number equal for pods no rule tells apart as
   * senders); pods being deleted are left out.
   *
   * @param translating the settings under which every frontend is translated
   */
  public static Map<String, Integer> of(PolicyEngine engine, DatapathSettings now,
      DatapathSettings translating) {
    Map<String, Integer> out = new HashMap<>();
    for (SourceGroup c : SourceGroup.classes(engine, SourceGroup.identities(engine, now),
        List.of(now, translating),
        Set.of())) {
      for (Pod p : c.pods()) {
        out.put(p.key(), c.id());
      }
    }
    return out;
  }
}

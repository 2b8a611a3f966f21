package dev.nodeipam.diff;

import dev.nodeipam.policy.model.PolicyParser;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Companion policies (named as {@code audit} names them: {@code allow-egress-to-<ns>-<service>},
 * {@code allow-ingress-to-<ns>-<service>}) that the change leaves behind: their Service is gone,
 * or no longer selects the pods the companion lets through.
 */
final class StaleCompanions {
  private static final String EGRESS = "allow-egress-to-";
  private static final String INGRESS = "allow-ingress-to-";

  private StaleCompanions() {}

  static List<Item> items(ChangeSet changes, DiffScope scope, StateDiff.State before,
      StateDiff.State after) {
    List<Item> out = new ArrayList<>();
    ClusterSnapshot b = before.snapshot();
    ClusterSnapshot a = after.snapshot();
    Map<String, Service> byCompanionName = new HashMap<>();
    List<Service> reselected = new ArrayList<>();
    for (Service svc : b.services()) {
      if (!changes.services().contains(svc.key())) {
        continue;
      }
      byCompanionName.put(svc.namespace() + "-" + svc.name(), svc);
      Optional<Service> now = a.service(svc.namespace(), svc.name());
      if (svc.selector() != null && !svc.selector().isEmpty()
          && (now.isEmpty() || !svc.selector().equals(now.get().selector()))) {
        reselected.add(svc);
      }
    }
    if (byCompanionName.isEmpty()) {
      return out;
    }
    for (RawObject p : a.policies()) {
      if (!PolicyRef.CCNP.equals(p.kind())) {
        continue;
      }
      boolean named = p.name().startsWith(EGRESS) || p.name().startsWith(INGRESS);
      boolean egress = !p.name().startsWith(INGRESS);
      // A companion is known by its name, or by naming the Service's pods as they were.
      Service svc = named
          ? byCompanionName.get(p.name().substring((egress ? EGRESS : INGRESS).length())) : null;
      if (svc == null) {
        for (Service r : reselected) {
          if (selects(p, egress, r.namespace(), r.selector())) {
            svc = r;
            break;
          }
        }
      }
      if (svc == null) {
        continue;
      }
      Optional<Service> now = a.service(svc.namespace(), svc.name());
      String why = null;
      String path = null;
      if (now.isEmpty()) {
        why = "its Service " + svc.key() + " is gone";
      } else if (now.get().selector() != null) {
        List<String> missed = new ArrayList<>();
        for (Pod pod : a.podsIn(svc.namespace())) {
          if (pod.labels().entrySet().containsAll(now.get().selector().entrySet())
              && !selects(p, egress, svc.namespace(), pod.labels())) {
            missed.add(pod.key());
          }
        }
        if (!missed.isEmpty()) {
          why = svc.key() + " now selects " + new TreeMap<>(now.get().selector())
              + ": the companion does not name its backends " + String.join(", ",
                  missed.subList(0, Math.min(3, missed.size())))
              + (missed.size() > 3 ? " and " + (missed.size() - 3) + " more" : "");
          path = egress ? "spec.egress" : "spec.endpointSelector";
        }
      }
      if (why != null) {
        out.add(staleItem(p, svc, egress, why, path, after.locator()));
      }
    }
    return out;
  }

  /** The COMPANION_STALE item of companion {@code p}, located in the after-state. */
  private static Item staleItem(
      RawObject p, Service svc, boolean egress, String why, String path, Locator at) {
    PolicyRef ref = PolicyParser.refOf(p);
    return Item.builder()
        .type(ItemType.COMPANION_STALE)
        .level(Level.WARNING)
        .service(svc.key())
        .direction(egress ? "egress" : "ingress")
        .rules(List.of(
            new RuleAt(ref, path, at.locate(p.source(), path).orElse(null))))
        .reasons(List.of(why))
        .location(at.locate(p.source(), null).orElse(null))
        .cause(at.locate(p.source(), path).orElse(null))
        .message(ref.label() + " is stale: " + why)
        .state("after")
        .build();
  }

  /** Whether the companion's peer (egress) or subject (ingress) selects pods with these labels. */
  @SuppressWarnings("unchecked")
  private static boolean selects(
      RawObject policy, boolean egress, String namespace, Map<String, String> selector) {
    Object spec = policy.body().get("spec");
    if (!(spec instanceof Map<?, ?> m)) {
      return false;
    }
    if (!egress) {
      return matchLabelsEqual(m.get("endpointSelector"), namespace, selector);
    }
    Object rules = m.get("egress");
    if (!(rules instanceof List<?> list)) {
      return false;
    }
    for (Object r : list) {
      if (r instanceof Map<?, ?> rule && rule.get("toEndpoints") instanceof List<?> eps) {
        for (Object ep : eps) {
          if (matchLabelsEqual(ep, namespace, selector)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean matchLabelsEqual(
      Object selector, String namespace, Map<String, String> wanted) {
    if (!(selector instanceof Map<?, ?> s) || !(s.get("matchLabels") instanceof Map<?, ?> ml)) {
      return false;
    }
    Map<Object, Object> labels = new HashMap<>(ml);
    Object ns = labels.remove("io.kubernetes.pod.namespace");
    labels.remove("k8s:io.kubernetes.pod.namespace");
    return (ns == null || namespace.equals(ns))
        && new HashMap<Object, Object>(wanted).entrySet().containsAll(labels.entrySet());
  }
}

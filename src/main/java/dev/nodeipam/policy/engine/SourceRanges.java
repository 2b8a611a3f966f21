package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.explanation.Note;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code loadBalancerSourceRanges} on the externalIP frontends of a LoadBalancer Service: Cilium
 * enforces them there from 1.20 only (cilium/cilium#44747, fixing #44718; {@code
 * external-ips.txtar} checks both frontends), before that they bound the LoadBalancer address
 * alone. The check restricts clients outside the cluster; an in-cluster client is not checked,
 * so no verdict nodeipam gives changes, and the flow's explanation says what the release does.
 */
final class SourceRanges {
  private SourceRanges() {}

  /** The note for a flow hitting the frontend, when it is an externalIP with source ranges. */
  static Optional<Note> note(Flow flow, ServiceTranslation.Hit hit, DatapathSettings s) {
    Service service = hit.service();
    if (hit.kind() != Translation.Frontend.EXTERNAL_IP
        || service.type() != ServiceType.LOAD_BALANCER) {
      return Optional.empty();
    }
    List<String> ranges = ranges(service);
    if (ranges.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Note.of(Note.Kind.SOURCE_RANGES_ON_EXTERNAL_IP, service.key(),
        flow.address().toCanonicalString(), String.join(", ", ranges), s.version(),
        Note.flag(s.version().atLeast(1, 20), "enforced")));
  }

  private static List<String> ranges(Service service) {
    Map<String, Object> object = service.object();
    Object spec = object == null ? null : object.get("spec");
    Object ranges = spec instanceof Map<?, ?> m ? m.get("loadBalancerSourceRanges") : null;
    List<String> out = new ArrayList<>();
    if (ranges instanceof List<?> l) {
      l.forEach(r -> out.add(String.valueOf(r)));
    }
    return out;
  }
}

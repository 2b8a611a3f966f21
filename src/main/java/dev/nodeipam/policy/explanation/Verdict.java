package dev.nodeipam.policy.explanation;

import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.settings.DatapathSettings;
import java.util.List;

/**
 * Cilium's verdict for a flow, with everything needed to explain it: the translation step, each
 * destination's identity and port, and both sides' reasoning.
 *
 * @param outcome ALLOWED when every destination allows, DENIED when none does, PARTIAL otherwise
 * @param dropReason 133 or 181 when DENIED (181 when any destination hit a deny rule), else null
 * @param readAsAddress true when the verdict was computed with the address read as itself (no
 *     translation, world/CIDR identity), the way the rules' author pictured it
 * @param notes facts about the whole flow (e.g. assumptions about the source's node)
 */
public record Verdict(
    Flow flow,
    Identity source,
    Outcome outcome,
    Integer dropReason,
    Translation translation,
    List<DestinationVerdict> destinations,
    DatapathSettings settings,
    boolean readAsAddress,
    List<String> notes) {

  public Verdict {
    destinations = List.copyOf(destinations);
    notes = List.copyOf(notes);
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOWED;
  }

  public boolean denied() {
    return outcome == Outcome.DENIED;
  }
}

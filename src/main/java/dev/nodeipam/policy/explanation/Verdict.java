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
    List<Note> notes) {

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

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .flow(flow)
        .source(source)
        .outcome(outcome)
        .dropReason(dropReason)
        .translation(translation)
        .destinations(destinations)
        .settings(settings)
        .readAsAddress(readAsAddress)
        .notes(notes);
  }

  /** Builds a {@link Verdict} component by component. */
  public static final class Builder {
    private Flow flow;
    private Identity source;
    private Outcome outcome;
    private Integer dropReason;
    private Translation translation;
    private List<DestinationVerdict> destinations = List.of();
    private DatapathSettings settings;
    private boolean readAsAddress;
    private List<Note> notes = List.of();

    private Builder() {}

    public Builder flow(Flow flow) {
      this.flow = flow;
      return this;
    }

    public Builder source(Identity source) {
      this.source = source;
      return this;
    }

    public Builder outcome(Outcome outcome) {
      this.outcome = outcome;
      return this;
    }

    public Builder dropReason(Integer dropReason) {
      this.dropReason = dropReason;
      return this;
    }

    public Builder translation(Translation translation) {
      this.translation = translation;
      return this;
    }

    public Builder destinations(List<DestinationVerdict> destinations) {
      this.destinations = destinations;
      return this;
    }

    public Builder settings(DatapathSettings settings) {
      this.settings = settings;
      return this;
    }

    public Builder readAsAddress(boolean readAsAddress) {
      this.readAsAddress = readAsAddress;
      return this;
    }

    public Builder notes(List<Note> notes) {
      this.notes = notes;
      return this;
    }

    public Verdict build() {
      return new Verdict(
          flow,
          source,
          outcome,
          dropReason,
          translation,
          destinations,
          settings,
          readAsAddress,
          notes);
    }
  }
}

package dev.nodeipam.policy.explanation;

import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Rejection;
import java.util.List;

/**
 * The verdict of one side of a flow: the sender's egress or the receiver's ingress.
 *
 * @param enforced false when no Cilium endpoint policy applies on this side (the peer is world, a
 *     node, or a hostNetwork pod; or {@code enable-policy=never})
 * @param dropReason 133 or 181 when denied, else null
 * @param defaultDenyBy the policies that put this direction in default deny
 * @param allowedBy the policies with an allow entry matching the flow
 * @param deniedBy the policies with a deny entry matching the flow
 * @param matches the entries that matched (deny and allow), for the explanation
 * @param notMatching the selecting policies whose entries for this direction did not match, and why
 * @param notModelled constructs of the selecting policies the engine does not evaluate
 * @param rejected the policies that would select the endpoint but the agent rejects: none of them
 *     is enforced (section 9 of the policy model)
 * @param reason one sentence on why the side decided as it did
 */
public record SideVerdict(
    Direction direction,
    boolean enforced,
    Outcome outcome,
    Integer dropReason,
    boolean defaultDeny,
    List<PolicyRef> defaultDenyBy,
    List<PolicyRef> allowedBy,
    List<PolicyRef> deniedBy,
    List<Match> matches,
    List<NotMatching> notMatching,
    List<String> notModelled,
    List<Rejection> rejected,
    String reason) {

  public SideVerdict {
    defaultDenyBy = List.copyOf(defaultDenyBy);
    allowedBy = List.copyOf(allowedBy);
    deniedBy = List.copyOf(deniedBy);
    matches = List.copyOf(matches);
    notMatching = List.copyOf(notMatching);
    notModelled = List.copyOf(notModelled);
    rejected = List.copyOf(rejected);
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOWED;
  }

  /** A side where no policy is enforced. */
  public static SideVerdict notEnforced(Direction d, String reason) {
    return new SideVerdict(
        d,
        false,
        Outcome.ALLOWED,
        null,
        false,
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        List.of(),
        reason);
  }

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .direction(direction)
        .enforced(enforced)
        .outcome(outcome)
        .dropReason(dropReason)
        .defaultDeny(defaultDeny)
        .defaultDenyBy(defaultDenyBy)
        .allowedBy(allowedBy)
        .deniedBy(deniedBy)
        .matches(matches)
        .notMatching(notMatching)
        .notModelled(notModelled)
        .rejected(rejected)
        .reason(reason);
  }

  /** Builds a {@link SideVerdict} component by component. */
  public static final class Builder {
    private Direction direction;
    private boolean enforced;
    private Outcome outcome;
    private Integer dropReason;
    private boolean defaultDeny;
    private List<PolicyRef> defaultDenyBy = List.of();
    private List<PolicyRef> allowedBy = List.of();
    private List<PolicyRef> deniedBy = List.of();
    private List<Match> matches = List.of();
    private List<NotMatching> notMatching = List.of();
    private List<String> notModelled = List.of();
    private List<Rejection> rejected = List.of();
    private String reason;

    private Builder() {}

    public Builder direction(Direction direction) {
      this.direction = direction;
      return this;
    }

    public Builder enforced(boolean enforced) {
      this.enforced = enforced;
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

    public Builder defaultDeny(boolean defaultDeny) {
      this.defaultDeny = defaultDeny;
      return this;
    }

    public Builder defaultDenyBy(List<PolicyRef> defaultDenyBy) {
      this.defaultDenyBy = defaultDenyBy;
      return this;
    }

    public Builder allowedBy(List<PolicyRef> allowedBy) {
      this.allowedBy = allowedBy;
      return this;
    }

    public Builder deniedBy(List<PolicyRef> deniedBy) {
      this.deniedBy = deniedBy;
      return this;
    }

    public Builder matches(List<Match> matches) {
      this.matches = matches;
      return this;
    }

    public Builder notMatching(List<NotMatching> notMatching) {
      this.notMatching = notMatching;
      return this;
    }

    public Builder notModelled(List<String> notModelled) {
      this.notModelled = notModelled;
      return this;
    }

    public Builder rejected(List<Rejection> rejected) {
      this.rejected = rejected;
      return this;
    }

    public Builder reason(String reason) {
      this.reason = reason;
      return this;
    }

    public SideVerdict build() {
      return new SideVerdict(
          direction,
          enforced,
          outcome,
          dropReason,
          defaultDeny,
          defaultDenyBy,
          allowedBy,
          deniedBy,
          matches,
          notMatching,
          notModelled,
          rejected,
          reason);
    }
  }
}

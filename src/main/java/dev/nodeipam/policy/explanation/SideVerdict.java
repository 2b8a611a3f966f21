package dev.nodeipam.policy.explanation;

import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.PolicyRef;
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
    String reason) {

  public SideVerdict {
    defaultDenyBy = List.copyOf(defaultDenyBy);
    allowedBy = List.copyOf(allowedBy);
    deniedBy = List.copyOf(deniedBy);
    matches = List.copyOf(matches);
    notMatching = List.copyOf(notMatching);
    notModelled = List.copyOf(notModelled);
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
        reason);
  }
}

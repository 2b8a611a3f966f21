package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The identity trap of one flow, as section 6 of the policy model defines it: the one definition
 * {@code trace}, {@code audit}, {@code diff} and {@code migrate} share. {@link TrapSearch} is the
 * audit's faster path to the same answer over a whole cluster; a property holds it equal to this.
 *
 * <p>A flow is trapped on the egress side when a CIDR/world allow of the sender covers the
 * address read as itself, the rules allow it read so, and Cilium's verdict denies the sender's
 * egress to a destination it really judges (the backends once translated, or the node or pod the
 * address is). It is trapped on the ingress side when a backend admits CIDR/world sources and
 * drops the client as it arrives. Active: denied under the given settings; latent: allowed now and
 * denied once the address is translated.
 *
 * @param sides the trapped sides, egress first; empty when the flow is not trapped
 */
public record IdentityTrap(List<Side> sides) {
  /** Not trapped. */
  public static final IdentityTrap NONE = new IdentityTrap(List.of());

  /** Why no additive companion policy can clear a trapped side. */
  public enum NoCompanion {
    /** A deny rule drops the flow: Cilium judges deny before allow, so no allow can win. */
    DENY_RULE
  }

  /**
   * One trapped side of the flow.
   *
   * @param direction EGRESS: the sender's CIDR/world allow no longer matches; INGRESS: the
   *     backend admits only CIDR/world sources
   * @param active denied under the given settings now (false: once translated)
   * @param denyRule whether a deny rule dropped the flow at a trapped destination
   */
  public record Side(Direction direction, boolean active, boolean denyRule) {
    /** Whether an additive companion policy clears this side. */
    public boolean companionFixes() {
      return !denyRule;
    }

    /** Why no companion clears this side; empty when one does. */
    public Optional<NoCompanion> noCompanion() {
      return denyRule ? Optional.of(NoCompanion.DENY_RULE) : Optional.empty();
    }
  }

  public IdentityTrap {
    sides = List.copyOf(sides);
  }

  public boolean trapped() {
    return !sides.isEmpty();
  }

  /** Whether some side is trapped under the given settings now. */
  public boolean active() {
    return sides.stream().anyMatch(Side::active);
  }

  /** Whether a companion policy clears every trapped side. */
  public boolean companionFixes() {
    return sides.stream().allMatch(Side::companionFixes);
  }

  public Optional<Side> side(Direction direction) {
    return sides.stream().filter(s -> s.direction() == direction).findFirst();
  }

  /**
   * The settings under which every frontend is translated: the given ones with kube-proxy
   * replacement and socket load-balancing in the host namespace only (per-packet translation at
   * the pod). A trap judged under them is what the flow becomes once its address is translated.
   */
  public static DatapathSettings translating(PolicyEngine engine, Map<String, String> overrides) {
    Map<String, String> translate = new HashMap<>(overrides);
    translate.put(DatapathSettings.KPR, "true");
    translate.put(DatapathSettings.HOSTNS_ONLY, "true");
    return engine.settings(translate);
  }

  /**
   * The definition, with the engine's full verdicts.
   *
   * @param now the settings the flow is judged under
   * @param translating {@link #translating} of the same overrides
   */
  public static IdentityTrap of(
      PolicyEngine engine, Flow flow, DatapathSettings now, DatapathSettings translating) {
    Identity src = engine.identityOf(flow.source(), now);
    Identity world = engine.worldIdentity(flow.address(), now);
    boolean readsAllowed =
        engine.allowEntriesCovering(src, Direction.EGRESS, flow.port(), flow.protocol(),
                List.of(), now).stream()
            .anyMatch(e -> e.entry().peers().stream()
                .anyMatch(p -> WorldPeer.admits(p, world, now)));
    Verdict once = engine.verdict(flow, translating);
    boolean backendAdmitsWorld = once.translation().translated()
        && once.destinations().stream()
            .anyMatch(d -> admitsWorld(engine, d, flow.protocol(), now));
    if ((!readsAllowed && !backendAdmitsWorld) || !engine.allowsAsAddress(flow, now)) {
      return NONE;
    }
    Verdict v = engine.verdict(flow, now);
    List<DestinationVerdict> dests;
    List<DestinationVerdict> later = List.of();
    boolean active;
    if (v.translation().translated()) {
      dests = v.destinations();
      active = true;
    } else {
      if (once.translation().translated()) {
        later = once.destinations();
      }
      if (!v.allowed()) {
        dests = v.destinations();
        active = true;
      } else if (once.translation().translated()) {
        dests = later;
        later = List.of();
        active = false;
      } else {
        return NONE;
      }
    }
    List<Side> sides = new ArrayList<>();
    List<DestinationVerdict> egressDenied =
        dests.stream().filter(d -> !d.egress().allowed()).toList();
    boolean egressActive = active;
    if (egressDenied.isEmpty()) {
      // Denied now on the receiver's side only: the sender's own rule still breaks once the
      // address is translated, latent behind the receiver's drop (a companion for the receiver
      // alone would uncover it).
      egressDenied = later.stream().filter(d -> !d.egress().allowed()).toList();
      egressActive = false;
    }
    if (readsAllowed && !egressDenied.isEmpty()) {
      sides.add(new Side(Direction.EGRESS, egressActive,
          egressDenied.stream().anyMatch(d -> denied(d.egress().dropReason()))));
    }
    if (backendAdmitsWorld) {
      List<DestinationVerdict> nowDenied =
          dests.stream().filter(d -> receiverDrops(engine, d, flow.protocol(), now)).toList();
      List<DestinationVerdict> thenDenied =
          later.stream().filter(d -> receiverDrops(engine, d, flow.protocol(), now)).toList();
      if (!nowDenied.isEmpty() || !thenDenied.isEmpty()) {
        boolean denyRule = nowDenied.stream().anyMatch(d -> denied(d.ingress().dropReason()))
            || thenDenied.stream().anyMatch(d -> denied(d.ingress().dropReason()));
        sides.add(new Side(Direction.INGRESS, !nowDenied.isEmpty() && active, denyRule));
      }
    }
    return sides.isEmpty() ? NONE : new IdentityTrap(sides);
  }

  private static boolean denied(Integer dropReason) {
    return dropReason != null && dropReason == DropReason.POLICY_DENY;
  }

  /**
   * A receiver drops the client while admitting CIDR/world sources. A backend the next hop
   * delivered an untranslated address to counts only when the flow arrives as the client itself:
   * masqueraded, it arrives as a node, and no rule about the client's identity was broken.
   */
  private static boolean receiverDrops(
      PolicyEngine engine, DestinationVerdict d, Protocol p, DatapathSettings now) {
    return d.identity().isPod() && !d.ingress().allowed() && admitsWorld(engine, d, p, now)
        && (d.delivery() == null || !d.delivery().arrivingSource().isNode());
  }

  /** Whether the backend's ingress, as installed under {@code now}, admits world sources. */
  private static boolean admitsWorld(
      PolicyEngine engine, DestinationVerdict d, Protocol p, DatapathSettings now) {
    return d.identity().isPod()
        && engine.allowEntriesCovering(d.identity(), Direction.INGRESS, d.port(), p,
                d.identity().pod().ports(), now).stream()
            .anyMatch(e -> WorldPeer.anyAdmitsSome(e.entry().peers(), now));
  }
}

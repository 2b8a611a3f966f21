package dev.nodeipam.audit;

import static dev.nodeipam.audit.TrapSearchMatchesDefinitionPropertyTest.key;
import static dev.nodeipam.testing.Theories.qt;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.audit.TrapSearchMatchesDefinitionPropertyTest.Client;
import dev.nodeipam.audit.TrapSearchMatchesDefinitionPropertyTest.Shape;
import dev.nodeipam.diff.Diff;
import dev.nodeipam.diff.Item;
import dev.nodeipam.diff.ItemType;
import dev.nodeipam.diff.Locator;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.render.TraceRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.testing.Coverage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * One definition of the identity trap ({@link IdentityTrap}) behind every command. Over the trap
 * search's generated clusters (egress allows by CIDR and world, and by peers that admit world
 * otherwise: negative-only selectors, the entity all, a rule without peers; egress and ingress
 * deny rules, backends admitting world or not, every datapath setting of the examples), for every
 * flow from a
 * pod to a published Service address and port:
 *
 * <ul>
 *   <li>{@code trace}'s {@code identityTrap} is true exactly for the flows {@code audit} reports
 *       an active trap for;
 *   <li>{@code audit}'s findings, {@code diff}'s introduced traps (from the same cluster without
 *       its policies; per address, whose items list their pods: the grouped items are held to
 *       these by {@code GroupedDiffPropertyTest}) and the definition are the same set of (source, address, port, direction,
 *       active or latent);
 *   <li>a companion is offered ({@code diff}'s item, {@code trace}'s Fix) exactly for the traps
 *       it clears: those no deny rule drops. Once every companion the audit writes is applied,
 *       the traps left are exactly the deny-rule ones.
 * </ul>
 */
class OneTrapDefinitionPropertyTest {

  @Test
  void traceAuditAndDiffShareOneTrapDefinition() {
    Coverage coverage = new Coverage("traceAuditAndDiffShareOneTrapDefinition");
    qt(120, 100)
        .forAll(TrapSearchMatchesDefinitionPropertyTest.shapes())
        .checkAssert(
            shape -> {
              ClusterSnapshot cluster = TrapSearchMatchesDefinitionPropertyTest.build(shape);
              Map<String, String> overrides = Clusters.settings(
                  TrapSearchMatchesDefinitionPropertyTest.SETTINGS[shape.settings()]);
              Definition definition = definition(cluster, overrides);
              AuditReport report = Audit.run(cluster, overrides, AuditOptions.defaults());
              Set<String> audited = new TreeSet<>();
              Set<String> auditedActive = new TreeSet<>();
              for (Finding f : Clusters.traps(report)) {
                audited.add(key(f.source(), f.address(), f.port(), f.direction(), f.active()));
                if (f.active()) {
                  auditedActive.add(f.source() + " " + f.address() + ":" + f.port());
                }
              }
              assertThat(audited).as("audit").isEqualTo(definition.traps());
              assertThat(definition.traceTrapped()).as("trace identityTrap")
                  .isEqualTo(auditedActive);
              Diff diff = diff(withoutPolicies(shape), cluster, overrides);
              Set<String> introduced = new TreeSet<>();
              Set<String> offered = new TreeSet<>();
              for (Item i : diff.of(ItemType.TRAP_INTRODUCED)) {
                for (String source : i.sources()) {
                  String k = key(source, i.address(), i.port(), i.direction(), i.active());
                  introduced.add(k);
                  if (i.companion() != null) {
                    offered.add(k);
                  }
                }
              }
              assertThat(introduced).as("diff").isEqualTo(definition.traps());
              assertThat(offered).as("companions offered").isEqualTo(definition.fixable());
              Set<String> left = new TreeSet<>();
              AuditReport after = Audit.run(
                  Clusters.withCompanions(cluster, report), overrides, AuditOptions.defaults());
              for (Finding f : Clusters.traps(after)) {
                left.add(key(f.source(), f.address(), f.port(), f.direction(), f.active()));
              }
              Set<String> denied = new TreeSet<>(definition.traps());
              denied.removeAll(definition.fixable());
              assertThat(left).as("left once the companions apply").isEqualTo(denied);
              coverage.sample();
              coverage.count("has traps", !audited.isEmpty());
              coverage.count("deny-rule trap", !denied.isEmpty());
              for (String kind : TrapSearchMatchesDefinitionPropertyTest.KINDS) {
                coverage.count(kind, audited.stream().anyMatch(k -> k.endsWith(kind)));
              }
              for (String side : List.of("egress", "ingress")) {
                coverage.count("deny-rule " + side,
                    denied.stream().anyMatch(k -> k.contains(" " + side + " ")));
              }
              coverage.count("trap by a peer admitting world, egress",
                  worldAdmittingEgressTrapped(shape, audited));
              coverage.count("trap by a peer admitting world, ingress",
                  shape.webIngress() >= 5
                      && audited.stream().anyMatch(k -> k.contains(" ingress ")));
            });
    // Not vacuous: traps of every kind, deny-rule ones on both sides, occur in several samples.
    coverage.requireShare("has traps", 0.5).requireShare("deny-rule trap", 0.05)
        .requireShare("deny-rule egress", 0.02).requireShare("deny-rule ingress", 0.02)
        .requireShare("trap by a peer admitting world, egress", 0.05)
        .requireShare("trap by a peer admitting world, ingress", 0.05);
    for (String kind : TrapSearchMatchesDefinitionPropertyTest.KINDS) {
      coverage.requireShare(kind, 0.015);
    }
    coverage.print();
  }

  /**
   * Whether a client whose only allow admitting world is a negative-only selector, the entity
   * all or a rule without peers is trapped on its egress side.
   */
  private static boolean worldAdmittingEgressTrapped(Shape shape, Set<String> audited) {
    for (int i = 0; i < shape.clients().size(); i++) {
      String prefix = "app/client-" + i + "-";
      if (shape.clients().get(i).egress() >= 10 && shape.clients().get(i).egress() <= 12
          && audited.stream().anyMatch(k -> k.startsWith(prefix) && k.contains(" egress "))) {
        return true;
      }
    }
    return false;
  }

  /**
   * What the definition says of every flow, and what {@code trace} renders for it.
   *
   * @param traps every trapped side, keyed as the audit's findings
   * @param fixable the sides a companion clears
   * @param traceTrapped {@code source address:port} of the flows whose trace document says
   *     {@code identityTrap: true}
   */
  record Definition(Set<String> traps, Set<String> fixable, Set<String> traceTrapped) {}

  private static Definition definition(ClusterSnapshot cluster, Map<String, String> overrides) {
    Clusters.PublishedFlows published = Clusters.publishedFlows(cluster, overrides);
    PolicyEngine engine = published.engine();
    Definition out = new Definition(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
    for (Flow flow : published.flows()) {
      Pod p = flow.source();
      String address = flow.address().toCanonicalString();
      IdentityTrap trap = published.trap(flow);
      // What `trace --from p --to address:port -o json` renders for the flow.
      Verdict verdict = engine.verdict(flow, published.now());
      Verdict asAddress = engine.verdictAsAddress(flow, published.now());
      boolean traced = Boolean.TRUE.equals(
          TraceRenderer.document(verdict, asAddress, trap, null).get("identityTrap"));
      if (traced) {
        out.traceTrapped().add(p.key() + " " + address + ":" + flow.port());
      }
      // The text offers the companion `nodeipam audit` writes only where one clears the trap.
      assertThat(TraceRenderer.text(verdict, asAddress, trap, null))
          .as("trace text of %s -> %s:%s", p.key(), address, flow.port())
          .satisfies(text -> assertThat(text.contains("`nodeipam audit` writes it"))
              .isEqualTo(traced && trap.companionFixes()));
      for (IdentityTrap.Side side : trap.sides()) {
        String k = key(p.key(), address, flow.port(),
            side.direction() == Direction.EGRESS ? "egress" : "ingress", side.active());
        out.traps().add(k);
        if (side.companionFixes()) {
          out.fixable().add(k);
        }
      }
    }
    return out;
  }

  /** The same cluster with no policy: nothing in it can be trapped. */
  private static ClusterSnapshot withoutPolicies(Shape s) {
    List<Client> clients = s.clients().stream()
        .map(c -> new Client(0, c.replicas(), c.node())).toList();
    return TrapSearchMatchesDefinitionPropertyTest.build(new Shape(s.webAddresses(),
        s.apiFrontend(), 0, s.hostNetworkApi(), clients, s.settings()));
  }

  private static Diff diff(ClusterSnapshot before, ClusterSnapshot after,
      Map<String, String> overrides) {
    return StateDiff.run(new StateDiff.State("before", before, Locator.NONE),
        new StateDiff.State("after", after, Locator.NONE),
        new StateDiff.Settings(overrides, AuditOptions.defaults(), Granularity.ADDRESS));
  }
}

package dev.nodeipam.audit;

import static org.quicktheories.generators.Generate.booleans;
import static org.quicktheories.generators.Generate.range;

import dev.nodeipam.audit.TrapSearchMatchesDefinitionPropertyTest.Client;
import dev.nodeipam.audit.TrapSearchMatchesDefinitionPropertyTest.Shape;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.quicktheories.core.Gen;

/**
 * Before and after states for the diff's properties, from the trap search's generated clusters
 * ({@link TrapSearchMatchesDefinitionPropertyTest#shapes()}): the after state is the before state
 * with one part of a second shape taken over (the clients' egress policies, the web Service's
 * addresses, the api Service's frontend, the backends' ingress), or all of it, pods included.
 */
public final class TrapShapePairs {
  /** What the after state takes from the second shape. */
  public enum Change {
    EGRESS_POLICIES,
    WEB_ADDRESSES,
    API_FRONTEND,
    BACKEND_INGRESS,
    ALL_BUT_PODS,
    EVERYTHING
  }

  /**
   * A change to diff.
   *
   * @param overrides the datapath settings both states are judged under
   */
  public record Pair(
      Change change, ClusterSnapshot before, ClusterSnapshot after,
      Map<String, String> overrides) {
    @Override
    public String toString() {
      return change.name();
    }

    /** Whether the clusters run on three nodes (two otherwise). */
    public boolean threeNodes() {
      return before.nodes().size() == 3;
    }
  }

  private TrapShapePairs() {}

  public static Gen<Pair> pairs() {
    Gen<Shape> shapes = TrapSearchMatchesDefinitionPropertyTest.shapes();
    // Three nodes as often as two: with two, a client off an address's node runs on the one
    // other node, and what the backends read of a client's node is never told apart.
    return shapes.zip(shapes, range(0, Change.values().length - 1), booleans(),
        (s, t, c, thirdNode) -> {
          Change change = Change.values()[c];
          Shape after = changed(s, t, change);
          return new Pair(change, TrapSearchMatchesDefinitionPropertyTest.build(s, thirdNode),
              TrapSearchMatchesDefinitionPropertyTest.build(after, thirdNode), Clusters.settings(
                  TrapSearchMatchesDefinitionPropertyTest.SETTINGS[s.settings()]));
        });
  }

  private static Shape changed(Shape s, Shape t, Change change) {
    // The same pods (clients, replicas, nodes) unless everything changes.
    List<Client> clients = new ArrayList<>();
    for (int i = 0; i < s.clients().size(); i++) {
      Client c = s.clients().get(i);
      int egress = change == Change.EGRESS_POLICIES || change == Change.ALL_BUT_PODS
          ? t.clients().get(i % t.clients().size()).egress() : c.egress();
      clients.add(new Client(egress, c.replicas(), c.node()));
    }
    boolean all = change == Change.ALL_BUT_PODS;
    return switch (change) {
      case EVERYTHING -> new Shape(t.webAddresses(), t.apiFrontend(), t.webIngress(),
          t.hostNetworkApi(), t.clients(), s.settings());
      default -> new Shape(
          all || change == Change.WEB_ADDRESSES ? t.webAddresses() : s.webAddresses(),
          all || change == Change.API_FRONTEND ? t.apiFrontend() : s.apiFrontend(),
          all || change == Change.BACKEND_INGRESS ? t.webIngress() : s.webIngress(),
          s.hostNetworkApi(), clients, s.settings());
    };
  }
}

package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Peer;
import dev.nodeipam.policy.settings.DatapathSettings;

/**
 * Whether an endpoint peer selects an identity, as Cilium's selector cache decides it: the selector
 * is matched against the labels of every identity, reserved ones included ({@code reserved:host},
 * {@code reserved:world}, ...; {@code pkg/identity/numericidentity.go}), never against pods only.
 * A {@code NotIn} or {@code DoesNotExist} requirement is true where the key is absent, so a
 * selector the agent gave no positive namespace term selects world, host, remote-node and the
 * other reserved identities too. The terms the agent adds by release and settings ({@link
 * Peer.AddedTerms}) are applied here.
 */
final class EndpointSelection {
  private EndpointSelection() {}

  static boolean selects(Peer.Endpoints e, Identity id, DatapathSettings s) {
    return e.selector().matches(id.labels()) && addedTermMissed(e, id, s) == null;
  }

  /**
   * The term the agent added that the identity lacks ({@code key=value}), when that term alone
   * keeps the peer off the identity; else null.
   */
  static String addedTermMissed(Peer.Endpoints e, Identity id, DatapathSettings s) {
    String ns = e.terms().namespaceBefore118();
    if (ns != null && !s.version().atLeast(1, 18)
        && !ns.equals(id.labels().get(Identities.NAMESPACE))) {
      return Identities.NAMESPACE + "=" + ns;
    }
    if (e.terms().cluster() && s.policyDefaultLocalCluster()
        && !s.clusterName().equals(id.labels().get(Identities.CLUSTER))) {
      return Identities.CLUSTER + "=" + s.clusterName();
    }
    return null;
  }

  /**
   * Why the peer does not select the identity, in words.
   *
   * @param who the identity's role in the flow, for the sentence
   */
  static String whyNot(Peer.Endpoints e, Identity id, DatapathSettings s, String who) {
    if (e.selector().matches(id.labels())) {
      String term = addedTermMissed(e, id, s);
      if (term != null && term.startsWith(Identities.CLUSTER)) {
        return e.text() + " does not select " + id.describe() + ": policy-default-local-cluster"
            + " adds " + term + " (Cilium 1.18+, default from 1.19, cilium/cilium#40609)"
            + (id.isPod() ? "" : " and " + id.name() + " carries no cluster label");
      }
      return e.text() + " does not select " + id.describe() + ": Cilium " + s.version()
          + " adds " + term + " to a CNP peer selecting by namespace labels (not from 1.18)";
    }
    // Without a reserved: key, a selector that misses a reserved identity requires a label only
    // pods carry (reserved identities have reserved: labels alone).
    return !id.isPod() && !e.selectsReserved()
        ? e.text() + " selects pods only (it requires a label " + id.name() + " lacks); " + who
        : e.text() + " does not select " + id.describe();
  }
}

package dev.nodeipam.audit;

import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.render.text.TranslationText;
import dev.nodeipam.snapshot.Service;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The explanations of trapped flows, in words a platform engineer can act on. */
final class Messages {
  private Messages() {}

  static String egress(
      ServiceAddress sa, Service.ServicePort sp, Protocol protocol,
      List<PolicyEngine.AllowEntry> allows, Translation used, Translation now,
      List<DestinationVerdict> denied, int destinations, boolean active, DatapathSettings s) {
    StringBuilder m = new StringBuilder();
    m.append(written(allows, s)).append(" read as the address ").append(target(sa, sp, protocol))
        .append(". ");
    if (active) {
      m.append(capital(TranslationText.sentence(used.reason()))).append(". ");
    } else {
      m.append("Allowed now (").append(TranslationText.sentence(now.reason()))
          .append("); once Cilium translates the address")
          .append(" (per-packet load balancing at the pod, e.g. bpf-lb-sock-hostns-only=true as")
          .append(" Istio sets, or kube-proxy-replacement=true for a LoadBalancer or Node IPAM")
          .append(" address),")
          .append(" it would be denied. ");
    }
    m.append("Policy sees ").append(seen(denied))
        .append(denied.size() < destinations ? " (" + denied.size() + " of " + destinations
            + " backend identities)" : "")
        .append(": ").append(sideWhy(denied.get(0).egress()));
    m.append(active ? " -> DENIED" : " -> would be DENIED");
    Integer drop = denied.get(0).egress().dropReason();
    if (drop != null) {
      m.append(" (").append(DropReason.text(drop)).append(", ").append(drop).append(")");
    }
    m.append(", and Cilium logs no policy verdict for the CIDR rule.");
    if (denied.stream().anyMatch(d -> Integer.valueOf(DropReason.POLICY_DENY)
        .equals(d.egress().dropReason()))) {
      m.append(" A deny rule matches the backend: no additive companion policy can fix this.");
    }
    return m.toString();
  }

  static String ingress(
      ServiceAddress sa, Service.ServicePort sp, Protocol protocol,
      List<PolicyEngine.AllowEntry> admits, Translation used, List<DestinationVerdict> denied,
      boolean active, DatapathSettings s) {
    StringBuilder m = new StringBuilder();
    m.append("The backend ").append(seen(denied)).append(" admits port ")
        .append(denied.get(0).port())
        .append(" only from CIDR/world sources (").append(peers(admits, s)).append(").");
    if (active) {
      m.append(" ").append(capital(TranslationText.sentence(used.reason())))
          .append(", so the backend sees the client as its")
          .append(" pod identity, not a world address: ");
    } else {
      m.append(" Allowed now: the traffic leaves the pod for the address and comes back as world;")
          .append(" once Cilium translates the address, the backend sees the client as its pod")
          .append(" identity: ");
    }
    m.append(sideWhy(denied.get(0).ingress()))
        .append(active ? " -> DENIED." : " -> would be DENIED.");
    return m.toString();
  }

  /** "NetworkPolicy a/b (ipBlock 0.0.0.0/0) allows it" style text. */
  private static String written(List<PolicyEngine.AllowEntry> allows, DatapathSettings s) {
    Set<PolicyRef> policies = new LinkedHashSet<>();
    allows.forEach(a -> policies.add(a.policy()));
    return String.join(", ", policies.stream().map(PolicyRef::label).toList()) + " ("
        + peers(allows, s) + ") allow" + (policies.size() == 1 ? "s" : "") + " it";
  }

  /** The peers of the entries that admit world: why each entry is one a trap can break. */
  private static String peers(List<PolicyEngine.AllowEntry> entries, DatapathSettings s) {
    Set<String> texts = new LinkedHashSet<>();
    for (PolicyEngine.AllowEntry a : entries) {
      a.entry().peers().stream().filter(p -> WorldPeer.admitsSome(p, s))
          .forEach(p -> texts.add(p.text()));
    }
    return String.join(", ", texts);
  }

  private static String target(ServiceAddress sa, Service.ServicePort sp, Protocol protocol) {
    return sa.hostText() + ":" + sp.port() + "/" + protocol + " (" + sa.frontend() + " of "
        + sa.service().key() + ")";
  }

  private static String seen(List<DestinationVerdict> ds) {
    DestinationVerdict d = ds.get(0);
    // Node verdicts are shared by every address of the node: name the node, not one address.
    String who = d.identity().isNode()
        ? d.identity().name() + " (a node's address)"
        : d.identity().describe();
    return who + " on port " + d.port();
  }

  private static String sideWhy(SideVerdict side) {
    if (!side.notMatching().isEmpty() && side.deniedBy().isEmpty()) {
      return side.notMatching().get(0).policy().label() + ": " + side.notMatching().get(0).why();
    }
    return side.reason();
  }

  private static String capital(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}

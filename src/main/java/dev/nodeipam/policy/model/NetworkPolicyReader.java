package dev.nodeipam.policy.model;

import dev.nodeipam.labels.Requirement;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes NetworkPolicy as Cilium translates it: the subject is {@code podSelector} in the
 * policy's namespace; peers are pod selectors (pinned to the namespace), namespace selectors (over
 * {@code io.cilium.k8s.namespace.labels.*}) or ipBlocks (world only); {@code policyTypes} decides
 * default deny, and a direction not listed there is ignored as the API says.
 */
final class NetworkPolicyReader {
  private final PolicyRef policy;
  private final Raw raw;
  private final SelectorReader selectors;
  private final PortReader ports;
  private final CidrReader cidrs;

  NetworkPolicyReader(PolicyRef policy) {
    this.policy = policy;
    this.raw = new Raw(policy);
    this.selectors = new SelectorReader(raw);
    this.ports = new PortReader(raw);
    this.cidrs = new CidrReader(raw);
  }

  Rule read(Map<String, Object> body) {
    String ns = policy.namespace() == null ? "default" : policy.namespace();
    Map<String, Object> spec = raw.map(body.get("spec"), "spec");
    List<Requirement> subject =
        SelectorReader.pinned(
            selectors.requirements(spec.get("podSelector"), "spec.podSelector", ""), ns);
    List<Object> ingress = raw.list(spec.get("ingress"), "spec.ingress");
    List<Object> egress = raw.list(spec.get("egress"), "spec.egress");
    Set<Direction> types = EnumSet.noneOf(Direction.class);
    List<Object> listed = raw.list(spec.get("policyTypes"), "spec.policyTypes");
    // The API server defaults policyTypes when the list is empty, not only when it is missing:
    // SetDefaults_NetworkPolicy tests len(PolicyTypes) == 0 (pkg/apis/networking/v1/defaults.go).
    if (!listed.isEmpty()) {
      for (int i = 0; i < listed.size(); i++) {
        String t = raw.string(listed.get(i), "spec.policyTypes[" + i + "]");
        switch (t) {
          case "Ingress" -> types.add(Direction.INGRESS);
          case "Egress" -> types.add(Direction.EGRESS);
          default ->
              throw raw.bad(
                  "spec.policyTypes[" + i + "]", "\"" + t + "\" is not Ingress or Egress");
        }
      }
    } else {
      // The API server's default: Ingress always, Egress when the policy has egress rules.
      types.add(Direction.INGRESS);
      if (!egress.isEmpty()) {
        types.add(Direction.EGRESS);
      }
    }
    // Cilium's ParseNetworkPolicy (pkg/k8s/network_policy.go) converts spec.ingress and
    // spec.egress whatever policyTypes says, and a direction with converted entries is in default
    // deny (cilium/cilium#48703; the fix, cilium/cilium#48708, is not merged in any release read).
    Map<Direction, List<RuleEntry>> allow = new EnumMap<>(Direction.class);
    List<String> notes = new ArrayList<>();
    allow.put(Direction.INGRESS, entries(ingress, "spec.ingress", "from", ns));
    allow.put(Direction.EGRESS, entries(egress, "spec.egress", "to", ns));
    if (!types.contains(Direction.INGRESS) && !ingress.isEmpty()) {
      types.add(Direction.INGRESS);
      notes.add("spec.ingress is enforced although policyTypes does not list Ingress: Cilium"
          + " converts it regardless (cilium/cilium#48703)");
    }
    if (!types.contains(Direction.EGRESS) && !egress.isEmpty()) {
      types.add(Direction.EGRESS);
      notes.add("spec.egress is enforced although policyTypes does not list Egress: Cilium"
          + " converts it regardless (cilium/cilium#48703)");
    }
    return new Rule(
        policy, "spec", ns, selectors.selector(subject), true, allow, Map.of(), types, notes);
  }

  private List<RuleEntry> entries(List<Object> rules, String path, String peerField, String ns) {
    List<RuleEntry> out = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      String at = path + "[" + i + "]";
      Map<String, Object> rule = raw.map(rules.get(i), at);
      List<Object> peersRaw = raw.list(rule.get(peerField), at + "." + peerField);
      List<Peer> peers = new ArrayList<>();
      if (peersRaw.isEmpty()) {
        peers.add(new Peer.Anyone("no " + peerField + ": (every peer)"));
      }
      for (int j = 0; j < peersRaw.size(); j++) {
        peers.add(
            peer(
                raw.map(peersRaw.get(j), at + "." + peerField + "[" + j + "]"),
                at + "." + peerField + "[" + j + "]",
                ns));
      }
      List<PortMatch> portMatches = new ArrayList<>();
      List<Object> portsRaw = raw.list(rule.get("ports"), at + ".ports");
      for (int j = 0; j < portsRaw.size(); j++) {
        portMatches.add(ports.networkPolicyPort(portsRaw.get(j), at + ".ports[" + j + "]"));
      }
      out.add(new RuleEntry(peers, portMatches, portsRaw.isEmpty(), List.of(), at));
    }
    return out;
  }

  private Peer peer(Map<String, Object> p, String at, String ns) {
    boolean hasPods = p.containsKey("podSelector") && p.get("podSelector") != null;
    boolean hasNamespaces =
        p.containsKey("namespaceSelector") && p.get("namespaceSelector") != null;
    Object block = p.get("ipBlock");
    if (block != null) {
      if (hasPods || hasNamespaces) {
        throw raw.bad(at, "ipBlock cannot be combined with podSelector or namespaceSelector");
      }
      Map<String, Object> b = raw.map(block, at + ".ipBlock");
      IPAddress cidr = cidrs.cidr(b.get("cidr"), at + ".ipBlock.cidr", false);
      List<IPAddress> except = cidrs.except(b.get("except"), cidr, at + ".ipBlock.except");
      String text =
          "ipBlock "
              + cidr
              + (except.isEmpty()
                  ? ""
                  : " except " + except.stream().map(Object::toString).toList());
      return new Peer.Cidr(cidr, except, text);
    }
    if (!hasPods && !hasNamespaces) {
      throw raw.bad(at, "a peer needs podSelector, namespaceSelector or ipBlock");
    }
    List<Requirement> pods =
        hasPods ? selectors.requirements(p.get("podSelector"), at + ".podSelector", "") : List.of();
    List<Requirement> all = new ArrayList<>(pods);
    String text;
    if (hasNamespaces) {
      List<Requirement> namespaces =
          selectors.requirements(
              p.get("namespaceSelector"),
              at + ".namespaceSelector",
              SelectorReader.NAMESPACE_LABEL_PREFIX);
      all.addAll(namespaces);
      // Only an empty namespaceSelector gets "namespace Exists" (parseNetworkPolicyPeer in
      // pkg/k8s/network_policy.go): one with only NotIn/DoesNotExist also matches identities
      // without namespace labels, world and host included (cilium/cilium#46949).
      if (namespaces.isEmpty()) {
        all.add(
            new Requirement(SelectorReader.NAMESPACE_KEY, Requirement.Operator.EXISTS, Set.of()));
      }
      text =
          "namespaceSelector "
              + SelectorReader.text(namespaces).replace(SelectorReader.NAMESPACE_LABEL_PREFIX, "")
              + (hasPods ? " podSelector " + SelectorReader.text(pods) : "");
    } else {
      all = SelectorReader.pinned(all, ns);
      text = "podSelector " + SelectorReader.text(pods) + " (namespace " + ns + ")";
    }
    // The cluster term of policy-default-local-cluster goes on every pod and namespace selector
    // that names no cluster (isPodSelectorSelectingCluster).
    boolean cluster = pods.stream().noneMatch(r -> r.key().equals(SelectorReader.CLUSTER_KEY));
    return new Peer.Endpoints(selectors.selector(all), false, text,
        new Peer.AddedTerms(null, cluster));
  }
}

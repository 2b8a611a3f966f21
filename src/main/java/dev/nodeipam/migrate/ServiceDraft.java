package dev.nodeipam.migrate;

import dev.nodeipam.ipam.AddressPolicy;
import dev.nodeipam.ipam.ExclusionReason;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.migrate.PlanWarning.Kind;
import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The draft of one Service's migration: which addresses its nodes own, the grouping that
 * reproduces them, and the Service objects of the after-state (in place, or split into new
 * Services beside the old one). The node labels the drafts choose are collected here, for the
 * after-state. Not thread-safe: one per plan.
 */
final class ServiceDraft {
  private final ClusterSnapshot before;
  private final MigrationPlanner.Options options;
  private final NodeIpamOptions ipam;
  private final AddressIndex index;
  private final LabelChoice labels;
  private final Set<String> plannedKeys = new HashSet<>();
  private final Map<String, Map<String, String>> labelsToAdd = new TreeMap<>();
  private final Map<String, Set<String>> takenNames = new HashMap<>();

  ServiceDraft(ClusterSnapshot before, MigrationPlanner.Options options, NodeIpamOptions ipam) {
    this.before = before;
    this.options = options;
    this.ipam = ipam;
    this.index = new AddressIndex(before.nodes());
    this.labels = new LabelChoice(before.nodes());
    before.services().forEach(s -> names(s.namespace()).add(s.name()));
  }

  /** The labels the drafts add, node by node. */
  Map<String, Map<String, String>> labelsToAdd() {
    return labelsToAdd;
  }

  ServiceMigration draft(Service s) {
    List<PlanWarning> warnings = new ArrayList<>();
    List<String> old = MigrationPlanner.distinctByValue(s.externalIps());
    if (s.type() == ServiceType.EXTERNAL_NAME) {
      warnings.add(PlanWarning.of(Kind.EXTERNAL_NAME));
      return notMigratable(s, old, warnings);
    }
    if (s.clusterIps().contains("None")) {
      warnings.add(PlanWarning.of(Kind.HEADLESS));
      return notMigratable(s, old, warnings);
    }
    if (before.nodes().isEmpty()) {
      // A tree without its nodes: the command says so once (MissingNodes), not per Service.
      return notMigratable(s, old, warnings);
    }
    List<Grouping.Address> addresses = new ArrayList<>();
    List<String> unowned = new ArrayList<>();
    for (String text : old) {
      int family = IpText.family(text);
      if (family == 0) {
        warnings.add(PlanWarning.of(Kind.NOT_AN_ADDRESS, text));
        unowned.add(text);
        continue;
      }
      List<AddressIndex.Owner> owners = index.owners(IpText.canonical(text));
      if (owners.isEmpty()) {
        unowned.add(text);
        continue;
      }
      Map<String, Node> nodes = new TreeMap<>();
      owners.forEach(o -> nodes.put(o.node().name(), o.node()));
      boolean external = owners.stream().anyMatch(AddressIndex.Owner::external);
      addresses.add(new Grouping.Address(text, family, external, List.copyOf(nodes.values())));
    }
    if (!unowned.isEmpty()) {
      warnings.add(PlanWarning.withList(Kind.UNOWNED, unowned));
      return notMigratable(s, unowned, warnings);
    }
    for (Grouping.Address a : addresses) {
      for (Node n : a.owners()) {
        ExclusionReason reason = NodeEligibility.exclusion(n, ipam);
        if (reason != null) {
          warnings.add(PlanWarning.of(Kind.NODE_EXCLUDED, n.name(), a.text(), reason.text()));
        }
      }
    }
    Grouping grouping = new Grouping(addresses, (members, policy) -> publish(s, members, policy));
    return build(s, old, choose(grouping, warnings), warnings);
  }

  /**
   * The best grouping Cilium's Node IPAM honours; with {@code --nodeipam-annotations}, nodeipam's
   * own address-policy annotation when only that reproduces the addresses.
   */
  private Grouping.Choice choose(Grouping grouping, List<PlanWarning> warnings) {
    Grouping.Choice cilium = grouping.best(Grouping.CILIUM_ONLY);
    Grouping.Choice choice = cilium;
    if (!cilium.proof().exact()) {
      Grouping.Choice annotated = grouping.best(Grouping.WITH_ANNOTATION);
      if (annotated.proof().exact() && annotated.usesAnnotations()) {
        String how = annotationAdvice(annotated);
        if (options.nodeipamAnnotations()) {
          choice = annotated;
          warnings.add(PlanWarning.withList(Kind.ANNOTATION_USED,
              cilium.blocks().stream().flatMap(b -> b.published().stream()).toList(), how));
        } else {
          warnings.add(PlanWarning.of(Kind.ANNOTATION_WOULD, how));
        }
      }
    }
    return choice;
  }

  private static String annotationAdvice(Grouping.Choice choice) {
    Set<String> values = new TreeSet<>();
    choice.blocks().stream()
        .filter(b -> b.policy() != null)
        .forEach(b -> values.add(b.policy().text()));
    return "annotation " + ServiceAnnotations.ADDRESS_POLICY + ": " + String.join("/", values);
  }

  private ServiceMigration notMigratable(
      Service s, List<String> lost, List<PlanWarning> warnings) {
    return new ServiceMigration(
        s, false, List.of(), List.of(), List.of(), lost, warnings, List.of());
  }

  /** What Node IPAM publishes for a LoadBalancer whose selector picks exactly the owners. */
  private List<String> publish(Service s, List<Grouping.Address> members, AddressPolicy policy) {
    Map<String, Node> owners = new TreeMap<>();
    Set<Integer> families = new LinkedHashSet<>();
    for (Grouping.Address a : members) {
      a.owners().forEach(n -> owners.put(n.name(), n));
      families.add(a.family());
    }
    List<IpFamily> ipFamilies = orderedFamilies(families, primaryFamily(s));
    Service candidate =
        Service.builder()
            .namespace(s.namespace())
            .name(s.name())
            .annotations(baseAnnotations(s, policy))
            .type(ServiceType.LOAD_BALANCER)
            .loadBalancerClass(options.loadBalancerClass())
            .externalTrafficPolicy(etp(s))
            .ipFamilies(ipFamilies)
            .ipFamilyPolicy(familyPolicy(ipFamilies))
            .ports(s.ports())
            .selector(s.selector())
            .source(s.source())
            .build();
    IngressDecision d =
        new NodeIpam(ipam)
            .decide(
                candidate, NodePool.of(owners.values()), before.slicesOf(s.namespace(), s.name()));
    return d.ingress() == null ? List.of() : d.ingress();
  }

  private ServiceMigration build(
      Service s, List<String> old, Grouping.Choice choice, List<PlanWarning> warnings) {
    IpFamily primary = primaryFamily(s);
    List<Grouping.Block> blocks = choice.blocks();
    boolean inPlace =
        blocks.size() == 1
            && (primary == null
                || blocks.get(0).families().contains(primary.version()));
    List<PlannedService> after =
        inPlace
            ? inPlace(s, blocks.get(0), primary, warnings)
            : split(s, blocks, primary, warnings);
    if (s.type() == ServiceType.LOAD_BALANCER && !s.ingress().isEmpty()) {
      warnings.add(PlanWarning.withList(Kind.OTHER_INGRESS, s.ingressAddresses()));
    }
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (PlannedService p : after) {
      manifests.add(ServiceManifest.of(p.service(), p.allocateNodePorts()));
    }
    return new ServiceMigration(
        s, true, after, List.of(), List.of(), List.of(), warnings, manifests);
  }

  /** The old Service becomes the LoadBalancer. */
  private List<PlannedService> inPlace(
      Service s, Grouping.Block block, IpFamily primary, List<PlanWarning> warnings) {
    List<PlannedService> after = new ArrayList<>();
    NodeLabel label = label(block, s.namespace(), s.name());
    List<IpFamily> families = orderedFamilies(block.families(), primary);
    Map<String, String> annotations = baseAnnotations(s, block.policy());
    annotations.put(ServiceAnnotations.MATCH_NODE_LABELS, label.selector());
    boolean hadNodePorts =
        s.type() == ServiceType.NODE_PORT || s.type() == ServiceType.LOAD_BALANCER;
    Service svc =
        planned(s)
            .annotations(annotations)
            .type(ServiceType.LOAD_BALANCER)
            .loadBalancerClass(options.loadBalancerClass())
            .externalTrafficPolicy(etp(s))
            .ipFamilies(families)
            .ipFamilyPolicy(
                families.equals(s.ipFamilies()) && s.ipFamilyPolicy() != null
                    ? s.ipFamilyPolicy()
                    : familyPolicy(families))
            .clusterIps(clusterIpsOf(s.clusterIps(), families))
            .ports(hadNodePorts ? s.ports() : withoutNodePorts(s.ports()))
            .build();
    after.add(
        new PlannedService(
            PlannedService.IN_PLACE,
            svc,
            hadNodePorts ? null : Boolean.FALSE,
            label,
            names(block.owners()),
            null));
    familyWarnings(s, families, warnings);
    if (s.type() == ServiceType.LOAD_BALANCER
        && !options.loadBalancerClass().equals(s.loadBalancerClass())) {
      warnings.add(PlanWarning.of(Kind.CLASS_CHANGE, options.loadBalancerClass()));
    }
    return after;
  }

  /** New Services take the addresses; the old one stays without externalIPs. */
  private List<PlannedService> split(
      Service s, List<Grouping.Block> blocks, IpFamily primary, List<PlanWarning> warnings) {
    List<PlannedService> after = new ArrayList<>();
    boolean wasLoadBalancer = s.type() == ServiceType.LOAD_BALANCER;
    ServiceType keptType = wasLoadBalancer ? ServiceType.CLUSTER_IP : s.type();
    Service original =
        planned(s)
            .annotations(withoutLastApplied(s.annotations()))
            .type(keptType)
            .loadBalancerClass(null)
            .externalTrafficPolicy(
                keptType == ServiceType.CLUSTER_IP ? null : s.externalTrafficPolicy())
            .ports(keptType == ServiceType.CLUSTER_IP ? withoutNodePorts(s.ports()) : s.ports())
            .build();
    after.add(new PlannedService(PlannedService.ORIGINAL, original, null, null, List.of(), null));
    List<String> suffixes = suffixes(blocks);
    List<String> created = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Grouping.Block block = blocks.get(i);
      String name = Names.serviceName(s.name(), suffixes.get(i), names(s.namespace()));
      names(s.namespace()).add(name);
      created.add(name);
      NodeLabel label = label(block, s.namespace(), name);
      List<IpFamily> families = orderedFamilies(block.families(), primary);
      Map<String, String> annotations = baseAnnotations(s, block.policy());
      annotations.put(ServiceAnnotations.MATCH_NODE_LABELS, label.selector());
      annotations.put(MigrationPlanner.MIGRATED_FROM, s.key());
      Service svc =
          planned(s)
              .name(name)
              .annotations(annotations)
              .type(ServiceType.LOAD_BALANCER)
              .loadBalancerClass(options.loadBalancerClass())
              .externalTrafficPolicy(etp(s))
              .ipFamilies(families)
              .ipFamilyPolicy(familyPolicy(families))
              .clusterIps(List.of())
              .ports(withoutNodePorts(s.ports()))
              .build();
      after.add(
          new PlannedService(
              PlannedService.NEW, svc, Boolean.FALSE, label, names(block.owners()), null));
    }
    warnings.add(PlanWarning.withList(Kind.SPLIT,
        created.stream().map(n -> s.namespace() + "/" + n).toList(), s.key(),
        blocks.size() == 1 ? String.valueOf(primary) : "",
        wasLoadBalancer ? "ClusterIP" : ""));
    return after;
  }


  private NodeLabel label(Grouping.Block block, String namespace, String service) {
    Set<String> wanted = new TreeSet<>(names(block.owners()));
    NodeLabel label = labels.choose(wanted, namespace, service, plannedKeys);
    if (!label.existing()) {
      plannedKeys.add(label.key());
      for (String node : wanted) {
        labelsToAdd.computeIfAbsent(node, k -> new TreeMap<>()).put(label.key(), label.value());
      }
    }
    return label;
  }

  private static void familyWarnings(
      Service s, List<IpFamily> families, List<PlanWarning> warnings) {
    List<IpFamily> old = s.ipFamilies();
    if (old.size() > families.size()) {
      warnings.add(PlanWarning.of(
          Kind.SINGLE_STACK, String.valueOf(families.get(0)), String.valueOf(old.get(1))));
    } else if (old.size() < families.size()) {
      warnings.add(PlanWarning.withList(Kind.DUAL_STACK, IpFamily.wireNames(families),
          String.valueOf(families.get(1))));
    }
  }

  /** Block name suffixes: the family and address type that set the block apart. */
  private static List<String> suffixes(List<Grouping.Block> blocks) {
    List<String> out = new ArrayList<>();
    for (Grouping.Block b : blocks) {
      List<String> parts = new ArrayList<>();
      if (b.families().size() == 1) {
        parts.add(b.families().contains(4) ? "v4" : "v6");
      }
      boolean allExternal = b.addresses().stream().allMatch(Grouping.Address::external);
      boolean allInternal = b.addresses().stream().noneMatch(Grouping.Address::external);
      boolean kindsDiffer =
          blocks.stream().anyMatch(o -> o != b && o.families().equals(b.families()));
      if (kindsDiffer && (allExternal || allInternal)) {
        parts.add(allExternal ? "external" : "internal");
      }
      out.add(String.join("-", parts));
    }
    if (out.stream().anyMatch(String::isEmpty) || new HashSet<>(out).size() != out.size()) {
      out.clear();
      for (int i = 1; i <= blocks.size(); i++) {
        out.add("lb" + i);
      }
    }
    return out;
  }


  private Set<String> names(String namespace) {
    return takenNames.computeIfAbsent(namespace, k -> new HashSet<>());
  }

  private static List<String> names(List<Node> nodes) {
    return nodes.stream().map(Node::name).sorted().toList();
  }

  private static Map<String, String> baseAnnotations(Service s, AddressPolicy policy) {
    Map<String, String> a = withoutLastApplied(s.annotations());
    a.remove(ServiceAnnotations.MATCH_NODE_LABELS);
    a.remove(ServiceAnnotations.ADDRESS_POLICY);
    a.remove(MigrationPlanner.MIGRATED_FROM);
    if (policy != null) {
      a.put(ServiceAnnotations.ADDRESS_POLICY, policy.text());
    }
    return a;
  }

  private static Map<String, String> withoutLastApplied(Map<String, String> annotations) {
    Map<String, String> a = new TreeMap<>(annotations);
    a.remove(MigrationPlanner.LAST_APPLIED);
    return a;
  }

  private static TrafficPolicy etp(Service s) {
    return s.externalTrafficPolicy() == null ? TrafficPolicy.CLUSTER : s.externalTrafficPolicy();
  }

  private static IpFamily primaryFamily(Service s) {
    return s.ipFamilies().isEmpty() ? null : s.ipFamilies().get(0);
  }

  /** The families of the addresses, the Service's primary family first (it cannot change). */
  static List<IpFamily> orderedFamilies(Set<Integer> families, IpFamily primary) {
    List<IpFamily> out = new ArrayList<>();
    if (primary != null && families.contains(primary.version())) {
      out.add(primary);
    }
    for (int f : new int[] {4, 6}) {
      IpFamily name = IpFamily.ofVersion(f);
      if (families.contains(f) && !out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  private static IpFamilyPolicy familyPolicy(List<IpFamily> families) {
    return families.size() == 2 ? IpFamilyPolicy.REQUIRE_DUAL_STACK : IpFamilyPolicy.SINGLE_STACK;
  }

  private static List<String> clusterIpsOf(List<String> clusterIps, List<IpFamily> families) {
    List<String> out = new ArrayList<>();
    for (String ip : clusterIps) {
      int f = IpText.family(ip);
      if (f != 0 && families.contains(IpFamily.ofVersion(f))) {
        out.add(ip);
      }
    }
    return out;
  }

  private static List<Service.ServicePort> withoutNodePorts(List<Service.ServicePort> ports) {
    return ports.stream()
        .map(p -> new Service.ServicePort(p.name(), p.protocol(), p.port(), p.targetPort(), null))
        .toList();
  }

  /**
   * A Service the plan writes, starting from every field of the old one: without externalIPs and
   * status, not being deleted.
   */
  private static Service.Builder planned(Service s) {
    return s.toBuilder()
        .externalIps(List.of())
        .ingress(List.of())
        .deleting(false)
        .source(MigrationPlanner.PLANNED);
  }
}

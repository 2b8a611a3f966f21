package dev.nodeipam.migrate;

import dev.nodeipam.ipam.AddressPolicy;
import dev.nodeipam.ipam.ExclusionReason;
import dev.nodeipam.ipam.IngressDecision;
import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.ipam.NodePool;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.ipam.ServiceOwnership;
import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans the move of every Service that uses {@code spec.externalIPs} to a Node IPAM LoadBalancer,
 * and proves the plan: the after-state (labels on the nodes, the new Service objects in place of
 * the old) goes through the same Node IPAM core as {@code nodeipam plan}, and what it publishes is
 * compared with the old addresses by value. Pure: snapshot in, plan out.
 */
public final class MigrationPlanner {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** On Services the plan creates: the Service whose addresses they took over. */
  public static final String MIGRATED_FROM = "nodeipam.dev/migrated-from";

  /** The source of the Services the plan writes. */
  static final String PLANNED = "nodeipam migrate";

  /**
   * @param loadBalancerClass the class of the new LoadBalancers
   * @param services {@code namespace/name} of the Services to migrate; empty = every one
   * @param nodeipamAnnotations let the plan use nodeipam's own {@code nodeipam.dev/address-policy}
   *     annotation when no Cilium-compatible grouping reproduces the old addresses (only nodeipam's
   *     controller honours it)
   * @param namespaces the namespaces whose Services are migrated ({@code -n}); empty = every one
   */
  public record Options(
      String loadBalancerClass,
      List<String> services,
      boolean nodeipamAnnotations,
      Set<String> namespaces) {
    public Options {
      services = List.copyOf(services);
      namespaces = Set.copyOf(namespaces);
    }

    public Options(String loadBalancerClass, List<String> services, boolean nodeipamAnnotations) {
      this(loadBalancerClass, services, nodeipamAnnotations, Set.of());
    }

    public static Options defaults() {
      return new Options(NodeIpamOptions.DEFAULT_CLASS, List.of(), false);
    }
  }

  private final ClusterSnapshot before;
  private final Options options;
  private final NodeIpamOptions ipam;
  private final AddressIndex index;
  private final LabelChoice labels;
  private final Set<String> plannedKeys = new HashSet<>();
  private final Map<String, Map<String, String>> labelsToAdd = new TreeMap<>();
  private final Map<String, Set<String>> takenNames = new HashMap<>();

  private MigrationPlanner(ClusterSnapshot before, Options options) {
    this.before = before;
    this.options = options;
    this.ipam = NodeIpamOptions.reference().withLoadBalancerClass(options.loadBalancerClass());
    this.index = new AddressIndex(before.nodes());
    this.labels = new LabelChoice(before.nodes());
    before.services().forEach(s -> names(s.namespace()).add(s.name()));
  }

  /** The plan for the snapshot; the audit runs on the after-state, the steps are written last. */
  public static MigrationPlan plan(
      ClusterSnapshot before, Options options, AfterStateAudit audit, CommandText text) {
    return new MigrationPlanner(before, options).run(audit, text);
  }

  /** The Services the plan looks at: those with externalIPs, sorted, filtered by the options. */
  public static List<Service> candidates(ClusterSnapshot snapshot, Options options) {
    List<String> only = options.services();
    Set<String> namespaces = options.namespaces();
    List<Service> out = new ArrayList<>();
    for (Service s : snapshot.services()) {
      if (!s.externalIps().isEmpty()
          && (only.isEmpty() || only.contains(s.key()))
          && (namespaces.isEmpty() || namespaces.contains(s.namespace()))) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing(Service::namespace).thenComparing(Service::name));
    return out;
  }

  private MigrationPlan run(AfterStateAudit audit, CommandText text) {
    List<ServiceMigration> drafts = new ArrayList<>();
    for (Service s : candidates(before, options)) {
      drafts.add(draft(s));
    }
    ClusterSnapshot after = afterState(drafts);
    // The proof: the Node IPAM core, exactly as ClusterPlan runs it, on the after-state's nodes and
    // slices, for every Service the plan writes.
    NodeIpam core = new NodeIpam(ipam);
    NodePool afterPool = NodePool.of(after.nodes());
    Map<String, IngressDecision> decisions = new HashMap<>();
    for (ServiceMigration d : drafts) {
      for (PlannedService p : d.after()) {
        Service s = p.service();
        decisions.put(s.key(), core.decide(s, afterPool, after.slicesOf(s.namespace(), s.name())));
      }
    }
    List<ServiceMigration> proven = new ArrayList<>();
    for (ServiceMigration d : drafts) {
      proven.add(d.migratable() ? prove(d, decisions) : d);
    }
    // Labels only for the Services that get steps: a refused Service must leave no trace.
    Map<String, Map<String, String>> stepped = new TreeMap<>();
    for (ServiceMigration m : proven) {
      if (!m.steppable()) {
        continue;
      }
      for (PlannedService p : m.after()) {
        if (p.label() != null && !p.label().existing()) {
          for (String node : p.nodes()) {
            boolean carries =
                before
                    .node(node)
                    .map(n -> p.label().value().equals(n.labels().get(p.label().key())))
                    .orElse(false);
            if (!carries) {
              stepped
                  .computeIfAbsent(node, k -> new TreeMap<>())
                  .put(p.label().key(), p.label().value());
            }
          }
        }
      }
    }
    List<NodeLabels> nodeLabels = new ArrayList<>();
    stepped.forEach((node, added) -> nodeLabels.add(new NodeLabels(node, added)));
    List<String> changed = new ArrayList<>();
    for (ServiceMigration m : proven) {
      if (m.steppable()) {
        m.after().forEach(p -> changed.add(p.service().key()));
      }
    }
    // The audit sees what the steps will make of the cluster: Services that get no steps stay as
    // they are there.
    ClusterSnapshot applied =
        changed.isEmpty() && proven.stream().noneMatch(ServiceMigration::migratable)
            ? after
            : afterState(proven.stream().filter(ServiceMigration::steppable).toList());
    AuditOutcome outcome = audit.audit(before, applied, changed);
    List<String> warnings = sideEffects(proven, after, afterPool);
    MigrationPlan unstepped =
        new MigrationPlan(proven, nodeLabels, outcome, List.of(), warnings, after);
    return new MigrationPlan(
        proven, nodeLabels, outcome, new StepWriter(text, ipam).steps(unstepped), warnings, after);
  }

  /**
   * Services the plan does not touch whose Node IPAM result still changes: a new node label can
   * match another Service's selector (a {@code !key} or {@code notin} one, say).
   */
  private List<String> sideEffects(
      List<ServiceMigration> proven, ClusterSnapshot after, NodePool afterPool) {
    Set<String> touched = new HashSet<>();
    for (ServiceMigration m : proven) {
      touched.add(m.before().key());
      m.after().forEach(p -> touched.add(p.service().key()));
    }
    List<String> warnings = new ArrayList<>();
    if (labelsToAdd.isEmpty()) {
      return warnings;
    }
    NodeIpam core = new NodeIpam(ipam);
    NodePool beforePool = NodePool.of(before.nodes());
    List<Node> relabelled = new ArrayList<>();
    for (String name : labelsToAdd.keySet()) {
      before.node(name).ifPresent(relabelled::add);
      after.node(name).ifPresent(relabelled::add);
    }
    List<Service> others = new ArrayList<>(before.services());
    others.sort(Comparator.comparing(Service::namespace).thenComparing(Service::name));
    for (Service s : others) {
      if (touched.contains(s.key())) {
        continue;
      }
      if (!ServiceOwnership.handles(s, ipam)) {
        continue;
      }
      // Only a Service whose selector matches a relabelled node (before or after) can change; the
      // selector is parsed once per Service, not once per node.
      LabelSelector selector;
      try {
        selector = NodeIpam.selectorOf(s);
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (relabelled.stream().noneMatch(n -> selector.matches(n.labels()))) {
        continue;
      }
      List<EndpointSlice> slices = before.slicesOf(s.namespace(), s.name());
      IngressDecision was = core.decide(s, beforePool, slices);
      IngressDecision now = core.decide(s, afterPool, slices);
      if (!java.util.Objects.equals(was.ingress(), now.ingress())) {
        warnings.add(
            "the new node labels change what Node IPAM publishes for "
                + s.key()
                + ": "
                + was.ingress()
                + " becomes "
                + now.ingress());
      }
    }
    return warnings;
  }

  // ---- one Service ----

  private ServiceMigration draft(Service s) {
    List<String> warnings = new ArrayList<>();
    List<String> old = distinctByValue(s.externalIps());
    if ("ExternalName".equals(s.type())) {
      warnings.add("an ExternalName Service cannot become a LoadBalancer; it is left as it is");
      return notMigratable(s, old, warnings);
    }
    if (s.clusterIps().contains("None")) {
      warnings.add(
          "a headless Service (clusterIP: None) cannot become a LoadBalancer; give it a ClusterIP"
              + " first (a new Service), or keep it on an address-pool LoadBalancer");
      return notMigratable(s, old, warnings);
    }
    List<Grouping.Address> addresses = new ArrayList<>();
    List<String> unowned = new ArrayList<>();
    for (String text : old) {
      int family = IpText.family(text);
      if (family == 0) {
        warnings.add("\"" + text + "\" in spec.externalIPs is not an IP address");
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
      warnings.add(
          String.join(", ", unowned)
              + (unowned.size() == 1 ? " is not an address" : " are not addresses")
              + " of any node (ExternalIP or InternalIP): Node IPAM can only publish node"
              + " addresses. Keep this Service as it is and move it to an address-pool LoadBalancer"
              + " instead (Cilium LB-IPAM with a CiliumLoadBalancerIPPool, or MetalLB)");
      return notMigratable(s, unowned, warnings);
    }
    for (Grouping.Address a : addresses) {
      for (Node n : a.owners()) {
        ExclusionReason reason = NodeEligibility.exclusion(n, ipam);
        if (reason != null) {
          warnings.add(
              "node "
                  + n.name()
                  + " owns "
                  + a.text()
                  + " but Node IPAM never uses it ("
                  + reason.text()
                  + ")");
        }
      }
    }
    Grouping grouping = new Grouping(addresses, (members, policy) -> publish(s, members, policy));
    Grouping.Choice cilium = grouping.best(Grouping.CILIUM_ONLY);
    Grouping.Choice choice = cilium;
    if (!cilium.proof().exact()) {
      Grouping.Choice annotated = grouping.best(Grouping.WITH_ANNOTATION);
      if (annotated.proof().exact() && annotated.usesAnnotations()) {
        String how = annotationAdvice(annotated);
        if (options.nodeipamAnnotations()) {
          choice = annotated;
          warnings.add(
              "uses "
                  + how
                  + ": only nodeipam's own controller honours it; Cilium's Node IPAM"
                  + " ignores it and would publish "
                  + String.join(
                      ", ",
                      cilium.blocks().stream().flatMap(b -> b.published().stream()).toList()));
        } else {
          warnings.add(
              "no Cilium-compatible grouping reproduces the old addresses; with nodeipam's own"
                  + " controller, "
                  + how
                  + " would (run with --nodeipam-annotations)");
        }
      }
    }
    return build(s, old, choice, warnings);
  }

  private static String annotationAdvice(Grouping.Choice choice) {
    Set<String> values = new TreeSet<>();
    choice.blocks().stream()
        .filter(b -> b.policy() != null)
        .forEach(b -> values.add(b.policy().text()));
    return "annotation " + ServiceAnnotations.ADDRESS_POLICY + ": " + String.join("/", values);
  }

  private ServiceMigration notMigratable(Service s, List<String> lost, List<String> warnings) {
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
    List<String> ipFamilies = orderedFamilies(families, primaryFamily(s));
    Service candidate =
        Service.builder()
            .namespace(s.namespace())
            .name(s.name())
            .annotations(baseAnnotations(s, policy))
            .type("LoadBalancer")
            .loadBalancerClass(options.loadBalancerClass())
            .externalTrafficPolicy(etp(s))
            .ipFamilies(ipFamilies)
            .ipFamilyPolicy(ipFamilies.size() == 2 ? "RequireDualStack" : "SingleStack")
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
      Service s, List<String> old, Grouping.Choice choice, List<String> warnings) {
    String primary = primaryFamily(s);
    List<Grouping.Block> blocks = choice.blocks();
    boolean inPlace =
        blocks.size() == 1
            && (primary == null
                || blocks.get(0).families().contains(primary.equals("IPv4") ? 4 : 6));
    List<PlannedService> after = new ArrayList<>();
    if (inPlace) {
      Grouping.Block block = blocks.get(0);
      NodeLabel label = label(block, s.namespace(), s.name());
      List<String> families = orderedFamilies(block.families(), primary);
      Map<String, String> annotations = baseAnnotations(s, block.policy());
      annotations.put(ServiceAnnotations.MATCH_NODE_LABELS, label.selector());
      boolean hadNodePorts = "NodePort".equals(s.type()) || "LoadBalancer".equals(s.type());
      Service svc =
          s.toBuilder()
              .annotations(annotations)
              .type("LoadBalancer")
              .loadBalancerClass(options.loadBalancerClass())
              .externalTrafficPolicy(etp(s))
              .ipFamilies(families)
              .ipFamilyPolicy(
                  families.equals(s.ipFamilies()) && s.ipFamilyPolicy() != null
                      ? s.ipFamilyPolicy()
                      : familyPolicy(families))
              .clusterIps(clusterIpsOf(s.clusterIps(), families))
              .externalIps(List.of())
              .ports(hadNodePorts ? s.ports() : withoutNodePorts(s.ports()))
              .ingress(List.of())
              .deleting(false)
              .source(PLANNED)
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
      if ("LoadBalancer".equals(s.type())
          && !options.loadBalancerClass().equals(s.loadBalancerClass())) {
        warnings.add(
            "the API server refuses to add or change spec.loadBalancerClass on a Service that is"
                + " already type LoadBalancer: the steps first make it a NodePort Service (its"
                + " node ports are kept), then a LoadBalancer of class "
                + options.loadBalancerClass()
                + "; applying the manifest straight onto the live Service would be refused");
      }
    } else {
      boolean wasLoadBalancer = "LoadBalancer".equals(s.type());
      String keptType = wasLoadBalancer ? "ClusterIP" : s.type();
      Service original =
          s.toBuilder()
              .annotations(withoutLastApplied(s.annotations()))
              .type(keptType)
              .loadBalancerClass(null)
              .externalTrafficPolicy("ClusterIP".equals(keptType) ? null : s.externalTrafficPolicy())
              .externalIps(List.of())
              .ports("ClusterIP".equals(keptType) ? withoutNodePorts(s.ports()) : s.ports())
              .ingress(List.of())
              .deleting(false)
              .source(PLANNED)
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
        List<String> families = orderedFamilies(block.families(), primary);
        Map<String, String> annotations = baseAnnotations(s, block.policy());
        annotations.put(ServiceAnnotations.MATCH_NODE_LABELS, label.selector());
        annotations.put(MIGRATED_FROM, s.key());
        Service svc =
            s.toBuilder()
                .name(name)
                .annotations(annotations)
                .type("LoadBalancer")
                .loadBalancerClass(options.loadBalancerClass())
                .externalTrafficPolicy(etp(s))
                .ipFamilies(families)
                .ipFamilyPolicy(familyPolicy(families))
                .clusterIps(List.of())
                .externalIps(List.of())
                .ports(withoutNodePorts(s.ports()))
                .ingress(List.of())
                .deleting(false)
                .source(PLANNED)
                .build();
        after.add(
            new PlannedService(
                PlannedService.NEW, svc, Boolean.FALSE, label, names(block.owners()), null));
      }
      warnings.add(
          (blocks.size() == 1
                  ? "the Service's primary family "
                      + primary
                      + " is not among the families of its addresses and cannot change:"
                  : "one Node IPAM LoadBalancer cannot publish exactly these addresses (it"
                      + " publishes every address of its nodes in its families, ExternalIPs"
                      + " before InternalIPs):")
              + " they move to "
              + (created.size() == 1 ? "a new Service " : "new Services ")
              + String.join(", ", created.stream().map(n -> s.namespace() + "/" + n).toList())
              + " with the same selector and ports; "
              + s.key()
              + " keeps serving in-cluster clients"
              + (wasLoadBalancer ? " as a ClusterIP Service" : "")
              + " without externalIPs");
    }
    if ("LoadBalancer".equals(s.type()) && !s.ingress().isEmpty()) {
      warnings.add(
          "it has status.loadBalancer.ingress "
              + s.ingressAddresses()
              + " from another LoadBalancer controller: those addresses end with the migration");
    }
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (PlannedService p : after) {
      manifests.add(ServiceManifest.of(p.service(), p.allocateNodePorts()));
    }
    return new ServiceMigration(
        s, true, after, List.of(), List.of(), List.of(), warnings, manifests);
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

  private static void familyWarnings(Service s, List<String> families, List<String> warnings) {
    List<String> old = s.ipFamilies();
    if (old.size() > families.size()) {
      warnings.add(
          "the Service becomes single-stack "
              + families.get(0)
              + " (its addresses are all "
              + families.get(0)
              + "): its "
              + old.get(1)
              + " ClusterIP is released");
    } else if (old.size() < families.size()) {
      warnings.add(
          "the Service becomes dual-stack (RequireDualStack, "
              + String.join(", ", families)
              + "): the cluster must be dual-stack; the Service gets an "
              + families.get(1)
              + " ClusterIP");
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

  // ---- after-state and proof ----

  private ClusterSnapshot afterState(List<ServiceMigration> drafts) {
    ClusterSnapshot.Builder b = ClusterSnapshot.builder();
    for (Node n : before.nodes()) {
      Map<String, String> added = labelsToAdd.get(n.name());
      if (added == null) {
        b.node(n);
      } else {
        Map<String, String> merged = new TreeMap<>(n.labels());
        merged.putAll(added);
        b.node(
            new Node(
                n.name(),
                merged,
                n.addresses(),
                n.taints(),
                n.deleting(),
                n.ready(),
                n.unschedulable(),
                n.podCidrs(),
                n.source()));
      }
    }
    Map<String, List<PlannedService>> replaced = new HashMap<>();
    for (ServiceMigration d : drafts) {
      if (d.migratable()) {
        replaced.put(d.before().key(), d.after());
      }
    }
    for (Service s : before.services()) {
      List<PlannedService> planned = replaced.get(s.key());
      if (planned == null) {
        b.service(s);
      } else {
        planned.forEach(p -> b.service(p.service()));
      }
    }
    before.endpointSlices().forEach(b::endpointSlice);
    // The EndpointSlice controller gives a new Service with the same selector the same endpoints.
    for (ServiceMigration d : drafts) {
      for (PlannedService p : d.after()) {
        if (p.role().equals(PlannedService.NEW)) {
          for (EndpointSlice e : before.slicesOf(d.before().namespace(), d.before().name())) {
            b.endpointSlice(
                new EndpointSlice(
                    e.namespace(),
                    p.service().name() + "-" + e.name(),
                    p.service().name(),
                    e.addressType(),
                    e.endpoints(),
                    e.ports(),
                    e.source()));
          }
        }
      }
    }
    before.pods().forEach(b::pod);
    before.namespaces().forEach(b::namespace);
    before.workloads().forEach(b::workload);
    before.policies().forEach(b::policy);
    before.ciliumConfig().ifPresent(b::ciliumConfig);
    before.daemonSets().forEach(b::daemonSet);
    before.ciliumConfigSource().ifPresent(b::ciliumConfigSource);
    return b.build();
  }

  private ServiceMigration prove(ServiceMigration d, Map<String, IngressDecision> decisions) {
    List<String> warnings = new ArrayList<>(d.warnings());
    List<PlannedService> after = new ArrayList<>();
    List<String> published = new ArrayList<>();
    for (PlannedService p : d.after()) {
      if (!p.publishes()) {
        after.add(p);
        continue;
      }
      IngressDecision decision = decisions.get(p.service().key());
      List<String> ingress =
          decision == null || decision.ingress() == null ? List.of() : decision.ingress();
      if (decision != null && decision.isError()) {
        warnings.add(p.service().key() + ": " + decision.error());
      }
      published.addAll(ingress);
      after.add(p.withPublished(ingress));
    }
    Proof proof = Proof.compare(distinctByValue(d.before().externalIps()), published);
    if ("Local".equals(etp(d.before()))) {
      warnings.add(localWarning(d.before(), after));
    }
    if (!proof.exact()) {
      List<String> parts = new ArrayList<>();
      if (!proof.lost().isEmpty()) {
        parts.add("no longer served: " + String.join(", ", proof.lost()));
      }
      if (!proof.added().isEmpty()) {
        parts.add("newly exposed: " + String.join(", ", proof.added()));
      }
      warnings.add("the old addresses are not reproduced exactly; " + String.join("; ", parts));
    }
    if (!proof.added().isEmpty()) {
      warnings.add(
          "no steps are written for this Service: the migration would expose addresses it never"
              + " listed. Resolve that first (move the address, or run nodeipam's controller with"
              + " --nodeipam-annotations if that reproduces it), or migrate it by hand from the"
              + " manifests");
    }
    return new ServiceMigration(
        d.before(), true, after, published, proof.added(), proof.lost(), warnings, d.manifests());
  }

  private String localWarning(Service s, List<PlannedService> after) {
    List<EndpointSlice> slices = before.slicesOf(s.namespace(), s.name());
    Set<String> withEndpoints = new TreeSet<>();
    for (EndpointSlice e : slices) {
      for (EndpointSlice.Endpoint ep : e.endpoints()) {
        if (ep.nodeName() != null && ep.isReady()) {
          withEndpoints.add(ep.nodeName());
        }
      }
    }
    Set<String> selected = new TreeSet<>();
    after.stream().filter(PlannedService::publishes).forEach(p -> selected.addAll(p.nodes()));
    Set<String> serving = new TreeSet<>(selected);
    serving.retainAll(withEndpoints);
    String now =
        slices.isEmpty()
            ? "the input has no EndpointSlices for it, so nothing is published until its pods are"
                + " ready (read the live cluster, or add its EndpointSlices to the manifests)"
            : "now "
                + (serving.isEmpty() ? "none of the selected nodes" : String.join(", ", serving));
    return "externalTrafficPolicy Local is kept: Node IPAM publishes only the addresses of selected"
        + " nodes that hold a ready endpoint of the Service ("
        + now
        + "); the list follows the"
        + " pods. With externalIPs every listed address was routed, but nodes without a local"
        + " endpoint dropped the traffic";
  }

  // ---- small helpers ----

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
    a.remove(MIGRATED_FROM);
    if (policy != null) {
      a.put(ServiceAnnotations.ADDRESS_POLICY, policy.text());
    }
    return a;
  }

  private static Map<String, String> withoutLastApplied(Map<String, String> annotations) {
    Map<String, String> a = new TreeMap<>(annotations);
    a.remove(LAST_APPLIED);
    return a;
  }

  private static String etp(Service s) {
    return s.externalTrafficPolicy() == null ? "Cluster" : s.externalTrafficPolicy();
  }

  private static String primaryFamily(Service s) {
    return s.ipFamilies().isEmpty() ? null : s.ipFamilies().get(0);
  }

  /** The families of the addresses, the Service's primary family first (it cannot change). */
  static List<String> orderedFamilies(Set<Integer> families, String primary) {
    List<String> out = new ArrayList<>();
    if (primary != null && families.contains(primary.equals("IPv4") ? 4 : 6)) {
      out.add(primary);
    }
    for (int f : new int[] {4, 6}) {
      String name = f == 4 ? "IPv4" : "IPv6";
      if (families.contains(f) && !out.contains(name)) {
        out.add(name);
      }
    }
    return out;
  }

  private static String familyPolicy(List<String> families) {
    return families.size() == 2 ? "RequireDualStack" : "SingleStack";
  }

  private static List<String> clusterIpsOf(List<String> clusterIps, List<String> families) {
    List<String> out = new ArrayList<>();
    for (String ip : clusterIps) {
      int f = IpText.family(ip);
      if (f != 0 && families.contains(f == 4 ? "IPv4" : "IPv6")) {
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

  /** The entries in their order, each address once (by value). */
  static List<String> distinctByValue(List<String> texts) {
    Map<String, String> seen = new LinkedHashMap<>();
    texts.forEach(t -> seen.putIfAbsent(Proof.valueOf(t), t));
    return List.copyOf(seen.values());
  }
}

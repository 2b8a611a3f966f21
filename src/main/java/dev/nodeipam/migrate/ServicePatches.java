package dev.nodeipam.migrate;

import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.IpFamilyPolicy;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * JSON patches (RFC 6902) that turn the live Service into its planned form and back. A patch rather
 * than an apply: it removes {@code externalIPs} whatever the object's apply history, touches
 * nothing else, and its {@code test} operations make it fail if the Service changed since it was
 * planned. The API server's rules shape them: {@code loadBalancerClass} cannot be added to a
 * Service that is already type LoadBalancer (so it passes through NodePort, which keeps its node
 * ports); changing {@code ipFamilyPolicy} to SingleStack alone releases the secondary family;
 * leaving type LoadBalancer drops the class and the node-port allocation flag by itself.
 */
final class ServicePatches {
  private ServicePatches() {}

  /**
   * One {@code kubectl patch}: a JSON patch (a list of operations), or a JSON merge patch that
   * sets single annotation keys. The merge patch exists for one case: a Service whose manifest has
   * no annotations may still have some live, and a JSON patch cannot create the map without
   * replacing it; a merge patch merges key by key (RFC 7386) and creates the map when missing.
   */
  record Patch(String type, Object body) {
    static Patch json(List<Map<String, Object>> ops) {
      return new Patch("json", ops);
    }
  }

  /** The patches, in order, that migrate the old Service in place. */
  static List<Patch> inPlace(Service old, PlannedService planned) {
    Service s = planned.service();
    List<Patch> patches = new ArrayList<>();
    // The selector annotation goes first: a LoadBalancer of the class without it would publish
    // the addresses of every node, even for a moment.
    Map<String, String> added = addedAnnotations(old.annotations(), s.annotations());
    if (old.annotations().isEmpty() && !added.isEmpty()) {
      patches.add(
          new Patch(
              "merge", Map.of("metadata", Map.of("annotations", new LinkedHashMap<>(added)))));
    }
    if (needsDetour(old, s.loadBalancerClass())) {
      patches.add(
          Patch.json(List.of(
              op("test", "/spec/externalIPs", old.externalIps()),
              op("test", "/spec/type", ServiceType.LOAD_BALANCER.wireName()),
              op("replace", "/spec/type", ServiceType.NODE_PORT.wireName()))));
    }
    List<Map<String, Object>> main = new ArrayList<>();
    main.add(op("test", "/spec/externalIPs", old.externalIps()));
    if (old.annotations().isEmpty()) {
      // Set by the merge patch above: the Service changes type only if they are in place.
      added.forEach((k, v) -> main.add(op("test", "/metadata/annotations/" + pointer(k), v)));
    }
    main.add(op("replace", "/spec/type", ServiceType.LOAD_BALANCER.wireName()));
    main.add(op("add", "/spec/loadBalancerClass", s.loadBalancerClass()));
    if (planned.allocateNodePorts() != null) {
      main.add(op("add", "/spec/allocateLoadBalancerNodePorts", planned.allocateNodePorts()));
    }
    main.add(op("remove", "/spec/externalIPs", null));
    main.addAll(
        families(old.ipFamilies(), old.ipFamilyPolicy(), s.ipFamilies(), s.ipFamilyPolicy()));
    main.add(op("add", "/spec/externalTrafficPolicy", s.externalTrafficPolicy().wireName()));
    if (!old.annotations().isEmpty()) {
      main.addAll(annotations(old.annotations(), s.annotations()));
    }
    patches.add(Patch.json(main));
    return patches;
  }

  /** The patches that give an in-place migrated Service back its old form. */
  static List<Patch> undoInPlace(Service old, PlannedService planned) {
    Service s = planned.service();
    List<Patch> patches = new ArrayList<>();
    boolean detour = needsDetour(old, s.loadBalancerClass());
    if (detour) {
      patches.add(
          Patch.json(List.of(
              op("test", "/spec/type", ServiceType.LOAD_BALANCER.wireName()),
              op("test", "/spec/loadBalancerClass", s.loadBalancerClass()),
              op("replace", "/spec/type", ServiceType.NODE_PORT.wireName()))));
    }
    List<Map<String, Object>> main = new ArrayList<>();
    if (!detour) {
      main.add(op("test", "/spec/type", ServiceType.LOAD_BALANCER.wireName()));
      main.add(op("test", "/spec/loadBalancerClass", s.loadBalancerClass()));
    }
    main.add(op("replace", "/spec/type", old.type().wireName()));
    if (detour && old.loadBalancerClass() != null) {
      main.add(op("add", "/spec/loadBalancerClass", old.loadBalancerClass()));
    }
    main.add(op("add", "/spec/externalIPs", old.externalIps()));
    main.addAll(
        families(s.ipFamilies(), s.ipFamilyPolicy(), old.ipFamilies(), old.ipFamilyPolicy()));
    if (old.externalTrafficPolicy() != null) {
      main.add(op("add", "/spec/externalTrafficPolicy", old.externalTrafficPolicy().wireName()));
    }
    main.addAll(annotations(s.annotations(), withoutLastApplied(old.annotations())));
    patches.add(Patch.json(main));
    return patches;
  }

  /** The patch that takes externalIPs off the old Service when new Services take its addresses. */
  static Patch release(Service old, Service kept) {
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(op("test", "/spec/externalIPs", old.externalIps()));
    ops.add(op("remove", "/spec/externalIPs", null));
    if (!Objects.equals(old.type(), kept.type())) {
      ops.add(op("replace", "/spec/type", kept.type().wireName()));
    }
    return Patch.json(ops);
  }

  /** The patch that gives the kept original back its externalIPs and type. */
  static Patch unrelease(Service old, Service kept) {
    List<Map<String, Object>> ops = new ArrayList<>();
    if (!Objects.equals(old.type(), kept.type())) {
      ops.add(op("test", "/spec/type", kept.type().wireName()));
      ops.add(op("replace", "/spec/type", old.type().wireName()));
      if (old.loadBalancerClass() != null) {
        ops.add(op("add", "/spec/loadBalancerClass", old.loadBalancerClass()));
      }
      if (old.externalTrafficPolicy() != null) {
        ops.add(op("add", "/spec/externalTrafficPolicy", old.externalTrafficPolicy().wireName()));
      }
    }
    ops.add(op("add", "/spec/externalIPs", old.externalIps()));
    return Patch.json(ops);
  }

  /** Whether the migration passes through NodePort. */
  static boolean detours(Service old, PlannedService planned) {
    return needsDetour(old, planned.service().loadBalancerClass());
  }

  /** An existing LoadBalancer of another (or no) class cannot take the new class directly. */
  private static boolean needsDetour(Service old, String newClass) {
    return old.type() == ServiceType.LOAD_BALANCER
        && !Objects.equals(old.loadBalancerClass(), newClass);
  }

  private static List<Map<String, Object>> families(
      List<IpFamily> from, IpFamilyPolicy fromPolicy, List<IpFamily> to, IpFamilyPolicy toPolicy) {
    List<Map<String, Object>> ops = new ArrayList<>();
    if (from.equals(to)) {
      if (toPolicy != null && toPolicy != fromPolicy) {
        ops.add(op("add", "/spec/ipFamilyPolicy", toPolicy.wireName()));
      }
      return ops;
    }
    if (to.size() < from.size()) {
      // SingleStack alone makes the API server drop the secondary family and its ClusterIP.
      ops.add(op("add", "/spec/ipFamilyPolicy", IpFamilyPolicy.SINGLE_STACK.wireName()));
      return ops;
    }
    ops.add(op("add", "/spec/ipFamilyPolicy",
        (toPolicy == null ? IpFamilyPolicy.REQUIRE_DUAL_STACK : toPolicy).wireName()));
    // The list is replaced whole: only after checking it is the one read.
    ops.add(op("test", "/spec/ipFamilies", IpFamily.wireNames(from)));
    ops.add(op("add", "/spec/ipFamilies", IpFamily.wireNames(to)));
    return ops;
  }

  /**
   * The operations that make nodeipam's annotations go from {@code from} to {@code to}, key by key.
   */
  private static List<Map<String, Object>> annotations(
      Map<String, String> from, Map<String, String> to) {
    List<Map<String, Object>> ops = new ArrayList<>();
    for (String key : OWN_KEYS) {
      if (Objects.equals(from.get(key), to.get(key))) {
        continue;
      }
      String value = to.get(key);
      if (value == null) {
        ops.add(op("test", "/metadata/annotations/" + pointer(key), from.get(key)));
        ops.add(op("remove", "/metadata/annotations/" + pointer(key), null));
      } else {
        ops.add(op("add", "/metadata/annotations/" + pointer(key), value));
      }
    }
    return ops;
  }

  private static final List<String> OWN_KEYS =
      List.of(ServiceAnnotations.MATCH_NODE_LABELS, ServiceAnnotations.ADDRESS_POLICY);

  /** The keys of nodeipam's own annotations that {@code to} sets anew. */
  private static Map<String, String> addedAnnotations(
      Map<String, String> from, Map<String, String> to) {
    Map<String, String> added = new LinkedHashMap<>();
    for (String key : OWN_KEYS) {
      if (to.get(key) != null && !Objects.equals(from.get(key), to.get(key))) {
        added.put(key, to.get(key));
      }
    }
    return added;
  }

  private static Map<String, String> withoutLastApplied(Map<String, String> annotations) {
    Map<String, String> a = new LinkedHashMap<>(annotations);
    a.remove(MigrationPlanner.LAST_APPLIED);
    return a;
  }

  /** RFC 6901: {@code ~} and {@code /} in a key are escaped. */
  static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static Map<String, Object> op(String op, String path, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("op", op);
    m.put("path", path);
    if (!op.equals("remove")) {
      m.put("value", value);
    }
    return m;
  }
}

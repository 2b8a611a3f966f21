package dev.nodeipam.migrate;

import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.snapshot.Service;
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

  /** The patches, in order, that migrate the old Service in place. */
  static List<List<Map<String, Object>>> inPlace(Service old, PlannedService planned) {
    Service s = planned.service();
    List<List<Map<String, Object>>> patches = new ArrayList<>();
    if (needsDetour(old, s.loadBalancerClass())) {
      patches.add(
          List.of(
              op("test", "/spec/externalIPs", old.externalIps()),
              op("test", "/spec/type", "LoadBalancer"),
              op("replace", "/spec/type", "NodePort")));
    }
    List<Map<String, Object>> main = new ArrayList<>();
    main.add(op("test", "/spec/externalIPs", old.externalIps()));
    main.add(op("replace", "/spec/type", "LoadBalancer"));
    main.add(op("add", "/spec/loadBalancerClass", s.loadBalancerClass()));
    if (planned.allocateNodePorts() != null) {
      main.add(op("add", "/spec/allocateLoadBalancerNodePorts", planned.allocateNodePorts()));
    }
    main.add(op("remove", "/spec/externalIPs", null));
    main.addAll(
        families(old.ipFamilies(), old.ipFamilyPolicy(), s.ipFamilies(), s.ipFamilyPolicy()));
    main.add(op("add", "/spec/externalTrafficPolicy", s.externalTrafficPolicy()));
    main.addAll(annotations(old.annotations(), s.annotations()));
    patches.add(main);
    return patches;
  }

  /** The patches that give an in-place migrated Service back its old form. */
  static List<List<Map<String, Object>>> undoInPlace(Service old, PlannedService planned) {
    Service s = planned.service();
    List<List<Map<String, Object>>> patches = new ArrayList<>();
    boolean detour = needsDetour(old, s.loadBalancerClass());
    if (detour) {
      patches.add(
          List.of(
              op("test", "/spec/loadBalancerClass", s.loadBalancerClass()),
              op("replace", "/spec/type", "NodePort")));
    }
    List<Map<String, Object>> main = new ArrayList<>();
    main.add(op("replace", "/spec/type", old.type()));
    if (detour && old.loadBalancerClass() != null) {
      main.add(op("add", "/spec/loadBalancerClass", old.loadBalancerClass()));
    }
    main.add(op("add", "/spec/externalIPs", old.externalIps()));
    main.addAll(
        families(s.ipFamilies(), s.ipFamilyPolicy(), old.ipFamilies(), old.ipFamilyPolicy()));
    if (old.externalTrafficPolicy() != null) {
      main.add(op("add", "/spec/externalTrafficPolicy", old.externalTrafficPolicy()));
    }
    main.addAll(annotations(s.annotations(), withoutLastApplied(old.annotations())));
    patches.add(main);
    return patches;
  }

  /** The patch that takes externalIPs off the old Service when new Services take its addresses. */
  static List<Map<String, Object>> release(Service old, Service kept) {
    List<Map<String, Object>> ops = new ArrayList<>();
    ops.add(op("test", "/spec/externalIPs", old.externalIps()));
    ops.add(op("remove", "/spec/externalIPs", null));
    if (!Objects.equals(old.type(), kept.type())) {
      ops.add(op("replace", "/spec/type", kept.type()));
    }
    return ops;
  }

  /** The patch that gives the kept original back its externalIPs and type. */
  static List<Map<String, Object>> unrelease(Service old, Service kept) {
    List<Map<String, Object>> ops = new ArrayList<>();
    if (!Objects.equals(old.type(), kept.type())) {
      ops.add(op("replace", "/spec/type", old.type()));
      if (old.loadBalancerClass() != null) {
        ops.add(op("add", "/spec/loadBalancerClass", old.loadBalancerClass()));
      }
      if (old.externalTrafficPolicy() != null) {
        ops.add(op("add", "/spec/externalTrafficPolicy", old.externalTrafficPolicy()));
      }
    }
    ops.add(op("add", "/spec/externalIPs", old.externalIps()));
    return ops;
  }

  /** An existing LoadBalancer of another (or no) class cannot take the new class directly. */
  private static boolean needsDetour(Service old, String newClass) {
    return "LoadBalancer".equals(old.type()) && !Objects.equals(old.loadBalancerClass(), newClass);
  }

  private static List<Map<String, Object>> families(
      List<String> from, String fromPolicy, List<String> to, String toPolicy) {
    List<Map<String, Object>> ops = new ArrayList<>();
    if (from.equals(to)) {
      if (toPolicy != null && !toPolicy.equals(fromPolicy)) {
        ops.add(op("add", "/spec/ipFamilyPolicy", toPolicy));
      }
      return ops;
    }
    if (to.size() < from.size()) {
      // SingleStack alone makes the API server drop the secondary family and its ClusterIP.
      ops.add(op("add", "/spec/ipFamilyPolicy", "SingleStack"));
      return ops;
    }
    ops.add(op("add", "/spec/ipFamilyPolicy", toPolicy == null ? "RequireDualStack" : toPolicy));
    ops.add(op("add", "/spec/ipFamilies", to));
    return ops;
  }

  /** The operations that make the annotations go from {@code from} to {@code to}, key by key. */
  private static List<Map<String, Object>> annotations(
      Map<String, String> from, Map<String, String> to) {
    List<Map<String, Object>> ops = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (String key :
        List.of(ServiceAnnotations.MATCH_NODE_LABELS, ServiceAnnotations.ADDRESS_POLICY)) {
      if (!Objects.equals(from.get(key), to.get(key))) {
        keys.add(key);
      }
    }
    boolean noneYet = from.isEmpty();
    Map<String, Object> whole = new LinkedHashMap<>();
    for (String key : keys) {
      String value = to.get(key);
      if (value == null) {
        ops.add(op("remove", "/metadata/annotations/" + pointer(key), null));
      } else if (noneYet) {
        whole.put(key, value);
      } else {
        ops.add(op("add", "/metadata/annotations/" + pointer(key), value));
      }
    }
    if (!whole.isEmpty()) {
      // A Service without annotations has no map to add a key to.
      ops.add(op("add", "/metadata/annotations", whole));
    }
    return ops;
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

package dev.nodeipam.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.longs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodeipam.ipam.ServiceAnnotations;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.render.MigrateRenderer;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.ServiceType;
import dev.nodeipam.snapshot.TrafficPolicy;
import dev.nodeipam.testing.Coverage;
import dev.nodeipam.testing.Theories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever {@code migrate} writes keeps every field of the old Service it does not mean to change.
 * Services are generated with every field set (types, both traffic policies, families and family
 * policy, session affinity and its config, source ranges, annotations, labels, named and numbered
 * ports with {@code appProtocol}, {@code publishNotReadyAddresses}, ...) on clusters whose nodes
 * own their externalIPs, and loaded as manifests are. Each manifest, each patch applied to the
 * object as read, and each after-state Service is compared with the old object field by field; the
 * fields that differ must be among the ones migration changes on purpose for that Service's role,
 * and must be exactly the ones the proof names ({@link ServiceChanges}).
 */
class MigrationFieldsKeptPropertyTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  @TempDir Path dir;

  @Test
  void everyManifestPatchAndAfterStateKeepsTheFieldsMigrationDoesNotChange() {
    Coverage coverage = new Coverage("fields kept");
    Theories.qt(150)
        .forAll(longs().all())
        .checkAssert(
            seed -> {
              coverage.sample();
              check(seed, coverage);
            });
    System.out.println(coverage.summary());
    coverage
        .requireShare("migratable", 0.5)
        .requireShare("split", 0.1)
        .requireShare("family split", 0.05)
        .requireShare("in place", 0.2)
        .requireShare("in place from LoadBalancer", 0.05)
        .requireShare("internalTrafficPolicy Local", 0.2)
        .requireShare("externalTrafficPolicy Local", 0.1)
        .requireShare("dual-stack", 0.1);
  }

  private void check(long seed, Coverage coverage) {
    Random r = new Random(seed);
    Map<String, Object> object = GeneratedService.service(r);
    ClusterSnapshot before = load(seed, GeneratedService.nodes(), object);
    MigrationPlan plan =
        MigrationPlanner.plan(
            before,
            MigrationPlanner.Options.defaults(),
            AfterStateAudit.UNAVAILABLE,
            MigrateRenderer.COMMAND_TEXT);
    ServiceMigration m = plan.services().get(0);
    Service old = m.before();
    Map<String, Object> spec = section(object, "spec");
    coverage.count("migratable", m.migratable());
    coverage.count("split", m.split());
    coverage.count(
        "family split",
        m.after().stream()
            .anyMatch(
                p -> p.role().equals(PlannedService.NEW)
                    && !p.service().ipFamilies().contains(old.ipFamilies().get(0))));
    boolean inPlace =
        m.after().stream().anyMatch(p -> p.role().equals(PlannedService.IN_PLACE));
    coverage.count("in place", inPlace);
    coverage.count("in place from LoadBalancer",
        inPlace && old.type() == ServiceType.LOAD_BALANCER);
    coverage.count("internalTrafficPolicy Local",
        old.internalTrafficPolicy() == TrafficPolicy.LOCAL);
    coverage.count("externalTrafficPolicy Local",
        old.externalTrafficPolicy() == TrafficPolicy.LOCAL);
    coverage.count("dual-stack", old.ipFamilies().size() == 2);
    if (!m.migratable()) {
      return;
    }
    Map<String, Object> read = comparable(object);
    for (int i = 0; i < m.after().size(); i++) {
      PlannedService p = m.after().get(i);
      Map<String, Object> manifest = m.manifests().get(i);
      Set<String> changed = Trees.diff(read, manifest);
      Set<String> allowed = allowed(p, old, spec);
      assertThat(changed)
          .as("manifest of %s (%s), seed %s", p.service().name(), p.role(), seed)
          .allSatisfy(path -> assertThat(allowedPath(path, allowed)).as(path).isTrue());
      assertThat(new TreeSet<>(ServiceChanges.of(old, manifest)))
          .as("the proof names what the manifest of %s changes, seed %s", p.role(), seed)
          .isEqualTo(new TreeSet<>(changed));
      afterStateKeepsFields(old, p);
    }
    for (PlannedService p : m.after()) {
      List<ServicePatches.Patch> patches =
          switch (p.role()) {
            case PlannedService.IN_PLACE -> ServicePatches.inPlace(old, p);
            case PlannedService.ORIGINAL -> List.of(ServicePatches.release(old, p.service()));
            default -> List.of();
          };
      Map<String, Object> live = Trees.copy(read);
      for (ServicePatches.Patch patch : patches) {
        live = Trees.apply(live, patch);
      }
      Set<String> allowed = allowed(p, old, spec);
      assertThat(Trees.diff(read, live))
          .as("patches of %s, seed %s", p.role(), seed)
          .allSatisfy(path -> assertThat(allowedPath(path, allowed)).as(path).isTrue());
    }
  }

  /** The typed after-state: every component migration does not mean to change is the old one. */
  private static void afterStateKeepsFields(Service old, PlannedService p) {
    Service s = p.service();
    assertThat(s.namespace()).isEqualTo(old.namespace());
    assertThat(s.labels()).isEqualTo(old.labels());
    assertThat(s.selector()).isEqualTo(old.selector());
    assertThat(s.internalTrafficPolicy()).isEqualTo(old.internalTrafficPolicy());
    assertThat(s.object()).isSameAs(old.object());
    assertThat(s.ports().stream().map(q -> q.withNodePort(null)).toList())
        .isEqualTo(old.ports().stream().map(q -> q.withNodePort(null)).toList());
    if (s.type() != ServiceType.CLUSTER_IP) {
      assertThat(s.externalTrafficPolicy()).isEqualTo(old.externalTrafficPolicy());
    }
    Map<String, String> annotations = new LinkedHashMap<>(s.annotations());
    Map<String, String> oldAnnotations = new LinkedHashMap<>(old.annotations());
    for (String own : OWN_ANNOTATIONS) {
      annotations.remove(own);
      oldAnnotations.remove(own);
    }
    oldAnnotations.remove(LAST_APPLIED);
    assertThat(annotations).isEqualTo(oldAnnotations);
  }

  private static final List<String> OWN_ANNOTATIONS =
      List.of(
          ServiceAnnotations.MATCH_NODE_LABELS,
          ServiceAnnotations.ADDRESS_POLICY,
          MigrationPlanner.MIGRATED_FROM);

  /** The fields migration changes on purpose for a Service of this role. */
  private static Set<String> allowed(PlannedService p, Service old, Map<String, Object> spec) {
    Set<String> out =
        new LinkedHashSet<>(
            List.of(
                "spec.type",
                "spec.loadBalancerClass",
                "spec.externalIPs",
                "spec.allocateLoadBalancerNodePorts",
                "spec.ipFamilies",
                "spec.ipFamilyPolicy"));
    OWN_ANNOTATIONS.forEach(a -> out.add("metadata.annotations[" + a + "]"));
    // kubectl's record of the last apply describes the old object; apply writes a new one.
    out.add("metadata.annotations[" + LAST_APPLIED + "]");
    if (p.role().equals(PlannedService.NEW)) {
      out.add("metadata.name");
      out.add("spec.healthCheckNodePort");
      out.add("spec.ports[].nodePort");
    }
    if (p.service().type() != ServiceType.LOAD_BALANCER) {
      out.addAll(
          List.of(
              "spec.externalTrafficPolicy",
              "spec.healthCheckNodePort",
              "spec.loadBalancerSourceRanges",
              "spec.loadBalancerIP",
              "spec.ports[].nodePort"));
    }
    return out;
  }

  private static boolean allowedPath(String path, Set<String> allowed) {
    return allowed.contains(path.replaceAll("\\[\\d+]", "[]"));
  }

  /**
   * The object as read, without what no manifest carries: status, the metadata the API server
   * writes and the cluster IPs it allocates.
   */
  private static Map<String, Object> comparable(Map<String, Object> object) {
    Map<String, Object> out = Trees.copy(object);
    out.remove("status");
    Map<String, Object> metadata = section(out, "metadata");
    metadata.keySet().retainAll(Set.of("name", "namespace", "labels", "annotations"));
    section(out, "spec").remove("clusterIP");
    section(out, "spec").remove("clusterIPs");
    return out;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> section(Map<String, Object> object, String key) {
    Object v = object.get(key);
    return v instanceof Map<?, ?> ? (Map<String, Object>) v : new LinkedHashMap<>();
  }

  private ClusterSnapshot load(long seed, List<Map<String, Object>> nodes, Map<String, Object> s) {
    try {
      Path sample = Files.createDirectories(dir.resolve(Long.toHexString(seed)));
      List<Object> items = new ArrayList<>(nodes);
      items.add(s);
      Map<String, Object> list = new LinkedHashMap<>();
      list.put("apiVersion", "v1");
      list.put("kind", "List");
      list.put("items", items);
      Files.writeString(sample.resolve("cluster.json"), JSON.writeValueAsString(list));
      return ManifestLoader.load(List.of(sample));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Plain JSON trees: a copy, a field-by-field difference, and RFC 6902/7386 patches. */
  static final class Trees {
    private Trees() {}

    @SuppressWarnings("unchecked")
    static <T> T copy(T value) {
      if (value instanceof Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
        return (T) out;
      }
      if (value instanceof List<?> l) {
        List<Object> out = new ArrayList<>();
        l.forEach(v -> out.add(copy(v)));
        return (T) out;
      }
      return value;
    }

    /** The paths whose values differ, numbers compared by value. */
    static Set<String> diff(Object a, Object b) {
      Set<String> out = new TreeSet<>();
      diff("", a, b, out);
      return out;
    }

    private static void diff(String path, Object a, Object b, Set<String> out) {
      a = a == null && b instanceof Map ? Map.of() : a;
      b = b == null && a instanceof Map ? Map.of() : b;
      if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
        Set<Object> keys = new LinkedHashSet<>(ma.keySet());
        keys.addAll(mb.keySet());
        boolean bracket =
            path.endsWith("annotations") || path.endsWith("labels") || path.endsWith("selector");
        for (Object k : keys) {
          String child = bracket ? path + "[" + k + "]" : (path.isEmpty() ? "" : path + ".") + k;
          diff(child, ma.get(k), mb.get(k), out);
        }
      } else if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()
          && la.stream().allMatch(e -> e instanceof Map)) {
        for (int i = 0; i < la.size(); i++) {
          diff(path + "[" + i + "]", la.get(i), lb.get(i), out);
        }
      } else if (!sameValue(a, b)) {
        out.add(path);
      }
    }

    private static boolean sameValue(Object a, Object b) {
      if (a instanceof Number x && b instanceof Number y) {
        return x.longValue() == y.longValue();
      }
      if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()) {
        for (int i = 0; i < la.size(); i++) {
          if (!sameValue(la.get(i), lb.get(i))) {
            return false;
          }
        }
        return true;
      }
      return Objects.equals(a, b);
    }

    /** The tree after the patch; a failing {@code test} operation fails the property. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> apply(Map<String, Object> tree, ServicePatches.Patch patch) {
      Map<String, Object> out = copy(tree);
      if (patch.type().equals("merge")) {
        merge(out, (Map<String, Object>) patch.body());
        return out;
      }
      for (Map<String, Object> op : (List<Map<String, Object>>) patch.body()) {
        String[] parts = ((String) op.get("path")).substring(1).split("/");
        Map<String, Object> parent = out;
        for (int i = 0; i < parts.length - 1; i++) {
          parent = (Map<String, Object>) parent.get(unescape(parts[i]));
        }
        String key = unescape(parts[parts.length - 1]);
        switch ((String) op.get("op")) {
          case "test" ->
              assertThat(sameValue(parent.get(key), op.get("value")))
                  .as("test %s: %s", op.get("path"), parent.get(key))
                  .isTrue();
          case "remove" -> {
            assertThat(parent).as("remove %s", op.get("path")).containsKey(key);
            parent.remove(key);
          }
          case "replace" -> {
            assertThat(parent).as("replace %s", op.get("path")).containsKey(key);
            parent.put(key, copy(op.get("value")));
          }
          default -> parent.put(key, copy(op.get("value")));
        }
      }
      return out;
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> target, Map<String, Object> patch) {
      patch.forEach(
          (k, v) -> {
            if (v == null) {
              target.remove(k);
            } else if (v instanceof Map<?, ?> m && target.get(k) instanceof Map<?, ?>) {
              merge((Map<String, Object>) target.get(k), (Map<String, Object>) m);
            } else {
              target.put(k, copy(v));
            }
          });
    }

    private static String unescape(String token) {
      return token.replace("~1", "/").replace("~0", "~");
    }
  }
}

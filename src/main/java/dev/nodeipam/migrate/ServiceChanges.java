package dev.nodeipam.migrate;

import dev.nodeipam.snapshot.Service;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a manifest the plan writes changes in the Service it comes from, as field paths ({@code
 * metadata.name}, {@code spec.type}, {@code spec.ports[0].nodePort}, {@code
 * metadata.annotations[nodeipam.dev/match-node-labels]}): the proof names them, so "the addresses
 * are preserved" never reads as "the Service is unchanged". Both sides are written by {@link
 * ServiceManifest}, so fields the manifest never carries (cluster IPs, status) are not listed.
 */
public final class ServiceChanges {
  private ServiceChanges() {}

  /** The paths whose value differs between the old Service's manifest and {@code manifest}. */
  public static List<String> of(Service before, Map<String, Object> manifest) {
    Set<String> out = new LinkedHashSet<>();
    diff("", ServiceManifest.of(before, null), manifest, out);
    return List.copyOf(out);
  }

  private static void diff(String path, Object a, Object b, Set<String> out) {
    if (Objects.equals(a, b)) {
      return;
    }
    // A map one side lacks is empty there: its keys are named one by one.
    a = a == null && b instanceof Map ? Map.of() : a;
    b = b == null && a instanceof Map ? Map.of() : b;
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      Set<Object> keys = new LinkedHashSet<>(ma.keySet());
      keys.addAll(mb.keySet());
      boolean bracket = path.endsWith("annotations") || path.endsWith("labels")
          || path.endsWith("selector");
      for (Object k : keys) {
        String child = bracket ? path + "[" + k + "]" : (path.isEmpty() ? "" : path + ".") + k;
        diff(child, ma.get(k), mb.get(k), out);
      }
      return;
    }
    if (a instanceof List<?> la && b instanceof List<?> lb && la.size() == lb.size()
        && la.stream().allMatch(e -> e instanceof Map)) {
      for (int i = 0; i < la.size(); i++) {
        diff(path + "[" + i + "]", la.get(i), lb.get(i), out);
      }
      return;
    }
    out.add(path);
  }
}

package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.settings.CiliumVersion;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which pod labels are identity labels: the agent's default label filter ({@code
 * pkg/labelsfilter/filter.go}, {@code defaultLabelPrefixCfg} and {@code filterLabels}), applied
 * before a security identity is computed. A label it drops is in no identity, so a selector on it
 * matches no pod, as a peer or as a policy's subject (cilium/cilium#18878).
 *
 * <p>Each pattern is a regular expression that must match at the start of the key; the longest
 * matching inclusion wins over the shortest matching exclusion, and with the built-in list alone
 * (no user inclusion) a label no exclusion matches is kept. The exclusions grew: 1.15 added the
 * StatefulSet pod name, pod index and Job completion index (cilium/cilium#28003, #28897), 1.16 the
 * Job controller UIDs (cilium/cilium#31964). {@code job-name} is excluded in no release.
 */
public final class IdentityLabels {
  private record Prefix(Pattern pattern, CiliumVersion since) {
    /** The matched length at the start of the key, 0 when it does not match there. */
    int match(String key, CiliumVersion v) {
      if (!v.atLeast(since.major(), since.minor())) {
        return 0;
      }
      Matcher m = pattern.matcher(key);
      return m.lookingAt() ? Math.max(1, m.end()) : 0;
    }
  }

  private static final CiliumVersion V14 = new CiliumVersion(1, 14, -1);
  private static final CiliumVersion V15 = new CiliumVersion(1, 15, -1);
  private static final CiliumVersion V16 = new CiliumVersion(1, 16, -1);

  private static final List<Prefix> INCLUDE =
      List.of(
          prefix("reserved:.*", V14),
          prefix("io\\.kubernetes\\.pod\\.namespace", V14),
          prefix("io\\.cilium\\.k8s\\.namespace\\.labels", V14),
          prefix("app\\.kubernetes\\.io", V14));

  private static final List<Prefix> EXCLUDE =
      List.of(
          prefix("io\\.kubernetes", V14),
          prefix("kubernetes\\.io", V14),
          prefix(".*beta\\.kubernetes\\.io", V14),
          prefix("k8s\\.io", V14),
          prefix("pod-template-generation", V14),
          prefix("pod-template-hash", V14),
          prefix("controller-revision-hash", V14),
          prefix("annotation.*", V14),
          prefix("etcd_node", V14),
          prefix("statefulset\\.kubernetes\\.io/pod-name", V15),
          prefix("apps\\.kubernetes\\.io/pod-index", V15),
          prefix("batch\\.kubernetes\\.io/job-completion-index", V15),
          prefix("batch\\.kubernetes\\.io/controller-uid", V16),
          prefix("controller-uid", V16));

  private IdentityLabels() {}

  private static Prefix prefix(String regex, CiliumVersion since) {
    return new Prefix(Pattern.compile(regex), since);
  }

  /** Whether the agent of release {@code v} keeps a label with this key in the identity. */
  public static boolean isIdentityLabel(String key, CiliumVersion v) {
    int included = 0;
    for (Prefix p : INCLUDE) {
      included = Math.max(included, p.match(key, v));
    }
    int ignored = 0;
    for (Prefix p : EXCLUDE) {
      int n = p.match(key, v);
      if (n > 0 && (ignored == 0 || n < ignored)) {
        ignored = n;
      }
    }
    return ignored == 0 || included > ignored;
  }

  /** The identity labels among a pod's labels, in their order. */
  public static Map<String, String> of(Map<String, String> podLabels, CiliumVersion v) {
    Map<String, String> out = new LinkedHashMap<>();
    podLabels.forEach(
        (k, val) -> {
          if (isIdentityLabel(k, v)) {
            out.put(k, val);
          }
        });
    return out;
  }
}

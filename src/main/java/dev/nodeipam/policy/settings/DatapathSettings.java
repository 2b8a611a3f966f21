package dev.nodeipam.policy.settings;

import dev.nodeipam.snapshot.BadInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Cilium agent settings that decide where Service translation happens and how policy is
 * enforced, read from {@code kube-system/cilium-config} and {@code --set} overrides, with Cilium's
 * own defaults for keys neither gives.
 *
 * @param settings every known key in {@link #KEYS} order with its value and origin
 */
public record DatapathSettings(
    boolean kubeProxyReplacement,
    boolean socketLb,
    boolean socketLbHostnsOnly,
    boolean externalIpMitigationDisabled,
    boolean cidrMatchesNodes,
    EnablePolicy enablePolicy,
    String clusterName,
    boolean ipv4,
    boolean ipv6,
    Map<String, Setting> settings) {

  public static final String KPR = "kube-proxy-replacement";
  public static final String BPF_LB_SOCK = "bpf-lb-sock";
  public static final String HOSTNS_ONLY = "bpf-lb-sock-hostns-only";
  public static final String EXTERNAL_IP_MITIGATION = "disable-external-ip-mitigation";
  public static final String CIDR_MATCH_MODE = "policy-cidr-match-mode";
  public static final String ENABLE_POLICY = "enable-policy";
  public static final String CLUSTER_NAME = "cluster-name";
  public static final String ENABLE_IPV4 = "enable-ipv4";
  public static final String ENABLE_IPV6 = "enable-ipv6";

  /** The keys nodeipam reads, in the order it reports them. */
  public static final List<String> KEYS =
      List.of(
          KPR,
          BPF_LB_SOCK,
          HOSTNS_ONLY,
          EXTERNAL_IP_MITIGATION,
          CIDR_MATCH_MODE,
          ENABLE_POLICY,
          CLUSTER_NAME,
          ENABLE_IPV4,
          ENABLE_IPV6);

  public DatapathSettings {
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** Both families enabled: world is split into world-ipv4 and world-ipv6. */
  public boolean dualStack() {
    return ipv4 && ipv6;
  }

  /** Socket LB translates for pods: on, and not restricted to the host namespace. */
  public boolean socketLbForPods() {
    return kubeProxyReplacement && socketLb && !socketLbHostnsOnly;
  }

  /** The settings whose values nobody gave. */
  public List<Setting> assumed() {
    return settings.values().stream().filter(Setting::isAssumed).toList();
  }

  /** Key to value, for reports. */
  public Map<String, String> values() {
    Map<String, String> out = new LinkedHashMap<>();
    settings.forEach((k, s) -> out.put(k, s.value()));
    return out;
  }

  /** Cilium's defaults for everything, the families given. */
  public static DatapathSettings defaults(boolean ipv4, boolean ipv6) {
    return resolve(Optional.empty(), Map.of(), ipv4, ipv6);
  }

  /**
   * Reads the settings.
   *
   * @param config the cilium-config data, if the input has it
   * @param overrides {@code --set} values (keys must be in {@link #KEYS})
   * @param seenIpv4 whether the cluster's addresses use IPv4 (the default for {@code enable-ipv4})
   * @param seenIpv6 whether they use IPv6 (the default for {@code enable-ipv6})
   * @throws BadInputException on a value Cilium would not accept
   */
  public static DatapathSettings resolve(
      Optional<Map<String, String>> config,
      Map<String, String> overrides,
      boolean seenIpv4,
      boolean seenIpv6) {
    for (String key : overrides.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown setting \"" + key + "\" (known: " + String.join(", ", KEYS) + ")");
      }
    }
    Map<String, Setting> s = new LinkedHashMap<>();
    for (String key : KEYS) {
      String v = overrides.get(key);
      if (v != null) {
        s.put(key, new Setting(key, v.trim(), Setting.Origin.FLAG));
        continue;
      }
      v = config.map(c -> c.get(key)).orElse(null);
      if (v != null) {
        s.put(key, new Setting(key, v.trim(), Setting.Origin.CONFIG));
      }
    }
    // Defaults, some depending on other values.
    putDefault(s, KPR, "false", Setting.Origin.DEFAULT);
    boolean kpr = kpr(s.get(KPR));
    putDefault(s, BPF_LB_SOCK, Boolean.toString(kpr), Setting.Origin.DEFAULT);
    putDefault(s, HOSTNS_ONLY, "false", Setting.Origin.DEFAULT);
    putDefault(s, EXTERNAL_IP_MITIGATION, "false", Setting.Origin.DEFAULT);
    putDefault(s, CIDR_MATCH_MODE, "", Setting.Origin.DEFAULT);
    putDefault(s, ENABLE_POLICY, "default", Setting.Origin.DEFAULT);
    putDefault(s, CLUSTER_NAME, "default", Setting.Origin.DEFAULT);
    putDefault(s, ENABLE_IPV4, Boolean.toString(seenIpv4 || !seenIpv6), Setting.Origin.INFERRED);
    putDefault(s, ENABLE_IPV6, Boolean.toString(seenIpv6), Setting.Origin.INFERRED);
    Map<String, Setting> ordered = new LinkedHashMap<>();
    KEYS.forEach(k -> ordered.put(k, s.get(k)));
    String mode = ordered.get(CIDR_MATCH_MODE).value();
    if (!mode.isEmpty() && !mode.equals("nodes")) {
      throw bad(ordered.get(CIDR_MATCH_MODE), "is not \"\" or \"nodes\"");
    }
    String clusterName = ordered.get(CLUSTER_NAME).value();
    return new DatapathSettings(
        kpr,
        bool(ordered.get(BPF_LB_SOCK)),
        bool(ordered.get(HOSTNS_ONLY)),
        bool(ordered.get(EXTERNAL_IP_MITIGATION)),
        mode.equals("nodes"),
        enablePolicy(ordered.get(ENABLE_POLICY)),
        clusterName.isEmpty() ? "default" : clusterName,
        bool(ordered.get(ENABLE_IPV4)),
        bool(ordered.get(ENABLE_IPV6)),
        ordered);
  }

  private static void putDefault(Map<String, Setting> s, String key, String v, Setting.Origin o) {
    s.putIfAbsent(key, new Setting(key, v, o));
  }

  /**
   * {@code true}/{@code strict} replace kube-proxy; {@code false} and the old partial modes not.
   */
  private static boolean kpr(Setting s) {
    return switch (s.value()) {
      case "true", "strict" -> true;
      case "false", "partial", "probe", "disabled" -> false;
      default -> throw bad(s, "is not true, false (or the old strict, partial, probe, disabled)");
    };
  }

  private static boolean bool(Setting s) {
    return switch (s.value()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw bad(s, "is not true or false");
    };
  }

  private static EnablePolicy enablePolicy(Setting s) {
    return switch (s.value()) {
      case "default" -> EnablePolicy.DEFAULT;
      case "always" -> EnablePolicy.ALWAYS;
      case "never" -> EnablePolicy.NEVER;
      default -> throw bad(s, "is not default, always or never");
    };
  }

  private static BadInputException bad(Setting s, String problem) {
    String where =
        s.origin() == Setting.Origin.FLAG
            ? "--set " + s.key()
            : "kube-system/cilium-config " + s.key();
    return new BadInputException(where + ": \"" + s.value() + "\" " + problem);
  }
}

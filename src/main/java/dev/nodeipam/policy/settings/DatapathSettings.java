package dev.nodeipam.policy.settings;

import dev.nodeipam.snapshot.BadInputException;
import java.util.ArrayList;
import java.util.Collections;
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
    CiliumVersion version,
    boolean nonDefaultDenyPolicies,
    boolean envoyConfig,
    boolean sctp,
    boolean wildcardEntries,
    boolean internalTrafficPolicy,
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
  public static final String NON_DEFAULT_DENY = "enable-non-default-deny-policies";
  public static final String ENVOY_CONFIG = "enable-envoy-config";
  public static final String SCTP = "enable-sctp";
  public static final String WILDCARD_ENTRIES = "bpf-lb-enable-wildcard-entries";
  public static final String INTERNAL_TRAFFIC_POLICY = "enable-internal-traffic-policy";
  public static final String DEFAULT_LOCAL_CLUSTER = "policy-default-local-cluster";

  /**
   * The Cilium release, given with {@code --cilium-version}: not a cilium-config key, carried in
   * the overrides map under this name so that every command passes it the same way.
   */
  public static final String CILIUM_VERSION = "cilium-version";

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
          ENABLE_IPV6,
          NON_DEFAULT_DENY,
          ENVOY_CONFIG,
          SCTP,
          WILDCARD_ENTRIES,
          INTERNAL_TRAFFIC_POLICY,
          DEFAULT_LOCAL_CLUSTER);

  public DatapathSettings {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** Both families enabled. */
  public boolean dualStack() {
    return ipv4 && ipv6;
  }

  /**
   * World addresses carry {@code world-ipv4}/{@code world-ipv6}: dual stack from Cilium 1.15
   * (cilium/cilium#22625; {@code toEntities: world} still selects both, cilium/cilium#29958).
   * Before 1.15 every world address is plain {@code world}.
   */
  public boolean splitWorld() {
    return dualStack() && version.atLeast(1, 15);
  }

  /**
   * An egress named port is resolved on the selected destination identities' named ports
   * (cilium/cilium#44429, merged on main in February 2026, after the 1.19 branch; no backport
   * found: 1.20 is the first release read as carrying it). Before, on the named ports of all
   * pods, and a name with two numbers installs no port (cilium/cilium#12567).
   */
  public boolean egressNamedPortsPerIdentity() {
    return version.atLeast(1, 20);
  }

  /** Socket LB translates for pods: on, and not restricted to the host namespace. */
  public boolean socketLbForPods() {
    return kubeProxyReplacement && socketLb && !socketLbHostnsOnly;
  }

  /**
   * The pod's datapath also load-balances per packet, so it translates what socket LB skipped (an
   * externalIP that is not the client node's own address). {@code bpf/bpf_lxc.c} defines
   * ENABLE_PER_PACKET_LB when socket LB is not full ({@code bpf-lb-sock=false}), restricted to the
   * host namespace, or when ENABLE_L7_LB ({@code enable-envoy-config}) or ENABLE_SCTP
   * ({@code enable-sctp}) is set.
   */
  public boolean perPacketLbAtPod() {
    return (kubeProxyReplacement || externalFrontendsWithoutKpr())
        && (!socketLbForPods() || envoyConfig || sctp);
  }

  /**
   * Cilium 1.19 installs LoadBalancer and externalIP addresses as service frontends whatever
   * {@code kube-proxy-replacement} says: {@code convertService} in {@code
   * pkg/loadbalancer/reflectors/conversions.go} gates only NodePort frontends on it (reported after
   * 1.18 to 1.19 upgrades, kubermatic/kubermatic#15939; the 1.18 per-feature switches were removed
   * in 1.19, cilium/cilium#45252). The pod's per-packet load balancer then translates them.
   */
  public boolean externalFrontendsWithoutKpr() {
    return version.atLeast(1, 19);
  }

  /**
   * Whether a policy's {@code enableDefaultDeny: false} keeps it from putting its endpoints in
   * default deny. The field exists from Cilium 1.16 (cilium/cilium#30572); from 1.17 the agent flag
   * {@code enable-non-default-deny-policies=false} (cilium/cilium#34940) makes {@code
   * Rule.Sanitize} in {@code pkg/policy/api/rule_validation.go} force it to true on every rule.
   */
  public boolean honoursDefaultDenyOptOut() {
    return version.atLeast(1, 16) && (!version.atLeast(1, 17) || nonDefaultDenyPolicies);
  }

  /**
   * Whether the release is 1.20.0 or 1.20.1, whose agent misses the set-up of {@code
   * enable-non-default-deny-policies} from its configuration (cilium/cilium#48391, fixed in 1.20.2
   * by #48418): the value in cilium-config may not be the one in effect. Verdicts follow the
   * configured value; what must be safe either way (a clusterwide companion) is not relied on.
   * Only a known patch release says so: {@code 1.20} alone may be any patch.
   */
  public boolean nonDefaultDenySetupBug() {
    return version.is(1, 20) && version.patch() >= 0 && version.patch() <= 1;
  }

  /** Why {@link #honoursDefaultDenyOptOut()} says what it says, for reports. */
  public String defaultDenyOptOutReason() {
    String reason = optOutReason();
    return nonDefaultDenySetupBug()
        ? reason + " (as configured; known bug of Cilium 1.20.0 and 1.20.1: the agent does not set"
            + " up " + NON_DEFAULT_DENY + " from its configuration, cilium/cilium#48391, fixed in"
            + " 1.20.2)"
        : reason;
  }

  private String optOutReason() {
    if (!version.atLeast(1, 16)) {
      return "Cilium " + version + " has no enableDefaultDeny field (it exists from 1.16,"
          + " cilium/cilium#30572): every policy with egress or ingress entries puts the pods it"
          + " selects in default deny for that direction";
    }
    if (version.atLeast(1, 17) && !nonDefaultDenyPolicies) {
      return NON_DEFAULT_DENY + "=false (Cilium 1.17+, cilium/cilium#34940): the agent ignores"
          + " enableDefaultDeny: false, so every policy with entries for a direction puts the pods"
          + " it selects in default deny";
    }
    return "Cilium " + version + " honours enableDefaultDeny: false"
        + (version.atLeast(1, 17) ? " (" + NON_DEFAULT_DENY + "=true)" : "");
  }

  /**
   * Whether the agent adds {@code io.cilium.k8s.policy.cluster=<cluster-name>} to every peer
   * selector that names no cluster and no reserved identity ({@code addClusterFilterByDefault} in
   * {@code pkg/k8s/apis/cilium.io/utils/utils.go}, {@code parseNetworkPolicyPeer}). The option
   * exists from 1.18 (cilium/cilium#39338, default false) and is on by default from 1.19
   * (cilium/cilium#40609); an older agent ignores the key. Reserved identities carry no cluster
   * label, so the term keeps a negative-only selector off them (cilium/cilium#46949).
   */
  public boolean policyDefaultLocalCluster() {
    Setting setting = settings.get(DEFAULT_LOCAL_CLUSTER);
    return version.atLeast(1, 18) && setting != null && bool(setting);
  }

  /** The Cilium version setting, with where it came from. */
  public Setting versionSetting() {
    return settings.get(CILIUM_VERSION);
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

  /** {@link #resolve(Optional, Map, boolean, boolean, Optional)} with no version in the input. */
  public static DatapathSettings resolve(
      Optional<Map<String, String>> config,
      Map<String, String> overrides,
      boolean seenIpv4,
      boolean seenIpv6) {
    return resolve(config, overrides, seenIpv4, seenIpv6, Optional.empty());
  }

  /**
   * Reads the settings.
   *
   * @param config the cilium-config data, if the input has it
   * @param overrides {@code --set} values (keys must be in {@link #KEYS})
   * @param seenIpv4 whether the cluster's addresses use IPv4 (the default for {@code enable-ipv4})
   * @param seenIpv6 whether they use IPv6 (the default for {@code enable-ipv6})
   * @param found the agent's release as the input tells it ({@link AgentVersion}), used when the
   *     overrides carry no {@link #CILIUM_VERSION}
   * @throws BadInputException on a value Cilium would not accept
   */
  public static DatapathSettings resolve(
      Optional<Map<String, String>> config,
      Map<String, String> overrides,
      boolean seenIpv4,
      boolean seenIpv6,
      Optional<AgentVersion.Found> found) {
    return resolve(config, overrides, seenIpv4, seenIpv6, found, null);
  }

  /**
   * {@link #resolve(Optional, Map, boolean, boolean, Optional)}, naming {@code configSource} (the
   * file the ConfigMap came from) in errors about its values.
   */
  public static DatapathSettings resolve(
      Optional<Map<String, String>> config,
      Map<String, String> overrides,
      boolean seenIpv4,
      boolean seenIpv6,
      Optional<AgentVersion.Found> found,
      String configSource) {
    requireKnown(overrides);
    Setting versionSetting = version(overrides.get(CILIUM_VERSION), found);
    CiliumVersion version = CiliumVersion.parse(versionSetting.value());
    Map<String, Setting> s = new LinkedHashMap<>();
    Map<String, Setting> ignored = new LinkedHashMap<>();
    given(config, overrides, configSource, version, s, ignored);
    putDefaults(s, seenIpv4, seenIpv6, version);
    boolean kpr = kpr(s.get(KPR));
    ignored.forEach((k, given) -> s.put(k, new Setting(k, s.get(k).value(),
        Setting.Origin.DEFAULT, KeyReleases.ignored(given, version))));
    Map<String, Setting> ordered = new LinkedHashMap<>();
    ordered.put(CILIUM_VERSION, versionSetting);
    KEYS.forEach(k -> ordered.put(k, s.get(k)));
    List<String> modes = cidrMatchModes(ordered.get(CIDR_MATCH_MODE), version);
    Setting localCluster = ordered.get(DEFAULT_LOCAL_CLUSTER);
    bool(localCluster);
    if (!version.atLeast(1, 18) && !localCluster.isAssumed()) {
      ordered.put(DEFAULT_LOCAL_CLUSTER, new Setting(DEFAULT_LOCAL_CLUSTER, localCluster.value(),
          localCluster.origin(), localCluster.from() + "; ignored: no such option before Cilium"
              + " 1.18, cilium/cilium#39338"));
    }
    String clusterName = ordered.get(CLUSTER_NAME).value();
    return new DatapathSettings(
        kpr,
        bool(ordered.get(BPF_LB_SOCK)),
        bool(ordered.get(HOSTNS_ONLY)),
        bool(ordered.get(EXTERNAL_IP_MITIGATION)),
        modes.contains("nodes"),
        enablePolicy(ordered.get(ENABLE_POLICY)),
        clusterName.isEmpty() ? "default" : clusterName,
        bool(ordered.get(ENABLE_IPV4)),
        bool(ordered.get(ENABLE_IPV6)),
        version,
        bool(ordered.get(NON_DEFAULT_DENY)),
        bool(ordered.get(ENVOY_CONFIG)),
        bool(ordered.get(SCTP)),
        bool(ordered.get(WILDCARD_ENTRIES)),
        bool(ordered.get(INTERNAL_TRAFFIC_POLICY)),
        ordered);
  }

  /** Refuses a {@code --set} key that is not a setting. */
  private static void requireKnown(Map<String, String> overrides) {
    for (String key : overrides.keySet()) {
      if (!KEYS.contains(key) && !key.equals(CILIUM_VERSION)) {
        throw new IllegalArgumentException(
            "unknown setting \"" + key + "\" (known: " + String.join(", ", KEYS) + ")");
      }
    }
  }

  /**
   * The settings the input gives, {@code --set} over cilium-config, into {@code s}; a key the
   * release does not read goes into {@code ignored} instead.
   */
  private static void given(
      Optional<Map<String, String>> config,
      Map<String, String> overrides,
      String configSource,
      CiliumVersion version,
      Map<String, Setting> s,
      Map<String, Setting> ignored) {
    for (String key : KEYS) {
      String v = overrides.get(key);
      Setting given = null;
      if (v != null) {
        given = new Setting(key, v.trim(), Setting.Origin.FLAG);
      } else {
        v = config.map(c -> c.get(key)).orElse(null);
        if (v != null) {
          given = new Setting(key, v.trim(), Setting.Origin.CONFIG, configSource == null ? null
              : "kube-system/cilium-config (" + configSource + ")");
        }
      }
      if (given != null && !KeyReleases.known(key, version)) {
        ignored.put(key, given); // an older agent does not read the key at all
      } else if (given != null) {
        s.put(key, given);
      }
    }
  }

  /** Cilium's default for each setting the input does not give, some depending on others. */
  private static void putDefaults(
      Map<String, Setting> s, boolean seenIpv4, boolean seenIpv6, CiliumVersion version) {
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
    putDefault(s, NON_DEFAULT_DENY, "true", Setting.Origin.DEFAULT);
    putDefault(s, ENVOY_CONFIG, "false", Setting.Origin.DEFAULT);
    putDefault(s, SCTP, "false", Setting.Origin.DEFAULT);
    putDefault(s, WILDCARD_ENTRIES, "true", Setting.Origin.DEFAULT);
    putDefault(s, INTERNAL_TRAFFIC_POLICY, "true", Setting.Origin.DEFAULT);
    s.putIfAbsent(DEFAULT_LOCAL_CLUSTER, localClusterDefault(version));
  }

  /**
   * Whether CIDR selectors also match in-cluster pods ({@code policy-cidr-match-mode} lists {@code
   * pods}): Cilium 1.20+ (the value is documented in cilium/cilium#47227's {@code layer3.rst};
   * before 1.20 only {@code nodes} exists, cilium/cilium#27464).
   */
  public boolean cidrMatchesPods() {
    Setting mode = settings.get(CIDR_MATCH_MODE);
    return mode != null && cidrMatchModes(mode, version).contains("pods");
  }

  /**
   * The entries of {@code policy-cidr-match-mode}, a list the agent reads comma-separated:
   * {@code nodes} (1.15+), {@code pods} (1.20+).
   */
  private static List<String> cidrMatchModes(Setting s, CiliumVersion version) {
    List<String> out = new ArrayList<>();
    for (String m : s.value().split("[,\\s]+")) {
      if (m.isEmpty()) {
        continue;
      }
      boolean known = m.equals("nodes") || (m.equals("pods") && version.atLeast(1, 20));
      if (!known) {
        throw bad(s, m.equals("pods")
            ? "is not \"\" or \"nodes\" for Cilium " + version + " (\"pods\" is read from 1.20,"
                + " cilium/cilium#47227)"
            : "is not \"\", \"nodes\" or \"pods\" (a comma-separated list)");
      }
      out.add(m);
    }
    return out;
  }

  /** The version: {@code --cilium-version}, else the input's agent image, else the newest. */
  private static Setting version(String flag, Optional<AgentVersion.Found> found) {
    if (flag != null) {
      try {
        return new Setting(CILIUM_VERSION, CiliumVersion.parse(flag).toString(),
            Setting.Origin.VERSION_FLAG);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--cilium-version: " + e.getMessage());
      }
    }
    if (found.isPresent()) {
      return new Setting(CILIUM_VERSION, found.get().version().toString(), Setting.Origin.IMAGE,
          found.get().from());
    }
    return new Setting(CILIUM_VERSION, CiliumVersion.NEWEST.toString(), Setting.Origin.NEWEST,
        "the newest Cilium release modelled (no --cilium-version, no cilium agent DaemonSet in"
            + " the input), assumed");
  }

  /** {@link #DEFAULT_LOCAL_CLUSTER}'s default in the release, or why it has none. */
  private static Setting localClusterDefault(CiliumVersion v) {
    if (!v.atLeast(1, 18)) {
      return new Setting(DEFAULT_LOCAL_CLUSTER, "false", Setting.Origin.DEFAULT,
          "no such option before Cilium 1.18 (cilium/cilium#39338), assumed");
    }
    return new Setting(DEFAULT_LOCAL_CLUSTER, Boolean.toString(v.atLeast(1, 19)),
        Setting.Origin.DEFAULT, "Cilium " + v.major() + "." + v.minor() + "'s default ("
            + (v.atLeast(1, 19) ? "true from 1.19, cilium/cilium#40609" : "false in 1.18, #39338")
            + "), assumed");
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

  /**
   * A boolean as the agent reads it: its options go through Go's {@code strconv.ParseBool}, which
   * takes {@code 1, t, T, TRUE, true, True} and {@code 0, f, F, FALSE, false, False}, nothing else.
   */
  static boolean bool(Setting s) {
    return switch (s.value()) {
      case "1", "t", "T", "TRUE", "true", "True" -> true;
      case "0", "f", "F", "FALSE", "false", "False" -> false;
      default -> throw bad(s, "is not a boolean (Go's strconv.ParseBool takes 1, t, T, TRUE, true,"
          + " True, 0, f, F, FALSE, false, False)");
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
            : s.detail() != null
                ? s.detail().substring(s.detail().indexOf('(') + 1, s.detail().length() - 1)
                    + ": kube-system/cilium-config " + s.key()
                : "kube-system/cilium-config " + s.key();
    return new BadInputException(where + ": \"" + s.value() + "\" " + problem);
  }
}

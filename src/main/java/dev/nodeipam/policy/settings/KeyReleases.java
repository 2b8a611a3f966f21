package dev.nodeipam.policy.settings;

import java.util.Map;
import java.util.Optional;

/**
 * The first Cilium release that reads a cilium-config key: an agent older than that does not know
 * the key, so a value given for it (in cilium-config or with {@code --set}) is ignored and the
 * agent behaves as without it. Keys not listed are read by every release modelled (1.14+).
 */
public final class KeyReleases {
  private KeyReleases() {}

  /** A key's first release and the source that says so. */
  public record First(CiliumVersion release, String source) {}

  private static final Map<String, First> FIRST =
      Map.of(
          DatapathSettings.CIDR_MATCH_MODE,
          new First(new CiliumVersion(1, 15, -1),
              "cilium/cilium#27464, documented in #28421"),
          DatapathSettings.NON_DEFAULT_DENY,
          new First(new CiliumVersion(1, 17, -1), "cilium/cilium#34940"),
          DatapathSettings.WILDCARD_ENTRIES,
          new First(new CiliumVersion(1, 19, -1),
              "cilium/cilium#46647, a switch for the wildcard entries of #40684"));

  /** The key's first release, when it is newer than the oldest modelled. */
  public static Optional<First> first(String key) {
    return Optional.ofNullable(FIRST.get(key));
  }

  /** Whether an agent of {@code version} reads the key. */
  public static boolean known(String key, CiliumVersion version) {
    First f = FIRST.get(key);
    return f == null || version.atLeast(f.release().major(), f.release().minor());
  }

  /** Why the agent ignores the key, for the datapath block. */
  static String ignored(Setting given, CiliumVersion version) {
    First f = FIRST.get(given.key());
    return given.from() + " gives " + given.key() + "=" + given.value()
        + ", which Cilium " + version + " ignores: the key is read from " + f.release()
        + " (" + f.source() + "); Cilium's default is used";
  }
}

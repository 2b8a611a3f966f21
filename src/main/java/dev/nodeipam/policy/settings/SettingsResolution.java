package dev.nodeipam.policy.settings;

import dev.nodeipam.net.IpText;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import java.util.Map;
import java.util.Optional;

/**
 * The one place a cluster's datapath settings are resolved: its {@code kube-system/cilium-config}
 * ConfigMap, the {@code --set} overrides, the address families its pods and nodes use (the
 * defaults of {@code enable-ipv4}/{@code enable-ipv6}) and the Cilium release (the overrides'
 * {@link DatapathSettings#CILIUM_VERSION}, else the agent DaemonSet's image, else the newest
 * modelled). Every command that reads settings for a snapshot calls {@link #of}.
 */
public final class SettingsResolution {
  private SettingsResolution() {}

  /**
   * The snapshot's settings under the overrides.
   *
   * @throws BadInputException on a value Cilium would not accept, naming
   *     the ConfigMap's file
   * @throws IllegalArgumentException on an override key nodeipam does not know
   */
  public static DatapathSettings of(ClusterSnapshot snapshot, Map<String, String> overrides) {
    Families families = families(snapshot);
    return DatapathSettings.resolve(snapshot.ciliumConfig(), overrides, families.ipv4(),
        families.ipv6(),
        AgentVersion.of(snapshot), snapshot.ciliumConfigSource().orElse(null));
  }

  /** The overrides checked alone (keys and values), for a command before it reads its input. */
  public static void check(Map<String, String> overrides) {
    DatapathSettings.resolve(Optional.empty(), overrides, true, false);
  }

  private record Families(boolean ipv4, boolean ipv6) {}

  /**
   * Whether the cluster's pod addresses (not hostNetwork, not templates), node addresses and
   * podCIDRs use IPv4 and IPv6.
   */
  private static Families families(ClusterSnapshot snapshot) {
    return snapshot.derived(Families.class, SettingsResolution::familiesOf);
  }

  private static Families familiesOf(ClusterSnapshot snapshot) {
    boolean v4 = false;
    boolean v6 = false;
    for (Pod p : snapshot.pods()) {
      if (!p.isEndpoint()) {
        continue;
      }
      for (String ip : p.ips()) {
        if (ip.indexOf(':') >= 0) {
          v6 = true;
        } else if (!v4) {
          v4 = IpText.canonical(ip) != null;
        }
      }
    }
    for (Node n : snapshot.nodes()) {
      for (Node.NodeAddress a : n.addresses()) {
        boolean named = "Hostname".equals(a.type()) || "InternalDNS".equals(a.type())
            || "ExternalDNS".equals(a.type());
        String key = named ? null : IpText.canonical(a.address());
        if (key != null) {
          v4 |= key.indexOf(':') < 0;
          v6 |= key.indexOf(':') >= 0;
        }
      }
      for (String cidr : n.podCidrs()) {
        v4 |= cidr.indexOf(':') < 0;
        v6 |= cidr.indexOf(':') >= 0;
      }
    }
    return new Families(v4, v6);
  }
}

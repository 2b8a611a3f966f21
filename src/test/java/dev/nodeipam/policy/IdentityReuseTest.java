package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.net.IpText;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Pod;
import inet.ipaddr.IPAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An engine keeps a pod's identity once made (a diff asks for the same pods' identities for every
 * address of a finding and every backend of a Service): an engine that has answered for every pod
 * under several settings, in turn, gives each time exactly what a new engine gives for that pod
 * and those settings alone, by the pod itself and reached at each of its addresses.
 */
class IdentityReuseTest {
  /** Settings that change a pod's identity: the release's label filter, the cluster name. */
  private static final List<Map<String, String>> SETTINGS = List.of(
      Map.of(),
      Map.of(DatapathSettings.CILIUM_VERSION, "1.14"),
      Map.of(DatapathSettings.CLUSTER_NAME, "east"),
      Map.of(DatapathSettings.CILIUM_VERSION, "1.16", DatapathSettings.CLUSTER_NAME, "west"));

  @ParameterizedTest
  @ValueSource(strings = {"examples/seed", "examples/istio-trap/cluster",
      "examples/pr-externalip/after", "examples/migration/policy-trap"})
  void aKeptIdentityIsTheIdentityMadeAfresh(String tree) {
    ClusterSnapshot snapshot = ManifestLoader.load(List.of(Path.of(tree)));
    PolicyEngine warm = PolicyEngine.of(snapshot);
    List<DatapathSettings> settings =
        SETTINGS.stream().map(o -> warm.settings(o)).toList();
    int compared = 0;
    Set<Identity> distinct = new HashSet<>();
    for (int round = 0; round < 2; round++) {
      for (Pod pod : snapshot.pods()) {
        for (DatapathSettings s : settings) {
          PolicyEngine fresh = PolicyEngine.of(snapshot);
          Identity kept = warm.identityOf(pod, s);
          assertThat(kept).as(pod.key()).isEqualTo(fresh.identityOf(pod, s));
          distinct.add(kept);
          for (String ip : pod.ips()) {
            IPAddress at = IpText.parse(ip);
            assertThat(warm.identityOfAddress(at, pod.nodeName(), s)).as(pod.key() + " at " + ip)
                .isEqualTo(PolicyEngine.of(snapshot).identityOfAddress(at, pod.nodeName(), s));
          }
          compared++;
        }
      }
    }
    assertThat(compared).isPositive();
    // Not vacuous: the settings do tell identities of the same pod apart.
    assertThat(distinct.size()).isGreaterThan(snapshot.pods().size());
  }
}

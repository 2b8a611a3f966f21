package dev.nodeipam.testing;

import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Clusters written as YAML in a test and read through the real loader (defaults applied as in
 * manifest mode), with the document templates the generated-cluster properties share.
 */
public final class YamlClusters {
  /**
   * A selector with only negative requirements, on the keys that stop every added term: it admits
   * world and the nodes in every release (cilium/cilium#46949 case 2).
   */
  public static final String NEGATIVE_ONLY = "{matchExpressions: [{key: "
      + "io.kubernetes.pod.namespace, operator: NotIn, values: [edge]}, "
      + "{key: io.cilium.k8s.policy.cluster, operator: NotIn, values: [other]}]}";

  /** A NetworkPolicy in namespace app: name, the pods' {@code app} label, the egress rules. */
  public static final String EGRESS_NETWORK_POLICY = """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: %s, namespace: app}
      spec:
        podSelector: {matchLabels: {app: %s}}
        policyTypes: [Egress]
        egress:
        %s
      """;

  /** A CiliumNetworkPolicy in namespace app: name, the pods' {@code app} label, the rules. */
  public static final String APP_CILIUM_POLICY = """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: %s, namespace: app}
      spec:
        endpointSelector: {matchLabels: {app: %s}}
        %s
      """;

  private YamlClusters() {}

  /** The cluster the YAML documents describe. */
  public static ClusterSnapshot load(List<String> documents) {
    try {
      Path dir = Files.createTempDirectory("yaml-cluster");
      Files.writeString(dir.resolve("cluster.yaml"), String.join("\n---\n", documents));
      ClusterSnapshot s = ManifestLoader.load(List.of(dir));
      Files.delete(dir.resolve("cluster.yaml"));
      Files.delete(dir);
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Datapath settings from alternating keys and values. */
  public static Map<String, String> settings(String... pairs) {
    Map<String, String> set = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      set.put(pairs[i], pairs[i + 1]);
    }
    return set;
  }

  /**
   * A running, ready pod labelled {@code app} on {@code node} at {@code ip}, with a container port
   * named https (8443); {@code extra} is a line of its spec (e.g. {@code hostNetwork: true}).
   */
  public static String pod(String ns, String name, String app, String node, String ip,
      String extra) {
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: %s, labels: {app: %s}}
        spec:
          nodeName: %s
          %s
          containers: [{name: c, image: x, ports: [{name: https, containerPort: 8443}]}]
        status: {phase: Running, podIP: %s, podIPs: [{ip: %s}],
          conditions: [{type: Ready, status: "True"}]}
        """.formatted(name, ns, app, node, extra, ip, ip);
  }
}

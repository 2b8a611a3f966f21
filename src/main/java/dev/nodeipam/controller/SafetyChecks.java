package dev.nodeipam.controller;

import dev.nodeipam.ipam.ClasslessDefault;
import dev.nodeipam.ipam.NodeIpamOptions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** E12 and the IPVS hazard: what the cluster's own configuration says before we start writing. */
public final class SafetyChecks {
  /** Cilium's own Node IPAM owns this class when {@code enable-node-ipam} is true. */
  public static final String CILIUM_CLASS = "io.cilium/node";

  private static final Pattern IPVS_MODE = Pattern.compile("(?m)^mode:\\s*[\"']?ipvs[\"']?\\s*$");

  /**
   * What was found.
   *
   * @param conflict why starting would make two writers fight, or null
   * @param warnings hazards to log
   */
  public record Findings(String conflict, List<String> warnings) {}

  private SafetyChecks() {}

  /**
   * Reads both ConfigMaps. Absent or forbidden ones are skipped; when the server does not answer
   * this throws (no HTTP status, or 5xx), so that the checks are retried, never skipped.
   */
  public static Findings check(KubernetesClient client, NodeIpamOptions options) {
    List<String> warnings = new ArrayList<>();
    Map<String, String> cilium = data(client, "cilium-config", warnings);
    Map<String, String> kubeProxy = data(client, "kube-proxy", warnings);
    return new Findings(ciliumConflict(cilium, options), ipvsWarnings(kubeProxy, warnings));
  }

  /** The conflict with Cilium's Node IPAM given its ConfigMap's data, or null. */
  static String ciliumConflict(Map<String, String> cilium, NodeIpamOptions options) {
    if (!ClasslessDefault.ciliumNodeIpamEnabled(Optional.ofNullable(cilium))) {
      return null;
    }
    if (CILIUM_CLASS.equals(options.loadBalancerClass())) {
      return "kube-system/cilium-config has enable-node-ipam: \"true\": Cilium's operator already"
          + " publishes addresses for loadBalancerClass "
          + CILIUM_CLASS
          + " and two writers would fight";
    }
    if (options.defaultClass() && ClasslessDefault.ciliumOwnsClassless(Optional.of(cilium))) {
      return "kube-system/cilium-config has enable-node-ipam: \"true\" and"
          + " default-lb-service-ipam: nodeipam: Cilium's operator already publishes addresses for"
          + " LoadBalancers without a class, and --default-class would make two writers fight";
    }
    return null;
  }

  /** Warnings for kube-proxy in IPVS mode, from the kube-proxy ConfigMap's data. */
  static List<String> ipvsWarnings(Map<String, String> kubeProxy, List<String> warnings) {
    if (kubeProxy != null) {
      for (Map.Entry<String, String> entry : kubeProxy.entrySet()) {
        Matcher m = IPVS_MODE.matcher(entry.getValue() == null ? "" : entry.getValue());
        if (m.find()) {
          warnings.add(
              "kube-system/kube-proxy ("
                  + entry.getKey()
                  + ") runs kube-proxy in IPVS mode: it"
                  + " binds every LoadBalancer address to kube-ipvs0, and node addresses published"
                  + " as LoadBalancer addresses can cut a node off; prefer iptables/nftables mode");
          break;
        }
      }
    }
    return warnings;
  }

  private static Map<String, String> data(
      KubernetesClient client, String name, List<String> warnings) {
    try {
      ConfigMap map = client.configMaps().inNamespace("kube-system").withName(name).get();
      return map == null || map.getData() == null ? null : map.getData();
    } catch (KubernetesClientException e) {
      if (ApiServerWait.notAnswered(e)) {
        // No answer is not "no ConfigMap": the check must run, so the caller waits and retries.
        throw e;
      }
      if (e.getCode() != 403 && e.getCode() != 404) {
        warnings.add("cannot read kube-system/" + name + ": " + e.getMessage());
      }
      return null;
    }
  }
}

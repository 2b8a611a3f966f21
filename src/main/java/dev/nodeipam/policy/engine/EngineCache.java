package dev.nodeipam.policy.engine;

import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.Protocol;
import dev.nodeipam.policy.model.Rule;
import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Pod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Every memo of the engine, each under a named key that holds everything its computation reads.
 * The memos depend on the policies and the key alone (not on the Services), so an engine built
 * {@link PolicyEngine#withServicesOf} another shares its cache with it. Safe between threads.
 */
final class EngineCache {
  /** The parsed rules of a namespace's policies. */
  record NamespaceRules(String namespace) {}

  /**
   * The rules selecting a pod identity: its namespace's and the clusterwide rules whose subject
   * matches its labels.
   */
  record Selecting(String namespace, Map<String, String> labels) {
    static Selecting of(Identity pod) {
      return new Selecting(pod.pod().namespace(), pod.labels());
    }
  }

  /**
   * A receiver's ingress drop reason ({@link SideEvaluation#drop}): its rules (namespace,
   * labels), the named ports it resolves names on, the port and protocol, the identity the flow
   * arrives from, and the settings. Replicas of a backend share it.
   */
  record IngressDrop(
      Selecting receiver,
      List<Pod.ContainerPort> receiverPorts,
      int port,
      Protocol protocol,
      Identity arriving,
      DatapathSettings settings) {}

  /** The labels of a pod's identity the agent's label filter keeps ({@link IdentityLabels}). */
  record IdentityLabelsOf(Map<String, String> podLabels, CiliumVersion version) {}

  private final Map<IdentityLabelsOf, Map<String, String>> identityLabels =
      new ConcurrentHashMap<>();
  private final Map<NamespaceRules, List<Rule>> namespaceRules = new ConcurrentHashMap<>();
  private final Map<Selecting, List<Rule>> selecting = new ConcurrentHashMap<>();
  private final Map<IngressDrop, Integer> ingressDrops = new ConcurrentHashMap<>();

  /** Replicas of a workload share their labels: filtered once, not once per pod and engine. */
  Map<String, String> identityLabels(Map<String, String> podLabels, CiliumVersion version) {
    return identityLabels.computeIfAbsent(new IdentityLabelsOf(podLabels, version),
        k -> IdentityLabels.of(k.podLabels(), k.version()));
  }

  List<Rule> namespaceRules(NamespaceRules key, Function<NamespaceRules, List<Rule>> compute) {
    return namespaceRules.computeIfAbsent(key, compute);
  }

  List<Rule> selecting(Selecting key, Function<Selecting, List<Rule>> compute) {
    return selecting.computeIfAbsent(key, compute);
  }

  int ingressDrop(IngressDrop key, Function<IngressDrop, Integer> compute) {
    return ingressDrops.computeIfAbsent(key, compute);
  }
}

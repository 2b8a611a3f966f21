package dev.nodeipam.snapshot;

import dev.nodeipam.labels.LabelSelector;
import java.util.List;
import java.util.Map;

/** A Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob and its pod template. */
public record Workload(
    String kind,
    String namespace,
    String name,
    LabelSelector selector,
    Map<String, String> templateLabels,
    String serviceAccount,
    boolean hostNetwork,
    List<Pod.ContainerPort> ports,
    String source) {

  public Workload {
    templateLabels = Map.copyOf(templateLabels);
    ports = List.copyOf(ports);
  }

  public String key() {
    return namespace + "/" + name;
  }
}

package dev.nodeipam.policy.settings;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.DaemonSetImages;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which Cilium release the agent runs, read from the input: the image tag of the {@code cilium}
 * DaemonSet in {@code kube-system}, else of any DaemonSet running a Cilium agent image (an image
 * whose repository's last path segment is {@code cilium}: {@code quay.io/cilium/cilium}, a mirror
 * of it; not {@code cilium-envoy} or the operator images).
 */
public final class AgentVersion {
  private AgentVersion() {}

  /** The version found and the sentence that says where, if the input tells. */
  public record Found(CiliumVersion version, String from) {}

  /**
   * The agent's release as the snapshot's DaemonSets tell it. When agents of several releases run
   * (an upgrade under way), the oldest is taken: its behaviour is the one some nodes still have.
   */
  public static Optional<Found> of(ClusterSnapshot snapshot) {
    List<DaemonSetImages> preferred = new ArrayList<>();
    List<DaemonSetImages> others = new ArrayList<>();
    for (DaemonSetImages d : snapshot.daemonSets()) {
      boolean runsAgent = d.images().stream().anyMatch(AgentVersion::isAgentImage);
      if (!runsAgent) {
        continue;
      }
      (ClusterSnapshot.CILIUM_CONFIG_NAMESPACE.equals(d.namespace()) && "cilium".equals(d.name())
          ? preferred : others).add(d);
    }
    for (List<DaemonSetImages> candidates : List.of(preferred, others)) {
      Found oldest = null;
      int seen = 0;
      for (DaemonSetImages d : candidates) {
        for (String image : d.images()) {
          if (!isAgentImage(image)) {
            continue;
          }
          Optional<CiliumVersion> v = CiliumVersion.fromImage(image);
          if (v.isPresent()) {
            seen++;
            if (oldest == null || v.get().compareTo(oldest.version()) < 0) {
              oldest = new Found(v.get(), "image " + image + " of DaemonSet " + d.key());
            }
          }
        }
      }
      if (oldest != null) {
        return Optional.of(seen > 1
            ? new Found(oldest.version(), oldest.from() + " (the oldest of the agent images)")
            : oldest);
      }
    }
    return Optional.empty();
  }

  /** An image of the Cilium agent itself: repository name {@code cilium}. */
  static boolean isAgentImage(String image) {
    String ref = image;
    int digest = ref.indexOf('@');
    if (digest >= 0) {
      ref = ref.substring(0, digest);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    String repository = colon > slash ? ref.substring(0, colon) : ref;
    String name = repository.substring(repository.lastIndexOf('/') + 1);
    return name.equals("cilium");
  }
}

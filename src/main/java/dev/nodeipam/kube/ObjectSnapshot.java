package dev.nodeipam.kube;

import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.ManifestDefaults;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Objects already read from an API server (an informer's store, an admission request) as a
 * snapshot, sorted exactly as {@link LiveLoader} sorts what it lists.
 */
public final class ObjectSnapshot {
  private ObjectSnapshot() {}

  public static ClusterSnapshot of(
      KubernetesSerialization serialization, Iterable<? extends HasMetadata> objects,
      String source) {
    SnapshotAssembler assembler = new SnapshotAssembler(serialization);
    for (HasMetadata o : objects) {
      assembler.addTyped(o, source);
    }
    return ManifestDefaults.apply(assembler.build());
  }
}

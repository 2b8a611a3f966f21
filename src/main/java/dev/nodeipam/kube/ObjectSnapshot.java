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
      assembler.accept(assembler.convertTyped(o, source));
    }
    return ManifestDefaults.apply(assembler.build());
  }

  /**
   * One object as a snapshot holds it (null when nodeipam does not read it), to be kept and
   * given to {@link #ofConverted}: a cache converts each object once, not on every snapshot.
   */
  public static Object convert(
      KubernetesSerialization serialization, HasMetadata object, String source) {
    return new SnapshotAssembler(serialization).convertTyped(object, source);
  }

  /** The snapshot of objects {@link #convert}ed before: the same as {@link #of} on them. */
  public static ClusterSnapshot ofConverted(
      KubernetesSerialization serialization, Iterable<?> converted) {
    SnapshotAssembler assembler = new SnapshotAssembler(serialization);
    for (Object value : converted) {
      assembler.accept(value);
    }
    return ManifestDefaults.apply(assembler.build());
  }

  /**
   * {@link #ofConverted(KubernetesSerialization, Iterable)}, sharing {@code like}'s nodes, pods
   * and EndpointSlices (and what is derived from them) where it holds the very same values: the
   * snapshots of a cache before and after a change of one Service.
   */
  public static ClusterSnapshot ofConverted(
      KubernetesSerialization serialization, Iterable<?> converted, ClusterSnapshot like) {
    ClusterSnapshot s = ofConverted(serialization, converted);
    return like == null ? s : s.toBuilder().like(like).build();
  }
}

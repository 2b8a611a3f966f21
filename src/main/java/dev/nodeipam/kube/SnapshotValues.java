package dev.nodeipam.kube;

import dev.nodeipam.kube.SnapshotAssembler.CiliumConfig;
import dev.nodeipam.kube.SnapshotAssembler.Claim;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.DaemonSetImages;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Namespace;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.RawObject;
import dev.nodeipam.snapshot.Service;
import dev.nodeipam.snapshot.Workload;

/**
 * Files one converted value into the snapshot being built, by its kind. Apart from {@link
 * SnapshotAssembler}, which reads fabric8's model types of the same simple names.
 */
final class SnapshotValues {
  private SnapshotValues() {}

  /** Adds a value {@link SnapshotAssembler} converted; a value of another type is ignored. */
  static void add(ClusterSnapshot.Builder builder, Object value) {
    if (value instanceof RawObject r) {
      builder.policy(r);
    } else if (value instanceof Claim c) {
      builder.addressClaim(c.raw());
    } else if (value instanceof Node n) {
      builder.node(n);
    } else if (value instanceof Service s) {
      builder.service(s);
    } else if (value instanceof Pod p) {
      builder.pod(p);
    } else if (value instanceof Namespace n) {
      builder.namespace(n);
    } else if (value instanceof EndpointSlice e) {
      builder.endpointSlice(e);
    } else if (value instanceof CiliumConfig c) {
      builder.ciliumConfig(c.data());
      builder.ciliumConfigSource(c.source());
    } else if (value instanceof Workload w) {
      builder.workload(w);
    } else if (value instanceof DaemonSetImages d) {
      builder.daemonSet(d);
    }
  }
}

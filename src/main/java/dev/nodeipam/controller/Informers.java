package dev.nodeipam.controller;

import dev.nodeipam.informers.InformerSet;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * The controller's informers: Services, Nodes and EndpointSlices (all namespaces), slim stores
 * (the controller keeps its own records), feeding the events.
 */
final class Informers implements AutoCloseable {
  private final InformerSet set = new InformerSet(InformerSet.Storage.SLIM,
      "dev.nodeipam.controller");

  /**
   * Starts the informers and returns once their caches synced and their handlers have seen the
   * initial lists: reconciling before would decide with part of the nodes and write a Service
   * twice.
   */
  void start(KubernetesClient client, ClusterEvents events) {
    set.add(
        client.services().inAnyNamespace().runnableInformer(0),
        events::onService,
        events::onServiceDeleted);
    set.add(client.nodes().runnableInformer(0), events::onNode, events::onNodeDeleted);
    set.add(
        client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0),
        events::onSlice,
        events::onSliceDeleted);
    set.start();
  }

  @Override
  public void close() {
    set.close();
  }
}

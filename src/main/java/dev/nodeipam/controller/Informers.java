package dev.nodeipam.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The informers on Services, Nodes and EndpointSlices (all namespaces), feeding the events. */
final class Informers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger("dev.nodeipam.controller");
  private static final long CATCH_UP_MINUTES = 2;

  /**
   * An informer's start completes when its store holds the initial list, but the handlers receive
   * those objects a little later. Completes once as many objects went through the add handler as
   * the initial list held.
   */
  private static final class CatchUp {
    private final AtomicLong added = new AtomicLong();
    private volatile long listed = Long.MAX_VALUE;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    void added() {
      if (added.incrementAndGet() >= listed) {
        done.complete(null);
      }
    }

    CompletableFuture<Void> expect(long count) {
      listed = count;
      if (added.get() >= count) {
        done.complete(null);
      }
      return done;
    }
  }

  private record Started(SharedIndexInformer<?> informer, CatchUp catchUp) {}

  private final List<Started> started = new ArrayList<>();

  /**
   * Starts the informers and returns once their caches synced and their handlers have seen the
   * initial lists: reconciling before would decide with part of the nodes and write a Service
   * twice.
   */
  void start(KubernetesClient client, ClusterEvents events) {
    inform(
        client.services().inAnyNamespace().runnableInformer(0),
        events::onService,
        events::onServiceDeleted);
    inform(client.nodes().runnableInformer(0), events::onNode, events::onNodeDeleted);
    inform(
        client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0),
        events::onSlice,
        events::onSliceDeleted);
    CompletableFuture<?>[] starts =
        started.stream()
            .map(s -> s.informer().start().toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(starts).get();
      CompletableFuture<?>[] caughtUp =
          started.stream()
              .map(s -> s.catchUp().expect(s.informer().getStore().list().size()))
              .toArray(CompletableFuture[]::new);
      CompletableFuture.allOf(caughtUp).get(CATCH_UP_MINUTES, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the caches synced", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("informers failed to start: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      LOG.warn("event handlers not caught up after {} minutes; going on", CATCH_UP_MINUTES);
    }
  }

  private <T extends HasMetadata> void inform(
      SharedIndexInformer<T> informer, Consumer<T> upsert, Consumer<T> delete) {
    CatchUp catchUp = new CatchUp();
    informer.itemStore(new SlimItemStore<>());
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            handle(() -> upsert.accept(obj));
            catchUp.added();
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            handle(() -> upsert.accept(newObj));
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            handle(() -> delete.accept(obj));
          }
        });
    started.add(new Started(informer, catchUp));
  }

  private static void handle(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.error("event handling failed: {}", e.toString(), e);
    }
  }

  @Override
  public void close() {
    started.forEach(s -> s.informer().stop());
  }
}

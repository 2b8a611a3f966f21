package dev.nodeipam.informers;

import io.fabric8.kubernetes.api.model.HasMetadata;
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

/**
 * The informer layer the controller and the guard share: the informers a caller adds (which kinds
 * is the caller's choice), each store slim or whole, one handler pair per kind, started together
 * and synced only once every handler has seen its informer's initial list.
 */
public final class InformerSet implements AutoCloseable {
  private static final long CATCH_UP_MINUTES = 2;

  /** What an informer's own store keeps of each object. */
  public enum Storage {
    /** Identity, labels and resourceVersion ({@link SlimItemStore}); the handlers keep the rest. */
    SLIM,
    /** The whole object, as fabric8's default store does. */
    WHOLE
  }

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

  private final Storage storage;
  private final Logger log;
  private final List<Started> started = new ArrayList<>();

  /**
   * @param logger the caller's logger name: a failed handler is logged as the caller's
   */
  public InformerSet(Storage storage, String logger) {
    this.storage = storage;
    this.log = LoggerFactory.getLogger(logger);
  }

  /**
   * Adds an informer (not started) whose events go to {@code upsert} (added or changed) and
   * {@code delete}; a handler that throws is logged and the informer goes on.
   */
  public <T extends HasMetadata> void add(
      SharedIndexInformer<T> informer, Consumer<T> upsert, Consumer<T> delete) {
    CatchUp catchUp = new CatchUp();
    if (storage == Storage.SLIM) {
      informer.itemStore(new SlimItemStore<>());
    }
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

  /**
   * Starts the informers and returns once their caches synced and their handlers have seen the
   * initial lists: deciding before would see part of the cluster (a controller would write a
   * Service twice, a guard judge without the policies).
   */
  public void start() {
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
      log.warn("event handlers not caught up after {} minutes; going on", CATCH_UP_MINUTES);
    }
  }

  private void handle(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      log.error("event handling failed: {}", e.toString(), e);
    }
  }

  @Override
  public void close() {
    started.forEach(s -> s.informer().stop());
  }
}

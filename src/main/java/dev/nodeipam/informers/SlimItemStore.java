package dev.nodeipam.informers;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The informers' own store, holding only what the informer itself needs (identity, labels,
 * resourceVersion) instead of whole objects: the controller keeps its own records and the guard
 * its snapshot values, and a second full copy of every object (a Service with thousands of
 * published addresses, every pod of the cluster) would double the heap. Event handlers still
 * receive the complete objects from the watch.
 */
public final class SlimItemStore<T extends HasMetadata> implements ItemStore<T> {
  private final Map<String, T> items = new ConcurrentHashMap<>();

  @Override
  public String getKey(T object) {
    return Cache.metaNamespaceKeyFunc(object);
  }

  @Override
  public T put(String key, T object) {
    return items.put(key, slim(object));
  }

  @Override
  public T remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return items.values().stream();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return items.get(key);
  }

  /** The stored objects are not the full objects. */
  @Override
  public boolean isFullState() {
    return false;
  }

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> T slim(T object) {
    ObjectMeta m = object.getMetadata();
    ObjectMeta kept =
        new ObjectMetaBuilder()
            .withName(m.getName())
            .withNamespace(m.getNamespace())
            .withUid(m.getUid())
            .withResourceVersion(m.getResourceVersion())
            .withLabels(m.getLabels())
            .withDeletionTimestamp(m.getDeletionTimestamp())
            .build();
    try {
      T copy = (T) object.getClass().getDeclaredConstructor().newInstance();
      copy.setMetadata(kept);
      return copy;
    } catch (InstantiationException
        | IllegalAccessException
        | InvocationTargetException
        | NoSuchMethodException e) {
      // Not a plain model class: keep the object whole.
      return object;
    }
  }
}

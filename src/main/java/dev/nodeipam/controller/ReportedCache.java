package dev.nodeipam.controller;

import dev.nodeipam.reconcile.Reported;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What was already said about each Service, by its key: the one memo of the reconciler. A key is
 * reconciled by one worker at a time (the work queue sees to it), so a read, a decision and a put
 * for one key never interleave with another for the same key.
 */
final class ReportedCache {
  /** A Service by namespace and name. */
  record Key(String namespace, String name) {
    static Key of(String key) {
      int slash = key.indexOf('/');
      return new Key(key.substring(0, slash), key.substring(slash + 1));
    }
  }

  private final Map<Key, Reported> reported = new ConcurrentHashMap<>();

  Reported get(Key key) {
    return reported.getOrDefault(key, Reported.NONE);
  }

  void put(Key key, Reported value) {
    if (value.equals(Reported.NONE)) {
      reported.remove(key);
    } else {
      reported.put(key, value);
    }
  }
}

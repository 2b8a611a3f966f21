package dev.nodeipam.kube;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Files parsed and converted once for several loads of one command: {@code diff} reads two states
 * that mostly hold the same files (the same path with the same bytes, or a commit's blob and the
 * work tree's copy of it), and a file's objects depend only on its path (messages and source
 * locations name it), its text, whether it was found under a directory, and the namespace objects
 * without one go to. A file's result (its converted objects, or its problems) is immutable once
 * made, so both states share it. Keyed by a digest of the text, not the text, so that what is
 * kept between the loads is the objects only. Thread-safe: a load parses files in parallel.
 */
public final class ParsedFiles {
  private final Map<Key, ManifestLoader.FileResult> results = new ConcurrentHashMap<>();
  private final AtomicInteger parses = new AtomicInteger();

  /** What a file's result depends on. */
  private record Key(Path file, boolean underDirectory, String namespace, String digest) {}

  /** How many files were parsed and converted so far (a file shared by the loads counts once). */
  public int parses() {
    return parses.get();
  }

  /** The result of the file with this text: made by {@code parse} on first sight, else kept. */
  ManifestLoader.FileResult parsed(Path file, boolean underDirectory, String namespace,
      String text, Supplier<ManifestLoader.FileResult> parse) {
    Key key = new Key(file, underDirectory, namespace, digest(text));
    return results.computeIfAbsent(key, k -> {
      parses.incrementAndGet();
      return parse.get();
    });
  }

  private static String digest(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder out = new StringBuilder(hash.length * 2);
      for (byte b : hash) {
        out.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
      return out.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}

package dev.nodeipam.diff;

import java.util.Optional;

/**
 * Finds where a part of an object sits in the YAML it was read from. The diff core asks it with
 * what the snapshot already says of an object (its {@code source}, {@code file:line}) and a path
 * inside the object ({@code spec.externalIPs[0]}, {@code spec.egress[1]}); the adapter behind it
 * reads the files.
 */
public interface Locator {
  /**
   * The place of {@code path} inside the object read at {@code source}; the closest enclosing part
   * that exists when the path itself does not (a defaulted field), the object itself when {@code
   * path} is null or empty; empty when the source is no file (a live cluster).
   */
  Optional<Location> locate(String source, String path);

  /** For snapshots that come from no file. */
  Locator NONE = (source, path) -> Optional.empty();
}

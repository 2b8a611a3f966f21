package dev.nodeipam.kube;

import dev.nodeipam.diff.Location;
import dev.nodeipam.diff.Locator;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Locator} of manifests: reads a file's token positions the first time an object of it
 * is asked about (only the files a report points into are read twice), from the same tree the
 * snapshot was loaded from.
 */
public final class SourceLocator implements Locator {
  private final ManifestTree tree;
  private final Map<String, YamlPositions> files = new ConcurrentHashMap<>();

  public SourceLocator(ManifestTree tree) {
    this.tree = tree;
  }

  /** An object's source split: the file, the line its document starts on, a path inside it. */
  record Source(String file, int line, String prefix) {
    /** Reads {@code file:line} and {@code file:line items[3]} (an item of a List document). */
    static Source parse(String source) {
      if (source == null) {
        return null;
      }
      String s = source;
      String prefix = "";
      int items = s.indexOf(" items[");
      if (items > 0) {
        prefix = s.substring(items + 1);
        s = s.substring(0, items);
      }
      int colon = s.lastIndexOf(':');
      if (colon <= 0) {
        return null;
      }
      try {
        return new Source(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)), prefix);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  @Override
  public Optional<Location> locate(String source, String path) {
    Source s = Source.parse(source);
    if (s == null) {
      return Optional.empty();
    }
    YamlPositions positions = files.computeIfAbsent(s.file(), this::read);
    String full = s.prefix();
    if (path != null && !path.isEmpty()) {
      full = full.isEmpty() ? path : full + "." + path;
    }
    YamlPositions.Position p = positions.find(s.line(), full);
    if (p == null) {
      return Optional.of(new Location(s.file(), s.line(), 1));
    }
    return Optional.of(new Location(s.file(), p.line(), p.column()));
  }

  private YamlPositions read(String file) {
    String text;
    try {
      text = tree.read(Path.of(file));
    } catch (RuntimeException e) {
      return YamlPositions.of("", false); // gone since it was loaded: the object's line stays
    }
    return YamlPositions.of(text, file.endsWith(".json"));
  }
}

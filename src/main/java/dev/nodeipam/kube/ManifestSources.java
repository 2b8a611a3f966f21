package dev.nodeipam.kube;

import dev.nodeipam.snapshot.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code -f} names, as files to read: a file, every manifest file below a directory, or
 * standard input ({@code -f -}, as {@code kubectl apply -f -}). A directory that is a kustomization
 * or a Helm chart is not read as plain files: its files are inputs of a renderer (bases, patches,
 * templates), and read one by one they collide or fail to parse. Such a directory is refused with
 * the one command that renders it.
 */
final class ManifestSources {
  /** The name standard input goes by in messages. */
  static final Path STDIN = Path.of("<stdin>");

  private static final List<String> KUSTOMIZATIONS =
      List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

  /** A file to read, and whether it was found under a directory rather than named. */
  record Input(Path file, boolean underDirectory) {}

  /** The files to read, and the problems of the paths (one line each). */
  record Resolved(List<Input> inputs, List<String> problems) {}

  private ManifestSources() {}

  static Resolved resolve(List<Path> paths, ManifestTree tree, String command) {
    List<Input> inputs = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path path : paths) {
      if (path.toString().equals("-")) {
        inputs.add(new Input(STDIN, false));
      } else if (!tree.exists(path)) {
        problems.add(path + ": no such file or directory");
      } else if (!tree.isDirectory(path)) {
        inputs.add(new Input(path, false));
      } else {
        List<Path> below = tree.filesBelow(path);
        List<String> renderers = renderers(path, below, command);
        problems.addAll(renderers);
        if (renderers.isEmpty()) {
          below.stream().filter(ManifestSources::isManifest).sorted()
              .forEach(p -> inputs.add(new Input(p, true)));
        }
      }
    }
    return new Resolved(inputs, problems);
  }

  /**
   * One line per kustomization or Helm chart at or below the directory (the outermost ones only:
   * an overlay's bases are the overlay's business).
   */
  private static List<String> renderers(Path dir, List<Path> below, String command) {
    Set<Path> kustomizations = new TreeSet<>();
    Set<Path> charts = new TreeSet<>();
    for (Path p : below) {
      String name = p.getFileName().toString();
      if (KUSTOMIZATIONS.contains(name)) {
        kustomizations.add(p.getParent());
      } else if (name.equals("Chart.yaml")) {
        charts.add(p.getParent());
      }
    }
    List<String> out = new ArrayList<>();
    for (Path chart : outermost(charts)) {
      out.add(chart + ": a Helm chart, read it rendered: helm template NAME " + chart
          + " | nodeipam " + command + " -f -");
    }
    for (Path k : outermost(kustomizations)) {
      if (charts.stream().noneMatch(k::startsWith)) {
        // diff renders a kustomization at both revisions (--base) or both directories (-k alone).
        out.add(k + ": a kustomization, read it rendered: nodeipam " + command
            + (command.equals("diff") ? " --base REF -k " + k + " (or -k --before OLD --after NEW)"
                : " -k " + k));
      }
    }
    return out;
  }

  private static List<Path> outermost(Set<Path> dirs) {
    return dirs.stream()
        .filter(d -> dirs.stream().noneMatch(o -> !o.equals(d) && d.startsWith(o))).toList();
  }

  private static boolean isManifest(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  /** Standard input's text, read once. */
  static String readAll(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException(STDIN + ": cannot read: " + e.getMessage());
    }
  }
}

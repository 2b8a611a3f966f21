package dev.nodeipam.cli;

import dev.nodeipam.snapshot.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code -k DIR}: the kustomization rendered as {@code kubectl apply -k} renders it, by {@code
 * kubectl kustomize DIR} or else {@code kustomize build DIR}, whichever is on the PATH.
 */
final class Kustomize {
  private Kustomize() {}

  /** The rendered stream of objects. */
  static InputStream render(Path dir, Map<String, String> env) {
    if (!Files.isDirectory(dir)) {
      throw new BadInputException(dir + ": no such directory (-k takes a kustomization's"
          + " directory)");
    }
    List<String> command;
    if (onPath("kubectl", env)) {
      command = List.of("kubectl", "kustomize", dir.toString());
    } else if (onPath("kustomize", env)) {
      command = List.of("kustomize", "build", dir.toString());
    } else {
      throw new BadInputException("-k " + dir + ": neither kubectl nor kustomize is on the PATH;"
          + " install one, or render elsewhere and read the result with -f -");
    }
    try {
      Path errors = Files.createTempFile("nodeipam-kustomize", ".err");
      try {
        Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
          String why = Files.readString(errors).strip().lines().findFirst().orElse("failed");
          throw new BadInputException("-k " + dir + ": " + String.join(" ", command) + ": " + why);
        }
        return new ByteArrayInputStream(out);
      } finally {
        Files.deleteIfExists(errors);
      }
    } catch (IOException e) {
      throw new BadInputException("-k " + dir + ": cannot run " + command.get(0) + ": "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BadInputException("-k " + dir + ": interrupted");
    }
  }

  static boolean onPath(String program, Map<String, String> env) {
    String path = env.getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

}

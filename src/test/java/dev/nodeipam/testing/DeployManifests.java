package dev.nodeipam.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The objects of {@code deploy/} as {@code kubectl apply -k deploy/} would send them: rendered by
 * {@code kubectl kustomize} when kubectl is on the PATH, else read from the files the kustomization
 * lists (then without its labels and image transformers, which RBAC does not depend on).
 */
public final class DeployManifests {
  public static final Path DEPLOY = Path.of("deploy");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private DeployManifests() {}

  /** kubectl on the PATH, or null. */
  public static Path kubectl() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "kubectl");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  public static List<HasMetadata> render() {
    return render(DEPLOY);
  }

  /** The objects of a kustomization folder ({@code deploy/}, {@code deploy/guard/}). */
  public static List<HasMetadata> render(Path dir) {
    Path kubectl = kubectl();
    return kubectl != null ? parse(kustomize(kubectl, dir)) : fromFiles(dir);
  }

  private static String kustomize(Path kubectl, Path dir) {
    try {
      Process p =
          new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kubectl kustomize " + dir + " failed");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<HasMetadata> fromFiles(Path dir) {
    try {
      Map<String, Object> k =
          SERIALIZATION.unmarshal(
              Files.readString(dir.resolve("kustomization.yaml")), Map.class);
      List<HasMetadata> all = new ArrayList<>();
      for (String file : (List<String>) k.get("resources")) {
        all.addAll(parse(Files.readString(dir.resolve(file))));
      }
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<HasMetadata> parse(String yaml) {
    Object parsed = SERIALIZATION.unmarshal(yaml);
    List<HasMetadata> all = new ArrayList<>();
    if (parsed instanceof List<?> list) {
      list.forEach(o -> all.add((HasMetadata) o));
    } else {
      all.add((HasMetadata) parsed);
    }
    return all;
  }
}

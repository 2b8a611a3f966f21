package dev.nodeipam.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nodeipam.snapshot.BadInputException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Connects to a cluster as kubectl finds it: {@code --kubeconfig}, else {@code KUBECONFIG}, else
 * {@code ~/.kube/config}, else the in-cluster service account. Unlike the client's own search, a
 * kubeconfig that is named but missing, empty or malformed is an error naming the file, never a
 * silent fall-back to in-cluster config; and a server that does not answer fails in seconds, not
 * after the client's retries.
 */
public final class KubeClients {
  /** How long to wait for a TCP connection; an unreachable server should fail fast. */
  static final int CONNECT_TIMEOUT_MS = 5_000;

  private KubeClients() {}

  /** A client and the words that name its server in messages. */
  public record Connection(KubernetesClient client, String where) implements AutoCloseable {
    @Override
    public void close() {
      client.close();
    }
  }

  /**
   * A client for the controller: the kubeconfig's current context, and the client's own retries,
   * since a long-running process should ride out a restarting API server.
   */
  public static KubernetesClient connect(Path kubeconfig) {
    return open(kubeconfig, null, System.getenv(), false).client();
  }

  /**
   * A client for a one-shot command, for the given kubeconfig (or the usual search when null) and
   * context (or the current one when null); it fails within seconds when the server is not there.
   */
  public static Connection open(Path kubeconfig, String context, Map<String, String> env) {
    return open(kubeconfig, context, env, true);
  }

  private static Connection open(
      Path kubeconfig, String context, Map<String, String> env, boolean failFast) {
    List<Path> files = new ArrayList<>();
    if (kubeconfig != null) {
      files.add(kubeconfig);
    } else if (env.get("KUBECONFIG") != null && !env.get("KUBECONFIG").isBlank()) {
      for (String part : env.get("KUBECONFIG").split(File.pathSeparator)) {
        if (!part.isBlank()) {
          files.add(Path.of(part));
        }
      }
    } else {
      Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
      if (Files.exists(home)) {
        files.add(home);
      }
    }
    if (files.isEmpty()) {
      if (env.get("KUBERNETES_SERVICE_HOST") == null) {
        throw new BadInputException(
            "no cluster to read: give manifests with -f PATH, a kubeconfig with --kubeconfig FILE"
                + " or KUBECONFIG, or run inside a cluster");
      }
      Config config = Config.autoConfigure(null);
      tune(config, failFast);
      return new Connection(
          new KubernetesClientBuilder().withConfig(config).build(),
          config.getMasterUrl() + " (in-cluster service account)");
    }
    for (Path file : files) {
      check(file);
    }
    Path file = files.get(0);
    JsonNode tree = read(file);
    String chosen = context != null ? context : tree.path("current-context").asText("");
    List<String> contexts = new ArrayList<>();
    tree.path("contexts").forEach(c -> contexts.add(c.path("name").asText("")));
    if (chosen.isEmpty()) {
      throw new BadInputException(
          file + ": kubeconfig has no current-context; choose one with --context (contexts: "
              + (contexts.isEmpty() ? "none" : String.join(", ", contexts)) + ")");
    }
    if (!contexts.contains(chosen)) {
      throw new BadInputException(
          file + ": kubeconfig has no context " + chosen + " (contexts: "
              + (contexts.isEmpty() ? "none" : String.join(", ", contexts)) + ")");
    }
    Config config;
    try {
      config = Config.fromKubeconfig(chosen, Files.readString(file), file.toString());
    } catch (IOException | RuntimeException e) {
      throw new BadInputException(file + ": invalid kubeconfig: " + firstLine(e));
    }
    tune(config, failFast);
    return new Connection(
        new KubernetesClientBuilder().withConfig(config).build(),
        strip(config.getMasterUrl()) + " (kubeconfig " + file + ", context " + chosen + ")");
  }

  private static void tune(Config config, boolean failFast) {
    if (failFast) {
      config.setConnectionTimeout(CONNECT_TIMEOUT_MS);
      // The client retries failed requests with back-off for ~20 s by default; a CLI should say
      // at once that the server is not there.
      config.setRequestRetryBackoffLimit(0);
    }
  }

  private static void check(Path file) {
    if (Files.isDirectory(file)) {
      throw new BadInputException(file + ": kubeconfig is a directory, not a file");
    }
    if (!Files.exists(file)) {
      throw new BadInputException(file + ": no such kubeconfig file");
    }
  }

  private static JsonNode read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new BadInputException(file + ": no such kubeconfig file");
    } catch (AccessDeniedException e) {
      throw new BadInputException(file + ": cannot read kubeconfig: permission denied");
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read kubeconfig: " + e.getMessage());
    }
    if (text.isBlank()) {
      throw new BadInputException(file + ": kubeconfig is empty");
    }
    JsonNode tree;
    try {
      tree = new YAMLMapper().readTree(text);
    } catch (JsonProcessingException e) {
      String line = e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr();
      throw new BadInputException(
          file
              + line
              + ": malformed kubeconfig: "
              + ParserMessages.problem(e.getOriginalMessage()));
    }
    if (tree == null || !tree.isObject() || !tree.has("clusters") && !tree.has("contexts")) {
      throw new BadInputException(
          file + ": not a kubeconfig (expected a YAML mapping with clusters, contexts and users)");
    }
    return tree;
  }

  private static String strip(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String firstLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m);
  }
}

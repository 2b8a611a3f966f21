package dev.nodeipam.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A kubeconfig file with one cluster, one user and one context, for another process. */
public final class Kubeconfig {
  private Kubeconfig() {}

  /**
   * Writes {@code file}.
   *
   * @param cluster how to trust the server, e.g. {@code certificate-authority-data: BASE64}
   * @param user how to authenticate, e.g. {@code token: TOKEN}
   */
  public static Path write(
      Path file, String server, Map<String, String> cluster, Map<String, String> user) {
    StringBuilder yaml =
        new StringBuilder("apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n");
    yaml.append("    server: ").append(server).append('\n');
    cluster.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
    yaml.append("users:\n- name: test\n  user:\n");
    user.forEach((k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
    yaml.append("contexts:\n- name: test\n  context: {cluster: test, user: test}\n");
    yaml.append("current-context: test\n");
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}

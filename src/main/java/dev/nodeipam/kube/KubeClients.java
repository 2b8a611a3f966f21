package dev.nodeipam.kube;

import dev.nodeipam.snapshot.BadInputException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Connects to a cluster: an explicit kubeconfig, else {@code KUBECONFIG}, else in-cluster. */
public final class KubeClients {
  private KubeClients() {}

  public static KubernetesClient connect(Path kubeconfig) {
    if (kubeconfig == null) {
      return new KubernetesClientBuilder().build();
    }
    String text;
    try {
      text = Files.readString(kubeconfig);
    } catch (IOException e) {
      throw new BadInputException(kubeconfig + ": cannot read kubeconfig: " + e.getMessage());
    }
    Config config;
    try {
      config = Config.fromKubeconfig(text);
    } catch (RuntimeException e) {
      throw new BadInputException(kubeconfig + ": invalid kubeconfig: " + e.getMessage());
    }
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}

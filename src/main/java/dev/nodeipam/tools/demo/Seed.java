package dev.nodeipam.tools.demo;

import dev.nodeipam.snapshot.BadInputException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Manifests to load into the in-process API server, with the defaults the real one would add. */
public final class Seed {
  private Seed() {}

  /** Every object of every .yaml, .yml and .json file below the directory, in file order. */
  public static List<HasMetadata> read(Path dir) {
    KubernetesSerialization serialization = new KubernetesSerialization();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files =
          walk.filter(Files::isRegularFile)
              .filter(p -> p.toString().matches(".*\\.(ya?ml|json)$"))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new BadInputException(dir + ": cannot read: " + e.getMessage());
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        collect(serialization.unmarshal(in), objects);
      } catch (IOException | RuntimeException e) {
        throw new BadInputException(file + ": cannot read manifest: " + e.getMessage());
      }
    }
    return objects;
  }

  private static void collect(Object parsed, List<HasMetadata> into) {
    if (parsed instanceof KubernetesList list) {
      list.getItems().forEach(item -> collect(item, into));
    } else if (parsed instanceof List<?> list) {
      list.forEach(item -> collect(item, into));
    } else if (parsed instanceof HasMetadata object) {
      into.add(object);
    }
  }

  /** Creates the objects, namespaces first, filling in what the API server would default. */
  public static void apply(KubernetesClient client, List<HasMetadata> objects) {
    List<HasMetadata> ordered = new ArrayList<>();
    objects.stream().filter(o -> "Namespace".equals(o.getKind())).forEach(ordered::add);
    objects.stream().filter(o -> !"Namespace".equals(o.getKind())).forEach(ordered::add);
    for (HasMetadata object : ordered) {
      if (object instanceof Service service) {
        defaults(service);
      }
      client.resource(object).create();
    }
  }

  /** The Service defaults the mock API server leaves out and the decision reads. */
  static void defaults(Service service) {
    ServiceSpec spec = service.getSpec();
    if (spec == null) {
      return;
    }
    if (spec.getType() == null) {
      spec.setType("ClusterIP");
    }
    if (spec.getIpFamilies() == null || spec.getIpFamilies().isEmpty()) {
      spec.setIpFamilies(List.of("IPv4"));
    }
    if (spec.getIpFamilyPolicy() == null) {
      spec.setIpFamilyPolicy("SingleStack");
    }
    if (spec.getExternalTrafficPolicy() == null
        && ("LoadBalancer".equals(spec.getType()) || "NodePort".equals(spec.getType()))) {
      spec.setExternalTrafficPolicy("Cluster");
    }
  }
}

package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** deploy/: the manifests parse, and say what the deployment conventions require. */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("deploy");
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  @SuppressWarnings("unchecked")
  private List<String> kustomizeResources() throws IOException {
    Map<String, Object> k =
        serialization.unmarshal(Files.readString(DEPLOY.resolve("kustomization.yaml")), Map.class);
    return (List<String>) k.get("resources");
  }

  private List<HasMetadata> objects() throws IOException {
    List<HasMetadata> all = new ArrayList<>();
    for (String file : kustomizeResources()) {
      Object parsed = serialization.unmarshal(Files.readString(DEPLOY.resolve(file)));
      if (parsed instanceof List<?> list) {
        list.forEach(o -> all.add((HasMetadata) o));
      } else {
        all.add((HasMetadata) parsed);
      }
    }
    return all;
  }

  private <T extends HasMetadata> T one(Class<T> type, String name) throws IOException {
    return objects().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void everyYamlFileIsListedAndParses() throws IOException {
    List<String> onDisk;
    try (var files = Files.list(DEPLOY)) {
      onDisk =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".yaml") && !n.equals("kustomization.yaml"))
              .sorted()
              .toList();
    }
    assertThat(kustomizeResources()).containsExactlyInAnyOrderElementsOf(onDisk);
    assertThat(objects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains(
            "Namespace/nodeipam-system",
            "ServiceAccount/nodeipam",
            "ClusterRole/nodeipam",
            "ClusterRoleBinding/nodeipam",
            "Role/nodeipam-leader-election",
            "RoleBinding/nodeipam-leader-election",
            "Deployment/nodeipam");
  }

  private static Map<String, String> rules(List<PolicyRule> rules) {
    return rules.stream()
        .flatMap(
            r ->
                r.getResources().stream()
                    .map(
                        res ->
                            Map.entry(
                                (r.getApiGroups().get(0).isEmpty()
                                        ? ""
                                        : r.getApiGroups().get(0) + "/")
                                    + res,
                                String.join(",", r.getVerbs()))))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  @Test
  void theClusterRoleIsLeastPrivilege() throws IOException {
    assertThat(rules(one(ClusterRole.class, "nodeipam").getRules()))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "services", "list,watch",
                "services/status", "patch",
                "nodes", "list,watch",
                "discovery.k8s.io/endpointslices", "list,watch",
                "events", "create"));
    Role leases = one(Role.class, "nodeipam-leader-election");
    assertThat(leases.getMetadata().getNamespace()).isEqualTo("nodeipam-system");
    assertThat(rules(leases.getRules()))
        // fabric8's LeaderElector renews, takes over and releases with PATCH, never PUT: the
        // real-server run in RbacTest fails without patch.
        .containsExactlyEntriesOf(Map.of("coordination.k8s.io/leases", "get,create,patch"));
    Role checks = one(Role.class, "nodeipam-safety-checks");
    assertThat(checks.getMetadata().getNamespace()).isEqualTo("kube-system");
    assertThat(checks.getRules().get(0).getResourceNames())
        .containsExactlyInAnyOrder("cilium-config", "kube-proxy");
  }

  @Test
  void theDeploymentRunsTwoHardenedReplicasWithProbesAndTheDownwardApi() throws IOException {
    Deployment d = one(Deployment.class, "nodeipam");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("nodeipam");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = pod.getContainers().get(0);
    assertThat(c.getArgs()).startsWith("controller");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    Map<String, EnvVar> env =
        c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.namespace");
    assertThat(env.get("JAVA_TOOL_OPTIONS").getValue()).contains("-XX:MaxRAMPercentage=75");
  }
}

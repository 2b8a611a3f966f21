package dev.nodeipam.guard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.testing.DeployManifests;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/guard/} as {@code kubectl kustomize} renders it (or its files, without kubectl):
 * never in the way (failurePolicy Ignore, timeout at most 5 s, its own namespace and kube-system
 * excluded), hardened replicas, read-only RBAC, and the cert-manager chain whose CA is injected.
 * The admission registration fields as k8s.io/api admissionregistration/v1 types.go defines them.
 */
class GuardDeployTest {
  static final Path GUARD = Path.of("deploy/guard");
  private final List<HasMetadata> objects = DeployManifests.render(GUARD);

  private <T extends HasMetadata> T one(Class<T> type, String kind, String name) {
    return objects.stream().filter(type::isInstance).map(type::cast)
        .filter(o -> kind.equals(o.getKind()) && o.getMetadata().getName().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  @Test
  void theWebhookIsNeverInTheWayAndJudgesExactlyTheKindsTheGuardReads() {
    ValidatingWebhook w = one(ValidatingWebhookConfiguration.class,
        "ValidatingWebhookConfiguration", "nodeipam-guard").getWebhooks().get(0);
    assertThat(w.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(w.getTimeoutSeconds()).isBetween(1, 5);
    assertThat(w.getSideEffects()).isEqualTo("NoneOnDryRun");
    assertThat(w.getAdmissionReviewVersions()).containsExactly("v1");
    var excluded = w.getNamespaceSelector().getMatchExpressions().get(0);
    assertThat(excluded.getKey()).isEqualTo("kubernetes.io/metadata.name");
    assertThat(excluded.getOperator()).isEqualTo("NotIn");
    assertThat(excluded.getValues()).containsExactlyInAnyOrder("nodeipam-system", "kube-system");
    assertThat(w.getRules().stream().flatMap(r -> r.getResources().stream()))
        .containsExactlyInAnyOrder("services", "services/status", "networkpolicies",
            "ciliumnetworkpolicies", "ciliumclusterwidenetworkpolicies");
    assertThat(w.getRules()).allSatisfy(r -> assertThat(r.getOperations())
        .containsExactly("CREATE", "UPDATE"));
    Service svc = one(Service.class, "Service", "nodeipam-guard");
    assertThat(w.getClientConfig().getService().getName()).isEqualTo("nodeipam-guard");
    assertThat(w.getClientConfig().getService().getNamespace()).isEqualTo("nodeipam-system");
    assertThat(w.getClientConfig().getService().getPath()).isEqualTo("/validate");
    assertThat(w.getClientConfig().getService().getPort())
        .isEqualTo(svc.getSpec().getPorts().get(0).getPort());
  }

  @Test
  @SuppressWarnings("unchecked")
  void theCaIsInjectedFromACertManagerChainTheServingCertificateNamesTheService() {
    String inject = one(ValidatingWebhookConfiguration.class, "ValidatingWebhookConfiguration",
        "nodeipam-guard").getMetadata().getAnnotations().get("cert-manager.io/inject-ca-from");
    assertThat(inject).isEqualTo("nodeipam-system/nodeipam-guard");
    Map<String, Object> serving =
        spec(one(GenericKubernetesResource.class, "Certificate", "nodeipam-guard"));
    assertThat((List<Object>) serving.get("dnsNames"))
        .contains("nodeipam-guard.nodeipam-system.svc");
    String caIssuer = (String) ((Map<?, ?>) serving.get("issuerRef")).get("name");
    Map<?, ?> ca = (Map<?, ?>) spec(one(GenericKubernetesResource.class, "Issuer", caIssuer))
        .get("ca");
    Map<String, Object> caCert =
        spec(one(GenericKubernetesResource.class, "Certificate", "nodeipam-guard-ca"));
    assertThat(ca.get("secretName")).isEqualTo(caCert.get("secretName"));
    assertThat(caCert.get("isCA")).isEqualTo(true);
    String root = (String) ((Map<?, ?>) caCert.get("issuerRef")).get("name");
    assertThat(spec(one(GenericKubernetesResource.class, "Issuer", root)))
        .containsKey("selfSigned");
    PodSpec pod = one(Deployment.class, "Deployment", "nodeipam-guard").getSpec().getTemplate()
        .getSpec();
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret().getSecretName())
        .isEqualTo(serving.get("secretName")));
  }

  @Test
  void twoHardenedStatelessReplicasServeTheWebhookPortTheServiceTargets() {
    Deployment d = one(Deployment.class, "Deployment", "nodeipam-guard");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("nodeipam-guard");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container c = pod.getContainers().get(0);
    assertThat(c.getArgs()).startsWith("guard").contains("--listen=0.0.0.0:8443",
        "--tls-cert-file=/tls/tls.crt", "--tls-private-key-file=/tls/tls.key");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    Service svc = one(Service.class, "Service", "nodeipam-guard");
    String target = svc.getSpec().getPorts().get(0).getTargetPort().getStrVal();
    assertThat(c.getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo(target);
      assertThat(p.getContainerPort()).isEqualTo(8443);
    });
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(svc.getSpec().getSelector());
    PodDisruptionBudget pdb =
        one(PodDisruptionBudget.class, "PodDisruptionBudget", "nodeipam-guard");
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
  }

  @Test
  void theRbacReadsWithListAndWatchAndWritesOnlyEvents() {
    List<PolicyRule> rules = one(ClusterRole.class, "ClusterRole", "nodeipam-guard").getRules();
    Set<String> writes = rules.stream().filter(r -> !Set.of("list", "watch")
        .containsAll(r.getVerbs())).flatMap(r -> r.getResources().stream())
        .collect(Collectors.toSet());
    assertThat(writes).containsExactly("events");
    assertThat(rules).filteredOn(r -> r.getResources().contains("events"))
        .allSatisfy(r -> assertThat(r.getVerbs()).containsExactly("create"));
    Role config = one(Role.class, "Role", "nodeipam-guard-cilium-config");
    assertThat(config.getMetadata().getNamespace()).isEqualTo("kube-system");
    assertThat(config.getRules().get(0).getResourceNames()).containsExactly("cilium-config");
    assertThat(config.getRules().get(0).getVerbs()).containsExactly("list", "watch");
  }
}

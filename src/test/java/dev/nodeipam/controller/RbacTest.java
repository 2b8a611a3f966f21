package dev.nodeipam.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.nodeipam.ipam.NodeIpamOptions;
import dev.nodeipam.testing.DeployManifests;
import dev.nodeipam.testing.RealApiServer;
import dev.nodeipam.testing.RequestLog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributesBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The RBAC of deploy/ against what the controller really does on a real API server: every request
 * of a full run (start-up checks, informers, leader election with renewals and release, status
 * writes, Events) is recorded with the server's answer.
 */
class RbacTest {
  private static final String SA_NAMESPACE = "nodeipam-system";
  private static RequestLog shippedRun;

  private final RealApiServer server = RealApiServer.shared();

  /** The run as the shipped ServiceAccount, once for the tests that read it. */
  private synchronized RequestLog shippedRun() {
    if (shippedRun == null) {
      server.applyDeployManifests();
      shippedRun = run("nodeipam", true);
    }
    return shippedRun;
  }

  /**
   * Start-up checks, then a leader-elected controller that publishes a Cluster and a Local Service,
   * renews its Lease at least once, records Events, and releases the Lease on close.
   */
  private RequestLog run(String serviceAccount, boolean expectLeading) {
    RequestLog log = new RequestLog();
    String ns = server.newNamespace("rbac");
    String lease = "rbac-" + UUID.randomUUID().toString().substring(0, 6);
    try (ControllerFixture f = new ControllerFixture();
        KubernetesClient client = server.clientAs(SA_NAMESPACE, serviceAccount, log)) {
      f.createNode("n1", Map.of(), "10.0.0.1", null);
      server.admin().resource(ControllerFixture.lb(ns, "cluster", Map.of()).build()).create();
      server
          .admin()
          .resource(
              ControllerFixture.lb(ns, "local", Map.of())
                  .editSpec()
                  .withExternalTrafficPolicy("Local")
                  .endSpec()
                  .build())
          .create();
      server.admin().resource(ControllerFixture.slice(ns, "local-1", "local", "n1", true)).create();
      SafetyChecks.check(client, NodeIpamOptions.reference());
      ControllerSettings settings =
          ControllerFixture.settings("rbac-" + serviceAccount)
              .withLeaderElection(
                  true,
                  SA_NAMESPACE,
                  lease,
                  Duration.ofSeconds(3),
                  Duration.ofSeconds(2),
                  Duration.ofMillis(300));
      try (NodeIpamController c =
          new NodeIpamController(
              client, settings, new ControllerMetrics(new PrometheusRegistry()), x -> {})) {
        c.start();
        if (expectLeading) {
          await().atMost(ControllerFixture.LIMIT).until(c::isLeader);
          await()
              .atMost(ControllerFixture.LIMIT)
              .until(() -> ingress(ns, "cluster").equals(List.of("10.0.0.1")));
          await()
              .atMost(ControllerFixture.LIMIT)
              .until(() -> ingress(ns, "local").equals(List.of("10.0.0.1")));
          await().atMost(ControllerFixture.LIMIT).until(() -> renewedOnce(lease));
        } else {
          await().atMost(ControllerFixture.LIMIT).until(() -> !log.forbidden().isEmpty());
        }
      }
      for (String name : List.of("cluster", "local")) {
        server.admin().services().inNamespace(ns).withName(name).delete();
      }
    }
    return log;
  }

  private List<String> ingress(String ns, String name) {
    var s = server.admin().services().inNamespace(ns).withName(name).get();
    return s.getStatus().getLoadBalancer().getIngress().stream().map(i -> i.getIp()).toList();
  }

  private boolean renewedOnce(String lease) {
    Lease l = server.admin().leases().inNamespace(SA_NAMESPACE).withName(lease).get();
    return l != null
        && l.getSpec().getRenewTime() != null
        && !l.getSpec().getRenewTime().equals(l.getSpec().getAcquireTime());
  }

  @Test
  void theShippedRbacGrantsEveryRequestTheControllerMakes() {
    RequestLog log = shippedRun();
    assertThat(log.forbidden()).isEmpty();
    // Non-vacuous: the run did read, watch, write status, record Events, lead and renew.
    assertThat(log.permissionsUsed())
        .contains(
            "list services",
            "watch services",
            "list nodes",
            "watch nodes",
            "list discovery.k8s.io/endpointslices",
            "watch discovery.k8s.io/endpointslices",
            "patch services/status",
            "create events",
            "get configmaps",
            "get coordination.k8s.io/leases",
            "create coordination.k8s.io/leases",
            "patch coordination.k8s.io/leases");
  }

  @Test
  void aGrantMissingAVerbTheControllerNeedsFailsTheRun() {
    // The Lease Role as deploy/ shipped it before: get, create, update; fabric8's LeaderElector
    // renews with PATCH. The same run as above, bound to that, is caught at its first renewal.
    String sa = "narrow-" + UUID.randomUUID().toString().substring(0, 6);
    server.applyDeployManifests();
    server.ensureServiceAccount(SA_NAMESPACE, sa);
    bindLike(
        sa,
        rule ->
            rule.getResources().contains("leases")
                ? new PolicyRuleBuilder(rule).withVerbs("get", "create", "update").build()
                : rule);
    RequestLog log = run(sa, false);
    assertThat(log.forbidden())
        .extracting(RequestLog.Call::permission)
        .contains("patch coordination.k8s.io/leases");
  }

  @Test
  void theGrantIsExactlyWhatTheControllerUses() {
    Set<String> granted = new TreeSet<>();
    for (HasMetadata o : DeployManifests.render()) {
      List<PolicyRule> rules =
          o instanceof ClusterRole cr ? cr.getRules() : o instanceof Role r ? r.getRules() : null;
      if (rules == null) {
        continue;
      }
      for (PolicyRule rule : rules) {
        for (String group : rule.getApiGroups()) {
          for (String resource : rule.getResources()) {
            for (String verb : rule.getVerbs()) {
              granted.add(verb + " " + (group.isEmpty() ? "" : group + "/") + resource);
            }
          }
        }
      }
    }
    assertThat(granted).isEqualTo(shippedRun().permissionsUsed());
  }

  @Test
  void theServiceAccountMayNotReadSecretsWriteServiceSpecsOrWriteNodes() {
    server.applyDeployManifests();
    List<String> allowed = new ArrayList<>();
    String[][] denied = {
      {"get", "", "secrets", "", "nodeipam-system"},
      {"list", "", "secrets", "", ""},
      {"watch", "", "secrets", "", "kube-system"},
      {"update", "", "services", "", "default"},
      {"patch", "", "services", "", "default"},
      {"delete", "", "services", "", "default"},
      {"create", "", "services", "", "default"},
      {"update", "", "services", "status", "default"},
      {"create", "", "nodes", "", ""},
      {"update", "", "nodes", "", ""},
      {"patch", "", "nodes", "", ""},
      {"delete", "", "nodes", "", ""},
      {"patch", "", "nodes", "status", ""},
      {"delete", "", "events", "", "default"},
      {"get", "", "configmaps", "", "default"},
      {"list", "", "configmaps", "", "kube-system"},
      {"get", "coordination.k8s.io", "leases", "", "kube-system"},
      {"delete", "coordination.k8s.io", "leases", "", "nodeipam-system"},
      {"create", "", "pods", "", "default"},
      {"escalate", "rbac.authorization.k8s.io", "clusterroles", "", ""},
    };
    for (String[] d : denied) {
      if (allowed(d[0], d[1], d[2], d[3], d[4], null)) {
        allowed.add(String.join(" ", d));
      }
    }
    assertThat(allowed).as("permissions the ServiceAccount must not have").isEmpty();
    // Non-vacuous: the review does answer yes where the grant is.
    assertThat(allowed("patch", "", "services", "status", "default", null)).isTrue();
    assertThat(allowed("get", "", "configmaps", "", "kube-system", "cilium-config")).isTrue();
  }

  private boolean allowed(
      String verb, String group, String resource, String sub, String ns, String name) {
    SubjectAccessReview review =
        new SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser("system:serviceaccount:" + SA_NAMESPACE + ":nodeipam")
            .withGroups(
                "system:serviceaccounts",
                "system:serviceaccounts:" + SA_NAMESPACE,
                "system:authenticated")
            .withResourceAttributes(
                new ResourceAttributesBuilder()
                    .withVerb(verb)
                    .withGroup(group)
                    .withResource(resource)
                    .withSubresource(sub)
                    .withNamespace(ns)
                    .withName(name)
                    .build())
            .endSpec()
            .build();
    return server
        .admin()
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }

  private static Subject subject(String serviceAccount) {
    return new SubjectBuilder()
        .withKind("ServiceAccount")
        .withName(serviceAccount)
        .withNamespace(SA_NAMESPACE)
        .build();
  }

  /** Binds {@code sa} to copies of deploy/'s roles, each rule passed through {@code edit}. */
  private void bindLike(String sa, UnaryOperator<PolicyRule> edit) {
    KubernetesClient admin = server.admin();
    for (HasMetadata o : DeployManifests.render()) {
      if (o instanceof ClusterRole cr) {
        String name = sa;
        admin
            .resource(
                new ClusterRoleBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .endMetadata()
                    .withRules(cr.getRules().stream().map(edit).toList())
                    .build())
            .create();
        admin
            .resource(
                new ClusterRoleBindingBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", name)
                    .withSubjects(subject(sa))
                    .build())
            .create();
      } else if (o instanceof Role r) {
        String ns = r.getMetadata().getNamespace();
        String name = sa + "-" + r.getMetadata().getName();
        admin
            .resource(
                new RoleBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(ns)
                    .endMetadata()
                    .withRules(r.getRules().stream().map(edit).toList())
                    .build())
            .create();
        admin
            .resource(
                new RoleBindingBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(ns)
                    .endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "Role", name)
                    .withSubjects(subject(sa))
                    .build())
            .create();
      }
    }
  }
}

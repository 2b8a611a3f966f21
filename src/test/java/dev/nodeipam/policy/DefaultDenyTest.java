package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import dev.nodeipam.policy.explanation.Outcome;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.PolicyRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Section 5 (default deny) and the deny precedence of section 1. */
class DefaultDenyTest {
  private static TestCluster cluster() {
    return new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("db/pg", "n1", "10.0.2.7", Map.of("app", "pg"), port("pg", 5432));
  }

  /** One expected property of a verdict, read by {@code actual}. */
  private record Check(String what, Function<Verdict, Object> actual, Object expected) {}

  /** Policies, a flow traced under settings, and what its verdict must say. */
  private record DenyCase(
      String name,
      List<String> policies,
      String from,
      String ip,
      int port,
      String[] settings,
      List<Check> checks) {
    static DenyCase of(String name, String from, String ip, int port, String... policies) {
      return new DenyCase(name, List.of(policies), from, ip, port, new String[0], List.of());
    }

    DenyCase with(String... keysAndValues) {
      return new DenyCase(name, policies, from, ip, port, keysAndValues, checks);
    }

    DenyCase expect(Check... more) {
      List<Check> all = new ArrayList<>(checks);
      all.addAll(List.of(more));
      return new DenyCase(name, policies, from, ip, port, settings, all);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static Check outcome(Outcome outcome) {
    return new Check("outcome", Verdict::outcome, outcome);
  }

  private static Check dropReason(int reason) {
    return new Check("drop reason", Verdict::dropReason, reason);
  }

  private static Check egressDropReason(int reason) {
    return new Check("egress drop reason", v -> egress(v).dropReason(), reason);
  }

  private static Check ingressDropReason(int reason) {
    return new Check("ingress drop reason", v -> ingress(v).dropReason(), reason);
  }

  private static Check egressDefaultDeny(boolean on) {
    return new Check("egress default deny", v -> egress(v).defaultDeny(), on);
  }

  private static Check ingressDefaultDeny(boolean on) {
    return new Check("ingress default deny", v -> ingress(v).defaultDeny(), on);
  }

  private static Check egressEnforced(boolean enforced) {
    return new Check("egress enforced", v -> egress(v).enforced(), enforced);
  }

  private static Check egressDefaultDenyBy(String... policies) {
    return new Check("egress default deny by", v -> names(egress(v).defaultDenyBy()),
        List.of(policies));
  }

  private static Check ingressDefaultDenyBy(String... policies) {
    return new Check("ingress default deny by", v -> names(ingress(v).defaultDenyBy()),
        List.of(policies));
  }

  private static Check egressDeniedBy(String... policies) {
    return new Check("egress denied by", v -> names(egress(v).deniedBy()), List.of(policies));
  }

  private static SideVerdict egress(Verdict v) {
    return v.destinations().get(0).egress();
  }

  private static SideVerdict ingress(Verdict v) {
    return v.destinations().get(0).ingress();
  }

  private static List<String> names(List<PolicyRef> policies) {
    return policies.stream().map(PolicyRef::name).toList();
  }

  private static final String NP_LOCK =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: lock, namespace: app}
      spec:
        podSelector: {}
      """;

  private static final String NP_DNS_ONLY =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: dns-only, namespace: app}
      spec:
        podSelector: {}
        egress:
        - ports: [{port: 53, protocol: UDP}]
      """;

  private static final String NP_INGRESS_ONLY_WITH_EGRESS =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: ingress-only, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Ingress]
        egress:
        - to: [{ipBlock: {cidr: 1.1.1.1/32}}]
      """;

  private static final String CCNP_ALLOW_DNS_NO_DEFAULT_DENY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: allow-dns}
      spec:
        endpointSelector: {}
        enableDefaultDeny: {egress: false}
        egress:
        - toEntities: [world]
          toPorts: [{ports: [{port: "53", protocol: UDP}]}]
      """;

  private static final String CNP_NO_METADATA =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: no-metadata, namespace: app}
      spec:
        endpointSelector: {}
        egressDeny:
        - toCIDR: [169.254.169.254/32]
      """;

  private static final String CNP_NO_METADATA_NO_DEFAULT_DENY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: no-metadata, namespace: app}
      spec:
        endpointSelector: {}
        enableDefaultDeny: {egress: false}
        egressDeny:
        - toCIDR: [169.254.169.254/32]
      """;

  private static final String CNP_DENY_ALL_EGRESS =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: deny-all-egress, namespace: app}
      spec:
        endpointSelector: {}
        egress:
        - {}
      """;

  private static final String NP_ALLOW_PG =
      """
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: allow-pg, namespace: app}
      spec:
        podSelector: {}
        policyTypes: [Egress]
        egress:
        - to: [{namespaceSelector: {}}]
      """;

  private static final String CCNP_NO_DB =
      """
      apiVersion: cilium.io/v2
      kind: CiliumClusterwideNetworkPolicy
      metadata: {name: no-db}
      spec:
        endpointSelector: {}
        enableDefaultDeny: {egress: false, ingress: false}
        egressDeny:
        - toEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: db}}]
      """;

  private static final String CNP_PG_NOT_FROM_APP =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: pg-not-from-app, namespace: db}
      spec:
        endpointSelector: {}
        ingress:
        - fromEntities: [all]
        ingressDeny:
        - fromEndpoints: [{matchLabels: {k8s:io.kubernetes.pod.namespace: app}}]
      """;

  private static final String CNP_DENY =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: deny, namespace: app}
      spec:
        endpointSelector: {}
        egressDeny:
        - toEntities: [all]
      """;

  private static final String CNP_PG_IN =
      """
      apiVersion: cilium.io/v2
      kind: CiliumNetworkPolicy
      metadata: {name: pg-in, namespace: db}
      spec:
        endpointSelector: {}
        ingress:
        - fromEndpoints: [{matchLabels: {app: nothing}}]
      """;

  static Stream<DenyCase> denyCases() {
    String client = "app/client";
    String pg = "10.0.2.7";
    return Stream.of(
        DenyCase.of("no policy: everything is allowed", client, pg, 5432)
            .expect(outcome(Outcome.ALLOWED), egressDefaultDeny(false), ingressDefaultDeny(false)),
        DenyCase.of("NetworkPolicy without policyTypes is ingress only: egress", client, pg, 5432,
                NP_LOCK)
            .expect(outcome(Outcome.ALLOWED), egressDefaultDeny(false)),
        DenyCase.of("NetworkPolicy without policyTypes is ingress only: ingress", "db/pg",
                "10.0.1.5", 80, NP_LOCK)
            .expect(outcome(Outcome.DENIED), ingressDefaultDenyBy("lock")),
        DenyCase.of("NetworkPolicy without policyTypes but with egress rules", client, pg, 5432,
                NP_DNS_ONLY)
            .expect(outcome(Outcome.DENIED), egressDropReason(133)),
        // Cilium's ParseNetworkPolicy (pkg/k8s/network_policy.go) converts spec.egress whatever
        // policyTypes says: the egress rules are enforced (cilium/cilium#48703; the fix,
        // cilium/cilium#48708, is in no release read), unlike upstream NetworkPolicy semantics.
        DenyCase.of("NetworkPolicy egress enforced though policyTypes do not list it", client, pg,
                5432, NP_INGRESS_ONLY_WITH_EGRESS)
            .expect(outcome(Outcome.DENIED), egressDefaultDeny(true)),
        DenyCase.of("NetworkPolicy egress enforced though policyTypes do not list it: allowed",
                client, "1.1.1.1", 5432, NP_INGRESS_ONLY_WITH_EGRESS)
            .expect(outcome(Outcome.ALLOWED)),
        // enable-non-default-deny-policies=false (Cilium 1.17+, cilium/cilium#34940) makes
        // Rule.Sanitize (pkg/policy/api/rule_validation.go) set enableDefaultDeny to true on every
        // rule; before 1.16 (cilium/cilium#30572) the field does not exist. Either way a rule with
        // egress entries puts its endpoints in egress default deny.
        DenyCase.of("enableDefaultDeny false, Cilium 1.17", client, pg, 5432,
                CCNP_ALLOW_DNS_NO_DEFAULT_DENY)
            .with("cilium-version", "1.17")
            .expect(outcome(Outcome.ALLOWED)),
        DenyCase.of("enableDefaultDeny false ignored with the agent flag off", client, pg, 5432,
                CCNP_ALLOW_DNS_NO_DEFAULT_DENY)
            .with("cilium-version", "1.17", "enable-non-default-deny-policies", "false")
            .expect(outcome(Outcome.DENIED), egressDefaultDenyBy("allow-dns")),
        DenyCase.of("enableDefaultDeny false ignored before Cilium 1.16", client, pg, 5432,
                CCNP_ALLOW_DNS_NO_DEFAULT_DENY)
            .with("cilium-version", "1.15")
            .expect(outcome(Outcome.DENIED), egressDefaultDenyBy("allow-dns")),
        DenyCase.of("CNP deny-only rule flips its subjects into default deny", client, pg, 5432,
                CNP_NO_METADATA)
            .expect(outcome(Outcome.DENIED), dropReason(133), egressDefaultDenyBy("no-metadata")),
        DenyCase.of("CNP deny-only rule denies what it names", client, "169.254.169.254", 80,
                CNP_NO_METADATA)
            .expect(dropReason(181)),
        DenyCase.of("CNP enableDefaultDeny false adds without changing anyone's default", client,
                pg, 5432, CNP_NO_METADATA_NO_DEFAULT_DENY)
            .expect(outcome(Outcome.ALLOWED), egressDefaultDeny(false)),
        DenyCase.of("CNP enableDefaultDeny false still denies what it names", client,
                "169.254.169.254", 80, CNP_NO_METADATA_NO_DEFAULT_DENY)
            .expect(dropReason(181)),
        DenyCase.of("CNP empty egress entry: default deny, nothing allowed (world)", client,
                "8.8.8.8", 53, CNP_DENY_ALL_EGRESS)
            .expect(dropReason(133)),
        DenyCase.of("CNP empty egress entry: default deny, nothing allowed (pod)", client, pg,
                5432, CNP_DENY_ALL_EGRESS)
            .expect(dropReason(133)),
        DenyCase.of("deny beats allow across NetworkPolicy, CNP and CCNP", client, pg, 5432,
                NP_ALLOW_PG, CCNP_NO_DB)
            .expect(outcome(Outcome.DENIED), dropReason(181), egressDeniedBy("no-db")),
        DenyCase.of("ingress deny of the receiver drops with 181", client, pg, 5432,
                CNP_PG_NOT_FROM_APP)
            .expect(ingressDropReason(181), dropReason(181)),
        DenyCase.of("a deny rule, enable-policy unset", client, pg, 5432, CNP_DENY)
            .expect(dropReason(181)),
        DenyCase.of("enable-policy never enforces nothing, not even deny rules", client, pg, 5432,
                CNP_DENY)
            .with("enable-policy", "never")
            .expect(outcome(Outcome.ALLOWED), egressEnforced(false)),
        DenyCase.of("enable-policy default denies only where a rule says so", client, pg, 5432,
                CNP_PG_IN)
            .with("enable-policy", "default")
            .expect(egressDefaultDeny(false), ingressDefaultDeny(true), dropReason(133)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("denyCases")
  void defaultDenyAndDenyPrecedence(DenyCase c) {
    // The case's name heads any failure: the XML report shows only its index.
    assertAll(
        c.toString(),
        () -> {
            TestCluster cluster = cluster();
            for (String policy : c.policies()) {
              cluster = cluster.policy(policy);
            }
            Verdict v = cluster.trace(c.from(), c.ip(), c.port(), c.settings());
            for (Check check : c.checks()) {
              assertThat(check.actual().apply(v)).as(check.what()).isEqualTo(check.expected());
            }
        });
  }

  @Test
  void enablePolicyAlwaysMakesEveryEndpointDefaultDeny() {
    Verdict v = cluster().trace("app/client", "10.0.2.7", 5432, "enable-policy", "always");
    assertThat(v.outcome()).isEqualTo(Outcome.DENIED);
    assertThat(v.dropReason()).isEqualTo(133);
    assertThat(v.destinations().get(0).egress().defaultDenyBy()).isEmpty();
    assertThat(v.destinations().get(0).egress().reason()).contains("enable-policy=always");
  }

  @Test
  void specsAreRulesEachWithItsOwnDefaultDeny() {
    TestCluster c =
        cluster()
            .policy(
                """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: two, namespace: app}
                specs:
                - endpointSelector: {matchLabels: {app: nobody}}
                  egress:
                  - toEntities: [world]
                - endpointSelector: {matchLabels: {app: client}}
                  enableDefaultDeny: {egress: false}
                  egress:
                  - toEntities: [world]
                """);
    assertThat(c.engine().rules()).hasSize(2);
    Verdict v = c.trace("app/client", "10.0.2.7", 5432);
    assertThat(v.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(v.destinations().get(0).egress().defaultDeny()).isFalse();
  }
}

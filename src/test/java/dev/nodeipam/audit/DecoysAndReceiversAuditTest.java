package dev.nodeipam.audit;

import static dev.nodeipam.audit.Clusters.AUDIT;
import static dev.nodeipam.audit.Clusters.ISTIO;
import static dev.nodeipam.audit.Clusters.audit;
import static dev.nodeipam.audit.Clusters.traps;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The example with decoys, a CNP {@code toEntities: [world]} client and a backend that admits only
 * world/CIDR sources: what must be reported, what must not, and the companions that fix it all.
 */
class DecoysAndReceiversAuditTest {
  private static final ClusterSnapshot CLUSTER = Clusters.load(ISTIO, AUDIT);
  private static final String GATEWAY = "istio-system/istio-ingressgateway";
  private static final String SHOP = "shop/storefront";

  private static List<Finding> at(AuditReport r, String service, String direction) {
    return traps(r).stream()
        .filter(f -> f.service().equals(service) && f.direction().equals(direction)).toList();
  }

  @Test
  void decoys_allowedByIdentity_exceptedAddress_andNoEgressPolicy_areNotReportedAtTheGateway() {
    assertThat(at(audit(CLUSTER), GATEWAY, "egress")).extracting(Finding::source)
        .doesNotContain("decoys/gateway-client", "decoys/lan-only", "decoys/unrestricted")
        .hasSize(8);
    assertThat(at(audit(CLUSTER), GATEWAY, "ingress")).isEmpty();
  }

  @Test
  void exceptThatExcludesTheAddress_isNeverReported_evenWhereOthersAre() {
    assertThat(traps(audit(CLUSTER))).extracting(Finding::source).doesNotContain("decoys/lan-only");
  }

  @Test
  void cnpToEntitiesWorld_isTrappedLikeAnIpBlock() {
    assertThat(at(audit(CLUSTER), GATEWAY, "egress"))
        .filteredOn(f -> f.source().startsWith("assistants/"))
        .singleElement().satisfies(f -> {
          assertThat(f.policies()).extracting(PolicyRef::kind, PolicyRef::name)
              .containsExactly(Tuple.tuple("CiliumNetworkPolicy", "scout-egress"));
          assertThat(f.message()).contains("toEntities world");
          assertThat(f.targetPort()).isEqualTo(8443);
        });
  }

  @Test
  void receiverSide_backendAdmittingOnlyWorldAndCidr_trapsEveryInClusterClientThatCouldDialIt() {
    List<Finding> ingress = at(audit(CLUSTER), SHOP, "ingress");
    // everyone whose egress lets them dial the address as written, the unrestricted decoy included
    assertThat(ingress).extracting(Finding::source)
        .contains("decoys/unrestricted", "hermes/hermes-atlas", "decoys/gateway-client")
        .doesNotContain("decoys/lan-only");
    assertThat(ingress).allSatisfy(f -> {
      assertThat(f.policies()).extracting(PolicyRef::name).containsExactly("storefront-ingress");
      assertThat(f.targetPort()).as("the named targetPort resolved on the pod").isEqualTo(9443);
      assertThat(f.active()).isTrue();
      assertThat(f.message()).contains("only from CIDR/world sources");
    });
  }

  @Test
  void receiverSide_isLatentWhenTheAddressIsNotTranslatedYet() {
    List<Finding> ingress = at(audit(CLUSTER, "bpf-lb-sock-hostns-only", "false"), SHOP, "ingress");
    assertThat(ingress).isNotEmpty().allSatisfy(f -> {
      assertThat(f.active()).isFalse();
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void ingressCompanion_selectsTheBackends_andAdmitsTheAffectedSourcesByStableLabels() {
    Companion c = audit(CLUSTER).companions().stream()
        .filter(x -> x.name().equals("allow-ingress-to-shop-storefront")).findFirst().orElseThrow();
    Map<String, Object> spec = (Map<String, Object>) c.object().get("spec");
    assertThat(spec.get("endpointSelector")).isEqualTo(Map.of("matchLabels",
        Map.of("io.kubernetes.pod.namespace", "shop", "app", "storefront")));
    assertThat(spec.get("enableDefaultDeny")).isEqualTo(Map.of("egress", false, "ingress", false));
    List<Map<String, Object>> rules = (List<Map<String, Object>>) spec.get("ingress");
    List<Object> from = (List<Object>) rules.get(0).get("fromEndpoints");
    assertThat(from).contains(Map.of("matchLabels",
        Map.of("io.kubernetes.pod.namespace", "decoys", "app", "unrestricted")));
    // pod-template-hash changes with every rollout: never part of a companion's selector
    assertThat(from.toString()).doesNotContain("pod-template-hash");
    assertThat(rules.get(0).get("toPorts")).isEqualTo(
        List.of(Map.of("ports", List.of(Map.of("port", "9443", "protocol", "TCP"))))); 
  }

  @Test
  void companions_clearEveryTrap_egressAndIngress_throughTheirYaml() {
    for (String[] settings : List.of(new String[0], new String[] {"bpf-lb-sock-hostns-only", "false"})) {
      AuditReport before = audit(CLUSTER, settings);
      assertThat(before.companions()).extracting(Companion::direction).contains("egress", "ingress");
      ClusterSnapshot fixed = Clusters.withCompanionYaml(before, ISTIO, AUDIT);
      assertThat(traps(audit(fixed, settings))).isEmpty();
    }
  }
}

package dev.nodeipam.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.nodeipam.admission.Admission;
import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.kube.ObjectSnapshot;
import dev.nodeipam.render.GuardWarnings;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.testing.Coverage;
import dev.nodeipam.testing.Theories;
import io.fabric8.kubernetes.api.model.GroupVersionKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequestBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The guard's judgement is {@code diff}'s, by definition: for generated changes to the seed's
 * cluster ({@code examples/pr-externalip/before}, kube-proxy replacement on: externalIPs are
 * translated for pods), the warnings a {@link ReviewHandler} answers from its cache (the
 * before-state kept, the after-state made by swapping one value into it, a change of no judged
 * field answered at once) are exactly those of the traps {@link StateDiff} finds between both
 * states built from scratch. Changes: the gateway's externalIPs (added, removed, replaced, a node
 * address among them), its type and class (ClusterIP, NodePort, LoadBalancer of Node IPAM's class
 * {@code io.cilium/node} or of none), its https port and targetPort; or a NetworkPolicy created
 * with a CIDR egress allow (as {@code ipBlock}, the article's kind of rule).
 */
class GuardJudgementPropertyTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final List<HasMetadata> SEED = load(Path.of("examples/pr-externalip/before"));
  private static final Service KUBE_DNS = (Service) SEED.stream().filter(o -> o instanceof Service
      && o.getMetadata().getName().equals("kube-dns")).findFirst().orElseThrow();
  private static final StateDiff.Settings SETTINGS =
      new StateDiff.Settings(Map.of(), AuditOptions.defaults());
  private static final List<String> ADDRESSES =
      List.of("24.85.233.58", "192.0.2.10", "192.168.1.12", "198.51.100.7");
  private static final List<String> CIDRS =
      List.of("0.0.0.0/0", "24.85.233.0/24", "192.0.2.0/24", "192.168.1.0/24", "10.0.0.0/8");
  private static final List<String> NAMESPACES =
      List.of("coffee", "monitoring", "hermes", "istio-system");

  /** One change: the gateway before and after, and the policy created (else null). */
  record Change(Service old, Service now, NetworkPolicy policy) {
    @Override
    public String toString() {
      return policy != null ? "create " + JSON.asYaml(policy) + " over " + JSON.asYaml(old)
          : "update " + JSON.asYaml(old) + " to " + JSON.asYaml(now);
    }
  }

  @Test
  void theGuardsWarningsAreThoseOfDiffFromScratch() {
    Coverage coverage = new Coverage("guard judgement = diff from scratch");
    Theories.qt(60, 20).forAll(changes()).checkAssert(c -> {
      coverage.sample();
      List<String> guard = guard(c);
      List<String> definition = definition(c);
      coverage.count("warned", !definition.isEmpty());
      coverage.count("silent", definition.isEmpty());
      coverage.count("policy created", c.policy() != null);
      coverage.count("policy created, warned", c.policy() != null && !definition.isEmpty());
      coverage.count("service changed, warned", c.policy() == null && !definition.isEmpty());
      assertThat(guard).as(c.toString()).isEqualTo(definition);
    });
    coverage.requireShare("warned", 0.15).requireShare("silent", 0.15)
        .requireShare("policy created", 0.2).requireShare("policy created, warned", 0.03)
        .requireShare("service changed, warned", 0.1);
    System.out.println(coverage.summary());
  }

  /**
   * What the guard answers, its cache holding the seed with the gateway's old version: warmed up
   * as a starting guard is, and after judging changes of other scopes from the same cache
   * generation (an externalIP on kube-dns, a policy in coffee), so that the answer comes from
   * the kept before-state, evaluated over other scopes too, and the after-state shares what it
   * can with it.
   */
  private static List<String> guard(Change c) {
    SnapshotValues values = new SnapshotValues(JSON);
    cluster(c.old(), null).forEach(values::put);
    values.snapshot();
    ReviewHandler handler = new ReviewHandler(values, () -> true, SETTINGS, false,
        new GuardMetrics(), (svc, message) -> {});
    handler.warmUp();
    Service other = new ServiceBuilder(KUBE_DNS).editSpec().addToExternalIPs("203.0.113.9")
        .endSpec().build();
    review(handler, new Change(KUBE_DNS, other, null));
    review(handler, new Change(c.old(), c.old(), policy("coffee", "0.0.0.0/0", 443)));
    return review(handler, c);
  }

  private static List<String> review(ReviewHandler handler, Change c) {
    HasMetadata object = c.policy() != null ? c.policy() : c.now();
    GroupVersionKind kind = c.policy() != null
        ? new GroupVersionKind("networking.k8s.io", "NetworkPolicy", "v1")
        : new GroupVersionKind("", "Service", "v1");
    AdmissionRequest req = new AdmissionRequestBuilder().withUid("u").withKind(kind)
        .withOperation(c.policy() != null ? "CREATE" : "UPDATE")
        .withNamespace(object.getMetadata().getNamespace())
        .withName(object.getMetadata().getName())
        .withObject(JSON.clone(object)).withOldObject(c.policy() != null ? null : c.old())
        .build();
    List<String> warnings = handler.review(req).getWarnings();
    return warnings == null ? List.of() : warnings;
  }

  /** The definition: diff's traps between both states converted and assembled from scratch. */
  private static List<String> definition(Change c) {
    ClusterSnapshot before = ObjectSnapshot.of(JSON, cluster(c.old(), null), "cluster");
    ClusterSnapshot after = ObjectSnapshot.of(JSON, cluster(c.now(), c.policy()), "cluster");
    String ns = c.policy() != null ? c.policy().getMetadata().getNamespace() : "istio-system";
    return GuardWarnings.lines(
        Admission.decide(Admission.trapped(before, after, SETTINGS), false, Map.of()), ns);
  }

  /** The seed with the gateway replaced, and a policy added when not null. */
  private static List<HasMetadata> cluster(Service gateway, NetworkPolicy policy) {
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata o : SEED) {
      out.add(o instanceof Service s && s.getMetadata().getName().equals("istio-ingressgateway")
          ? gateway : o);
    }
    if (policy != null) {
      out.add(policy);
    }
    return out;
  }

  private static Gen<Change> changes() {
    Gen<Service> gateway = gateways();
    Gen<NetworkPolicy> policy = integers().between(0, NAMESPACES.size() - 1)
        .zip(integers().between(0, CIDRS.size() - 1), integers().between(0, 2),
            (n, c, p) -> policy(NAMESPACES.get(n), CIDRS.get(c), List.of(80, 443, 8443).get(p)));
    return integers().between(0, 2).zip(gateway, gateway, policy,
        (kind, old, now, p) -> kind == 0 ? new Change(old, old, p) : new Change(old, now, null));
  }

  /** The gateway with externalIPs, type, class, port and targetPort drawn. */
  private static Gen<Service> gateways() {
    Service seed = (Service) SEED.stream().filter(o -> o instanceof Service
        && o.getMetadata().getName().equals("istio-ingressgateway")).findFirst().orElseThrow();
    Gen<List<String>> ips = integers().between(0, 15).map(bits -> {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < ADDRESSES.size(); i++) {
        if ((bits & (1 << i)) != 0) {
          out.add(ADDRESSES.get(i));
        }
      }
      return out;
    });
    return ips.zip(integers().between(0, 3), integers().between(0, 1), integers().between(0, 1),
        (external, type, port, target) -> {
          ServiceBuilder b = new ServiceBuilder(seed).editSpec().withExternalIPs(external)
              .withPorts(seed.getSpec().getPorts().get(0), new ServicePortBuilder()
                  .withName("https").withProtocol("TCP").withPort(port == 0 ? 443 : 8443)
                  .withTargetPort(new IntOrString(target == 0 ? 8443 : 9443)).build())
              .endSpec();
          switch (type) {
            case 1 -> b.editSpec().withType("NodePort").endSpec();
            case 2 -> b.editSpec().withType("LoadBalancer").withLoadBalancerClass("io.cilium/node")
                .endSpec();
            case 3 -> b.editSpec().withType("LoadBalancer").endSpec();
            default -> { }
          }
          return b.build();
        });
  }

  private static NetworkPolicy policy(String namespace, String cidr, int port) {
    return new NetworkPolicyBuilder().withNewMetadata().withName("generated-allow")
        .withNamespace(namespace).endMetadata()
        .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Egress")
        .addNewEgress().addNewTo().withNewIpBlock().withCidr(cidr).endIpBlock().endTo()
        .addNewPort().withProtocol("TCP").withPort(new IntOrString(port)).endPort().endEgress()
        .endSpec().build();
  }

  private static List<HasMetadata> load(Path dir) {
    List<HasMetadata> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (String doc : Files.readString(f).split("(?m)^---\\s*$")) {
          if (doc.contains("kind:")) {
            out.add((HasMetadata) JSON.unmarshal(doc));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}

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
 *
 * <p>The seed is too small for scopes to matter (a kept before-state evaluated over the wrong
 * scope still answered alike), so the cluster also holds three shops ({@link #SHOPS}): two Node
 * IPAM LoadBalancers without status, which share every node address with each other and with the
 * gateway once it is one, a Service with a node's InternalIP as externalIP, and egress policies
 * in two of their namespaces whose CIDRs cover the node addresses. Before each judged change the
 * guard judges one to three others of the same cache generation (drawn: changes of the shops'
 * Services, a policy created in a shop, an externalIP on kube-dns), so that its kept before-state
 * holds evaluations over other scopes; the judged change may also be one of a shop's Services.
 */
class GuardJudgementPropertyTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  /** Three shops beside the seed's workloads (see the class comment). */
  private static final List<HasMetadata> SHOPS = shops();
  private static final List<HasMetadata> SEED = Stream.concat(
      load(Path.of("examples/pr-externalip/before")).stream(), SHOPS.stream()).toList();
  private static final Service KUBE_DNS = (Service) SEED.stream().filter(o -> o instanceof Service
      && o.getMetadata().getName().equals("kube-dns")).findFirst().orElseThrow();
  private static final StateDiff.Settings SETTINGS =
      new StateDiff.Settings(Map.of(), AuditOptions.defaults());
  private static final List<String> ADDRESSES =
      List.of("24.85.233.58", "192.0.2.10", "192.168.1.12", "198.51.100.7");
  private static final List<String> CIDRS =
      List.of("0.0.0.0/0", "24.85.233.0/24", "192.0.2.0/24", "192.168.1.0/24", "10.0.0.0/8");
  private static final List<String> NAMESPACES =
      List.of("coffee", "monitoring", "hermes", "istio-system", "shop-0", "shop-1");

  /** One change: a Service before and after, and the policy created (else null). */
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
    Theories.qt(60, 20).forAll(changes(), priors()).checkAssert((c, priors) -> {
      coverage.sample();
      List<String> guard = guard(c, priors);
      List<String> definition = definition(c);
      coverage.count("warned", !definition.isEmpty());
      coverage.count("silent", definition.isEmpty());
      coverage.count("policy created", c.policy() != null);
      coverage.count("policy created, warned", c.policy() != null && !definition.isEmpty());
      coverage.count("service changed, warned", c.policy() == null && !definition.isEmpty());
      coverage.count("shop changed", c.now().getMetadata().getNamespace().startsWith("shop-")
          && c.policy() == null);
      assertThat(guard).as(c + " after " + priors).isEqualTo(definition);
    });
    coverage.requireShare("warned", 0.15).requireShare("silent", 0.15)
        .requireShare("policy created", 0.2).requireShare("policy created, warned", 0.03)
        .requireShare("service changed, warned", 0.1).requireShare("shop changed", 0.1);
    System.out.println(coverage.summary());
  }

  /**
   * What the guard answers, its cache holding the cluster with the changed Service's old
   * version: warmed up as a starting guard is, and after judging the prior changes of other
   * scopes from the same cache generation, so that the answer comes from the kept before-state,
   * evaluated over other scopes too, and the after-state shares what it can with it.
   */
  private static List<String> guard(Change c, List<Change> priors) {
    SnapshotValues values = new SnapshotValues(JSON);
    cluster(c.old(), null).forEach(values::put);
    values.snapshot();
    ReviewHandler handler = new ReviewHandler(values, () -> true, SETTINGS, false,
        new GuardMetrics(), (svc, message) -> {});
    handler.warmUp();
    for (Change prior : priors) {
      // A prior change of the very Service judged would start from another old version.
      if (prior.policy() != null || !prior.old().getMetadata().getName()
          .equals(c.old().getMetadata().getName())) {
        review(handler, prior);
      }
    }
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
    String ns = c.policy() != null ? c.policy().getMetadata().getNamespace()
        : c.now().getMetadata().getNamespace();
    return GuardWarnings.lines(
        Admission.decide(Admission.trapped(before, after, SETTINGS), false, Map.of()), ns);
  }

  /** The cluster with one Service replaced (same namespace and name), and a policy added. */
  private static List<HasMetadata> cluster(Service changed, NetworkPolicy policy) {
    List<HasMetadata> out = new ArrayList<>();
    for (HasMetadata o : SEED) {
      out.add(o instanceof Service s && sameName(s, changed) ? changed : o);
    }
    if (policy != null) {
      out.add(policy);
    }
    return out;
  }

  private static Gen<Change> changes() {
    Gen<Service> gateway = gateways();
    Gen<NetworkPolicy> policy = policies();
    // A sixth a shop's Service changed, a third a policy created, half the gateway changed.
    return integers().between(0, 5).zip(gateway, gateway, policy, shopChanges(),
        (kind, old, now, p, shop) -> kind == 0 ? shop
            : kind <= 2 ? new Change(old, old, p) : new Change(old, now, null));
  }

  private static Gen<NetworkPolicy> policies() {
    return integers().between(0, NAMESPACES.size() - 1)
        .zip(integers().between(0, CIDRS.size() - 1), integers().between(0, 2),
            (n, c, p) -> policy(NAMESPACES.get(n), CIDRS.get(c), List.of(80, 443, 8443).get(p)));
  }

  /** A change of one shop's Service: an externalIP, a port, its class or type. */
  private static Gen<Change> shopChanges() {
    List<Service> shops = SHOPS.stream().filter(Service.class::isInstance)
        .map(Service.class::cast).toList();
    return integers().between(0, shops.size() - 1).zip(integers().between(0, 4),
        integers().between(0, ADDRESSES.size() - 1), (i, how, a) -> {
          Service old = shops.get(i);
          ServiceBuilder b = new ServiceBuilder(old);
          switch (how) {
            case 0 -> b.editSpec().addToExternalIPs(ADDRESSES.get(a)).endSpec();
            case 1 -> b.editSpec().addNewPort().withName("extra").withProtocol("TCP")
                .withPort(List.of(80, 443, 8443).get(a % 3)).withTargetPort(new IntOrString(8080))
                .endPort().endSpec();
            case 2 -> b.editSpec().withType("LoadBalancer").withLoadBalancerClass(null).endSpec();
            case 3 -> b.editSpec().withType("ClusterIP").withLoadBalancerClass(null).endSpec();
            default -> b.editSpec().withExternalIPs().endSpec();
          }
          return new Change(old, b.build(), null);
        });
  }

  /** One to three changes judged before the one in question: other scopes of one generation. */
  private static Gen<List<Change>> priors() {
    Service dnsIp = new ServiceBuilder(KUBE_DNS).editSpec().addToExternalIPs("203.0.113.9")
        .endSpec().build();
    Gen<Change> one = integers().between(0, 2).zip(shopChanges(), policies(), (k, shop, p) ->
        k == 0 ? shop : k == 1 ? new Change(KUBE_DNS, KUBE_DNS, p)
            : new Change(KUBE_DNS, dnsIp, null));
    return integers().between(1, 3).zip(one, one, one,
        (n, a, b, c) -> List.of(a, b, c).subList(0, n));
  }

  private static boolean sameName(Service a, Service b) {
    return a.getMetadata().getNamespace().equals(b.getMetadata().getNamespace())
        && a.getMetadata().getName().equals(b.getMetadata().getName());
  }

  /**
   * Three shops, each a namespace with two pods: {@code shop-0/web} and
   * {@code shop-1/web} Node IPAM LoadBalancers without status (ports 80 and 443: every node
   * address is a frontend of both), {@code shop-2/api} a ClusterIP Service with node-3's
   * InternalIP as externalIP; shop-0 may reach the node network on 80 and 443, shop-1 anywhere
   * on 443.
   */
  private static List<HasMetadata> shops() {
    StringBuilder yaml = new StringBuilder();
    String[][] shop = {{"web", "80", "node-bgp-1"}, {"web", "443", "node-bgp-2"},
        {"api", "8443", "node-3"}};
    for (int i = 0; i < shop.length; i++) {
      String ns = "shop-" + i;
      yaml.append("---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ").append(ns)
          .append("}\n");
      for (int j = 0; j < 2; j++) {
        yaml.append("---\napiVersion: v1\nkind: Pod\nmetadata: {name: p").append(j)
            .append(", namespace: ").append(ns).append(", labels: {app: ").append(ns)
            .append("}}\nspec:\n  nodeName: ").append(j == 0 ? shop[i][2] : "node-3")
            .append("\n  containers: [{name: main, image: registry.example/shop:1}]\n")
            .append("status:\n  phase: Running\n  podIP: 10.244.3").append(i).append('.')
            .append(j + 10).append("\n  podIPs: [{ip: 10.244.3").append(i).append('.')
            .append(j + 10).append("}]\n  conditions: [{type: Ready, status: \"True\"}]\n");
      }
      boolean nodeIpam = i < 2;
      yaml.append("---\napiVersion: v1\nkind: Service\nmetadata: {name: ").append(shop[i][0])
          .append(", namespace: ").append(ns).append("}\nspec:\n  type: ")
          .append(nodeIpam ? "LoadBalancer\n  loadBalancerClass: io.cilium/node" : "ClusterIP")
          .append("\n  clusterIP: 10.96.30.").append(i + 10)
          .append(nodeIpam ? "" : "\n  externalIPs: [192.168.1.13]")
          .append("\n  selector: {app: ").append(ns).append("}\n  ports: [{name: main, port: ")
          .append(shop[i][1]).append(", protocol: TCP, targetPort: 8080}]\n");
    }
    List<HasMetadata> out = new ArrayList<>(parse(yaml.toString()));
    out.add(new NetworkPolicyBuilder(policy("shop-0", "192.168.1.0/24", 80)).editMetadata()
        .withName("nodes-80").endMetadata().build());
    out.add(new NetworkPolicyBuilder(policy("shop-0", "192.168.1.0/24", 443)).editMetadata()
        .withName("nodes-443").endMetadata().build());
    out.add(new NetworkPolicyBuilder(policy("shop-1", "0.0.0.0/0", 443)).editMetadata()
        .withName("anywhere-443").endMetadata().build());
    return out;
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

  private static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.contains("kind:")) {
        out.add((HasMetadata) JSON.unmarshal(doc));
      }
    }
    return out;
  }

  private static List<HasMetadata> load(Path dir) {
    List<HasMetadata> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        out.addAll(parse(Files.readString(f)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}

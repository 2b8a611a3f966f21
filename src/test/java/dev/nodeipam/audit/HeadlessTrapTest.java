package dev.nodeipam.audit;

import static dev.nodeipam.audit.Clusters.audit;
import static dev.nodeipam.audit.Clusters.traps;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.snapshot.ClusterSnapshot;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A Service the datapath builds no frontend for has no trap: headless ({@code clusterIP: None} or
 * the {@code service.kubernetes.io/headless} label; {@code pkg/loadbalancer/tests/testdata/
 * headless.txtar}, {@code convertService} in {@code pkg/loadbalancer/reflectors/conversions.go})
 * or owned by another proxy ({@code service.kubernetes.io/service-proxy-name}).
 */
class HeadlessTrapTest {
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("plain", "metadata: {name: web, namespace: edge}", "10.96.0.50", 1),
        Arguments.of("clusterIP None", "metadata: {name: web, namespace: edge}", "None", 0),
        Arguments.of("headless label",
            "metadata: {name: web, namespace: edge, labels: {service.kubernetes.io/headless: \"\"}}",
            "10.96.0.50", 0),
        Arguments.of("service-proxy-name",
            "metadata: {name: web, namespace: edge,"
                + " labels: {service.kubernetes.io/service-proxy-name: other}}",
            "10.96.0.50", 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onlyAServiceWithFrontendsCanTrap(String name, String metadata, String clusterIp, int n) {
    AuditReport r = audit(cluster(metadata, clusterIp), "kube-proxy-replacement", "true");
    assertThat(traps(r)).as(name).hasSize(n);
  }

  /** The trap rules' cluster with Service edge/web as given, published by an externalIP. */
  static ClusterSnapshot cluster(String metadata, String clusterIp) {
    String service = """
        apiVersion: v1
        kind: Service
        %s
        spec:
          clusterIP: %s
          selector: {app: web}
          ports: [{name: https, port: 443, targetPort: https}]
          externalIPs: [198.51.100.2]
        """.formatted(metadata, clusterIp);
    return TrapRulesTest.cluster(service);
  }
}

package dev.nodeipam.policy.engine;

import dev.nodeipam.snapshot.Service;

/**
 * Which Services the Cilium datapath builds frontends for. A headless Service ({@code clusterIP:
 * None}, case-insensitive, or the {@code service.kubernetes.io/headless} label) gets none, not even
 * for its externalIPs ({@code isHeadless} and {@code convertService} in {@code
 * pkg/loadbalancer/reflectors/conversions.go}; {@code
 * pkg/loadbalancer/tests/testdata/headless.txtar}; before 1.18 {@code ParseService} in {@code
 * pkg/k8s/service.go}). A Service labelled {@code service.kubernetes.io/service-proxy-name} belongs
 * to another proxy: with Cilium's default empty {@code k8s-service-proxy-name} the agent does not
 * watch it. Every release read (1.14+).
 */
public final class DatapathServices {
  static final String PROXY_NAME = "service.kubernetes.io/service-proxy-name";

  private DatapathServices() {}

  /** Whether Cilium installs frontends for the Service. */
  public static boolean hasFrontends(Service s) {
    return !s.isHeadless() && !s.labels().containsKey(PROXY_NAME);
  }
}

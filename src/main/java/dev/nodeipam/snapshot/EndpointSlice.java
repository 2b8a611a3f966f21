package dev.nodeipam.snapshot;

import java.util.List;

/**
 * An EndpointSlice.
 *
 * @param serviceName the value of the {@code kubernetes.io/service-name} label, or null
 */
public record EndpointSlice(
    String namespace,
    String name,
    String serviceName,
    String addressType,
    List<Endpoint> endpoints,
    List<EndpointPort> ports,
    String source) {

  public EndpointSlice {
    endpoints = List.copyOf(endpoints);
    ports = List.copyOf(ports);
  }

  /**
   * One endpoint. Conditions are null when absent: the API defines an absent {@code ready} as
   * ready.
   *
   * @param podName the name of the Pod in {@code targetRef}, or null
   */
  public record Endpoint(
      List<String> addresses,
      Boolean ready,
      Boolean serving,
      Boolean terminating,
      String nodeName,
      String podName) {
    public Endpoint {
      addresses = List.copyOf(addresses);
    }

    public boolean isReady() {
      return ready == null || ready;
    }
  }

  /** A port of the slice; a null name is the unnamed port. */
  public record EndpointPort(String name, Integer port, String protocol) {}
}

package dev.nodeipam.ipam;

/**
 * The global switches of the Node IPAM decision. The defaults reproduce Cilium's Node IPAM exactly;
 * every option (E6–E10, the upstream exclude-label reading) can also be set per Service by
 * annotation.
 *
 * @param loadBalancerClass the class this controller owns (R1)
 * @param defaultClass also own LoadBalancers without a class (R2)
 * @param excludeLabelFalseKeepsNode read the exclude label as upstream Kubernetes may: a value of
 *     {@code "false"} keeps the node (R7 option)
 * @param addressPolicy which address types to publish (E6)
 * @param canonicalOrder canonical address text and family-then-numeric order (E7)
 * @param readyNodesOnly leave out NotReady and cordoned nodes (E8)
 * @param terminatingFallback ETP Local also counts serving-but-terminating endpoints (E9)
 * @param ipMode {@code VIP} or {@code Proxy} on every entry, or null for none (E10)
 */
public record NodeIpamOptions(
    String loadBalancerClass,
    boolean defaultClass,
    boolean excludeLabelFalseKeepsNode,
    AddressPolicy addressPolicy,
    boolean canonicalOrder,
    boolean readyNodesOnly,
    boolean terminatingFallback,
    String ipMode) {

  public static final String DEFAULT_CLASS = "io.cilium/node";

  public NodeIpamOptions {
    if (ipMode != null && !ipMode.equals("VIP") && !ipMode.equals("Proxy")) {
      throw new IllegalArgumentException("ipMode must be VIP or Proxy, not \"" + ipMode + "\"");
    }
  }

  /** Cilium's behaviour, for the default class. */
  public static NodeIpamOptions reference() {
    return new NodeIpamOptions(
        DEFAULT_CLASS,
        false,
        false,
        AddressPolicy.EXTERNAL_THEN_INTERNAL,
        false,
        false,
        false,
        null);
  }

  public NodeIpamOptions withLoadBalancerClass(String value) {
    return toBuilder().loadBalancerClass(value).build();
  }

  public NodeIpamOptions withDefaultClass(boolean value) {
    return toBuilder().defaultClass(value).build();
  }

  public NodeIpamOptions withExcludeLabelFalseKeepsNode(boolean value) {
    return toBuilder().excludeLabelFalseKeepsNode(value).build();
  }

  public NodeIpamOptions withAddressPolicy(AddressPolicy value) {
    return toBuilder().addressPolicy(value).build();
  }

  public NodeIpamOptions withCanonicalOrder(boolean value) {
    return toBuilder().canonicalOrder(value).build();
  }

  public NodeIpamOptions withReadyNodesOnly(boolean value) {
    return toBuilder().readyNodesOnly(value).build();
  }

  public NodeIpamOptions withTerminatingFallback(boolean value) {
    return toBuilder().terminatingFallback(value).build();
  }

  public NodeIpamOptions withIpMode(String value) {
    return toBuilder().ipMode(value).build();
  }

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .loadBalancerClass(loadBalancerClass)
        .defaultClass(defaultClass)
        .excludeLabelFalseKeepsNode(excludeLabelFalseKeepsNode)
        .addressPolicy(addressPolicy)
        .canonicalOrder(canonicalOrder)
        .readyNodesOnly(readyNodesOnly)
        .terminatingFallback(terminatingFallback)
        .ipMode(ipMode);
  }

  /** Builds a {@link NodeIpamOptions} component by component. */
  public static final class Builder {
    private String loadBalancerClass;
    private boolean defaultClass;
    private boolean excludeLabelFalseKeepsNode;
    private AddressPolicy addressPolicy;
    private boolean canonicalOrder;
    private boolean readyNodesOnly;
    private boolean terminatingFallback;
    private String ipMode;

    private Builder() {}

    public Builder loadBalancerClass(String loadBalancerClass) {
      this.loadBalancerClass = loadBalancerClass;
      return this;
    }

    public Builder defaultClass(boolean defaultClass) {
      this.defaultClass = defaultClass;
      return this;
    }

    public Builder excludeLabelFalseKeepsNode(boolean excludeLabelFalseKeepsNode) {
      this.excludeLabelFalseKeepsNode = excludeLabelFalseKeepsNode;
      return this;
    }

    public Builder addressPolicy(AddressPolicy addressPolicy) {
      this.addressPolicy = addressPolicy;
      return this;
    }

    public Builder canonicalOrder(boolean canonicalOrder) {
      this.canonicalOrder = canonicalOrder;
      return this;
    }

    public Builder readyNodesOnly(boolean readyNodesOnly) {
      this.readyNodesOnly = readyNodesOnly;
      return this;
    }

    public Builder terminatingFallback(boolean terminatingFallback) {
      this.terminatingFallback = terminatingFallback;
      return this;
    }

    public Builder ipMode(String ipMode) {
      this.ipMode = ipMode;
      return this;
    }

    public NodeIpamOptions build() {
      return new NodeIpamOptions(
          loadBalancerClass,
          defaultClass,
          excludeLabelFalseKeepsNode,
          addressPolicy,
          canonicalOrder,
          readyNodesOnly,
          terminatingFallback,
          ipMode);
    }
  }
}

package dev.nodeipam.cli;

import dev.nodeipam.ipam.AddressPolicy;
import dev.nodeipam.ipam.NodeIpamOptions;
import picocli.CommandLine.Option;

/** The Node IPAM options shared by {@code plan}, {@code migrate} and {@code controller}. */
public final class NodeIpamFlags {
  @Option(
      names = "--load-balancer-class",
      paramLabel = "CLASS",
      defaultValue = NodeIpamOptions.DEFAULT_CLASS,
      description = "The loadBalancerClass to own (default: ${DEFAULT-VALUE}).")
  String loadBalancerClass;

  @Option(
      names = "--default-class",
      description = "Also own LoadBalancer Services that have no loadBalancerClass.")
  boolean defaultClass;

  @Option(
      names = "--address-policy",
      paramLabel = "POLICY",
      defaultValue = "ExternalThenInternal",
      converter = AddressPolicyConverter.class,
      description =
          "Which node addresses to publish: ExternalThenInternal (Cilium's choice, for the whole"
              + " Service), PerNodeFallback, ExternalOnly, InternalOnly (default:"
              + " ${DEFAULT-VALUE}).")
  AddressPolicy addressPolicy;

  @Option(
      names = "--canonical-addresses",
      description =
          "Publish canonical address text, the Service's primary family first, then in numeric"
              + " order.")
  boolean canonicalOrder;

  @Option(names = "--ready-nodes-only", description = "Leave out NotReady and cordoned nodes.")
  boolean readyNodesOnly;

  @Option(
      names = "--terminating-fallback",
      description =
          "With externalTrafficPolicy Local, also count nodes whose endpoints are serving but"
              + " terminating.")
  boolean terminatingFallback;

  @Option(
      names = "--ip-mode",
      paramLabel = "MODE",
      converter = IpModeConverter.class,
      description = "Write ipMode VIP or Proxy on every ingress entry.")
  String ipMode;

  @Option(
      names = "--exclude-label-false-keeps-node",
      description =
          "node.kubernetes.io/exclude-from-external-load-balancers=\"false\" keeps the node"
              + " (Cilium excludes a node that has the label, whatever its value).")
  boolean excludeLabelFalseKeepsNode;

  public NodeIpamOptions options() {
    return NodeIpamOptions.builder()
        .loadBalancerClass(loadBalancerClass)
        .defaultClass(defaultClass)
        .excludeLabelFalseKeepsNode(excludeLabelFalseKeepsNode)
        .addressPolicy(addressPolicy)
        .canonicalOrder(canonicalOrder)
        .readyNodesOnly(readyNodesOnly)
        .terminatingFallback(terminatingFallback)
        .ipMode(ipMode)
        .build();
  }

  /** Accepts exactly the two ipMode values of the Kubernetes API. */
  public static final class IpModeConverter implements picocli.CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (!value.equals("VIP") && !value.equals("Proxy")) {
        throw new picocli.CommandLine.TypeConversionException(
            "ipMode must be VIP or Proxy, not \"" + value + "\"");
      }
      return value;
    }
  }

  /** Reads the flag spelling of an address policy. */
  public static final class AddressPolicyConverter
      implements picocli.CommandLine.ITypeConverter<AddressPolicy> {
    @Override
    public AddressPolicy convert(String value) {
      try {
        return AddressPolicy.parse(value);
      } catch (IllegalArgumentException e) {
        // picocli shows a TypeConversionException's message as it is, others with their class.
        throw new picocli.CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}

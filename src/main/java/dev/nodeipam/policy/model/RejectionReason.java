package dev.nodeipam.policy.model;

/**
 * Why the Cilium agent rejects a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy: the
 * checks of {@code pkg/policy/api/rule_validation.go} ({@code Rule.Sanitize} up to 1.16, {@code
 * Rule.Validate} from 1.17) and of {@code CiliumNetworkPolicy.Parse} ({@code
 * pkg/k8s/apis/cilium.io/v2/cnp_types.go}). Each carries the agent's error text (newest wording;
 * releases before 1.17 capitalise some of them), with {@code %s} for the values of the {@link
 * Rejection}. Section 9 of the policy model lists them with the releases that check them.
 */
public enum RejectionReason {
  BOTH_SELECTORS("rule cannot have both EndpointSelector and NodeSelector"),
  /** A namespaced policy may not select nodes (only a clusterwide one may). */
  NODE_SELECTOR_IN_NAMESPACED("rule cannot have NodeSelector"),
  /** From 1.17 (cilium/cilium#35904): a rule with no ingress, ingressDeny, egress, egressDeny. */
  EMPTY_RULE("rule must have at least one of Ingress, IngressDeny, Egress, EgressDeny"),
  /** Two kinds of peer in one entry, e.g. toEndpoints with toEntities. */
  PEER_KINDS_COMBINED("combining %s and %s is not supported yet"),
  ICMP_WITH_PORTS(
      "the ICMPs block may only be present without ToPorts. Define a separate rule to use"
          + " ToPorts"),
  TOO_MANY_ICMP_FIELDS("too many types, the max is 40"),
  ICMP_FAMILY("wrong family: %s"),
  TOO_MANY_PORTS("too many ports, the max is 40"),
  PORT_MISSING("port must be specified"),
  /** A number {@code strconv.ParseUint(port, 0, 16)} refuses, e.g. {@code 08} (octal). */
  PORT_UNPARSABLE("unable to parse port: %s"),
  DNS_ON_INGRESS("L7 protocol DNS is not supported on ingress yet"),
  DNS_WITHOUT_PORTS("port 53 must be specified for DNS rules"),
  DNS_PORT_RANGE("DNS rules do not support port ranges"),
  L7_NOT_TCP("L7 rules can only apply to TCP (not %s) except for DNS rules"),
  L7_ON_PORT_ZERO("L7 rules can not be used when a port is 0"),
  L7_TYPES_COMBINED("multiple L7 protocol rule types specified in single rule"),
  SERVER_NAMES_WITH_L7("ServerNames are not allowed with L7 rules without TLS termination"),
  EMPTY_SERVER_NAME("empty server name is not allowed"),
  LISTENER_ON_INGRESS("Listener is not allowed on ingress (%s)"),
  LISTENER_WITH_L7("Listener is not allowed with L7 rules (%s)"),
  HOST_L7_INGRESS("L7 policy is not supported on host ingress yet"),
  HOST_HTTP_EGRESS("L7 protocol HTTP is not supported on host egress yet");

  private final String agentError;

  RejectionReason(String agentError) {
    this.agentError = agentError;
  }

  /** The agent's error format, {@code %s} for each value. */
  public String agentError() {
    return agentError;
  }
}

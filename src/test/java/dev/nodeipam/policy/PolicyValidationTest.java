package dev.nodeipam.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nodeipam.policy.model.PolicyValidation;
import dev.nodeipam.policy.model.Rejection;
import dev.nodeipam.policy.model.RejectionReason;
import dev.nodeipam.policy.settings.CiliumVersion;
import dev.nodeipam.snapshot.RawObject;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which policies the Cilium agent rejects, release by release (section 9 of the policy model):
 * the rows of Cilium's own validation tests, each citing the test it follows. Unless a row says
 * otherwise the test is in {@code pkg/policy/api/rule_validation_test.go}. Every row is checked
 * under each modelled release 1.14 to 1.20: rejected from {@code since} (and before {@code
 * until}), accepted otherwise.
 */
class PolicyValidationTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final int NEWEST_MINOR = 20;

  /**
   * @param since the first 1.x release that rejects the policy; 0 when none does
   * @param until the first 1.x release that accepts it again; 99 when none does
   */
  record Row(String name, String kind, String spec, RejectionReason reason, String path,
      int since, int until) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static Row accepted(String name, String spec) {
    return new Row(name, "CiliumNetworkPolicy", spec, null, null, 0, 99);
  }

  private static Row rejected(String name, String spec, RejectionReason reason, String path) {
    return new Row(name, "CiliumNetworkPolicy", spec, reason, path, 14, 99);
  }

  private static Row from(int since, Row r) {
    return new Row(r.name(), r.kind(), r.spec(), r.reason(), r.path(), since, r.until());
  }

  private static Row until(int until, Row r) {
    return new Row(r.name(), r.kind(), r.spec(), r.reason(), r.path(), r.since(), until);
  }

  private static Row clusterwide(Row r) {
    return new Row(r.name(), "CiliumClusterwideNetworkPolicy", r.spec(), r.reason(), r.path(),
        r.since(), r.until());
  }

  private static final String HTTP_80_81 =
      "toPorts: [{ports: [{port: '80', protocol: TCP}, {port: '81', protocol: TCP}],"
          + " rules: {http: [{method: GET, path: /}]}}]";

  static Stream<Row> rows() {
    String ports41 = IntStream.range(0, 41).mapToObj(i -> "{port: '" + (1000 + i) + "'}")
        .collect(Collectors.joining(", "));
    String ports40 = IntStream.range(0, 40).mapToObj(i -> "{port: '" + (1000 + i) + "'}")
        .collect(Collectors.joining(", "));
    String icmp41 = IntStream.range(0, 41).mapToObj(i -> "{type: " + i + "}")
        .collect(Collectors.joining(", "));
    return Stream.of(
        // Cilium's training material ships this as invalid-policy.yaml (issue 20):
        // EgressCommonRule.Validate counts each kind of L3 peer with len().
        rejected("toEndpoints with toEntities in one egress entry (invalid-policy.yaml)",
            "egress: [{toEndpoints: [{matchLabels: {app: db}}], toEntities: [world]}]",
            RejectionReason.PEER_KINDS_COMBINED, "spec.egress[0]"),
        accepted("toEndpoints and toEntities in two entries",
            "egress: [{toEndpoints: [{matchLabels: {app: db}}]}, {toEntities: [world]}]"),
        accepted("an empty toEndpoints list is no peer kind (len 0) beside toEntities",
            "egress: [{toEndpoints: [], toEntities: [world]}]"),
        rejected("fromEndpoints with fromCIDR (IngressCommonRule.Validate)",
            "ingress: [{fromEndpoints: [{}], fromCIDR: [10.0.0.0/8]}]",
            RejectionReason.PEER_KINDS_COMBINED, "spec.ingress[0]"),
        rejected("toFQDNs with toCIDR (EgressRule.l3Members)",
            "egress: [{toFQDNs: [{matchName: a.example}], toCIDR: [10.0.0.0/8]}]",
            RejectionReason.PEER_KINDS_COMBINED, "spec.egress[0]"),
        accepted("fromRequires is no L3 peer kind",
            "ingress: [{fromEndpoints: [{}], fromRequires: [{matchLabels: {env: prod}}]}]"),
        // TestSanitizeDefaultDeny: Rule{} is accepted up to 1.16; cilium/cilium#35904 (1.17)
        // rejects a rule without any of the four sections.
        from(17, rejected("a rule with no section (TestSanitizeDefaultDeny Rule{}, #35904)",
            "{}", RejectionReason.EMPTY_RULE, "spec")),
        // Disputed by cilium/cilium#45716 (1.19.3, Valid=False shown but said to be enforced);
        // the agent's Parse runs the same Validate, so rejected here.
        from(17, rejected("only empty sections (cilium/cilium#45716)",
            "{enableDefaultDeny: {ingress: true, egress: true}, ingress: [], egress: []}",
            RejectionReason.EMPTY_RULE, "spec")),
        accepted("ingress: [{}] (TestSanitizeDefaultDeny Ingress:[{}])", "ingress: [{}]"),
        accepted("egressDeny alone (TestSanitizeDefaultDeny EgressDeny only)",
            "egressDeny: [{toEntities: [world]}]"),
        // Deny sections are validated from 1.17 (cilium/cilium#36598).
        from(17, rejected("egressDeny with toEndpoints and toEntities (#36598)",
            "egressDeny: [{toEndpoints: [{}], toEntities: [world]}]",
            RejectionReason.PEER_KINDS_COMBINED, "spec.egressDeny[0]")),
        // TestL7Rules (rows in order).
        accepted("HTTP on 80/TCP and 81/TCP (TestL7Rules)",
            "ingress: [{fromEndpoints: [{}], " + HTTP_80_81 + "}]"),
        rejected("DNS without ports (TestL7Rules)",
            "egress: [{toEndpoints: [{}], toPorts: [{rules: {dns: [{matchName: a.example}]}}]}]",
            RejectionReason.DNS_WITHOUT_PORTS, "spec.egress[0].toPorts[0]"),
        accepted("DNS on 53/TCP and 53/UDP (TestL7Rules)",
            "egress: [{toEndpoints: [{}], toPorts: [{ports: [{port: '53', protocol: TCP},"
                + " {port: '53', protocol: UDP}], rules: {dns: [{matchName: a.example}]}}]}]"),
        accepted("4000/SCTP without L7 (TestL7Rules)",
            "egress: [{toEndpoints: [{}], toPorts: [{ports: [{port: '4000', protocol: SCTP}]}]}]"),
        rejected("HTTP on 80/UDP (TestL7Rules)",
            "ingress: [{fromEndpoints: [{}], toPorts: [{ports: [{port: '80', protocol: UDP}],"
                + " rules: {http: [{}]}}]}]",
            RejectionReason.L7_NOT_TCP, "spec.ingress[0].toPorts[0].ports[0]"),
        rejected("DNS on ingress, 53/ANY (TestL7Rules)",
            "ingress: [{fromEndpoints: [{}], toPorts: [{ports: [{port: '53', protocol: ANY}],"
                + " rules: {dns: [{matchName: a.example}]}}]}]",
            RejectionReason.DNS_ON_INGRESS, "spec.ingress[0]"),
        rejected("HTTP on 80/ANY (TestL7Rules)",
            "ingress: [{fromEndpoints: [{}], toPorts: [{ports: [{port: '80', protocol: ANY}],"
                + " rules: {http: [{}]}}]}]",
            RejectionReason.L7_NOT_TCP, "spec.ingress[0].toPorts[0].ports[0]"),
        rejected("HTTP on 80/TCP and 12345/UDP (TestL7Rules)",
            "ingress: [{fromEndpoints: [{}], toPorts: [{ports: [{port: '80', protocol: TCP},"
                + " {port: '12345', protocol: UDP}], rules: {http: [{}]}}]}]",
            RejectionReason.L7_NOT_TCP, "spec.ingress[0].toPorts[0].ports[1]"),
        // TestL7RulesWithServerNames / listener rows.
        accepted("serverNames alone (TestL7Rules serverNames)",
            "egress: [{toPorts: [{ports: [{port: '443', protocol: TCP}],"
                + " serverNames: [foo.bar.com, bar.foo.com]}]}]"),
        rejected("an empty server name", "egress: [{toPorts: [{ports: [{port: '443',"
                + " protocol: TCP}], serverNames: ['']}]}]",
            RejectionReason.EMPTY_SERVER_NAME, "spec.egress[0].toPorts[0]"),
        rejected("serverNames with HTTP rules, no TLS termination",
            "egress: [{toPorts: [{ports: [{port: '443', protocol: TCP}],"
                + " serverNames: [foo.bar.com], rules: {http: [{}]}}]}]",
            RejectionReason.SERVER_NAMES_WITH_L7, "spec.egress[0].toPorts[0]"),
        accepted("serverNames with HTTP rules and terminatingTLS",
            "egress: [{toPorts: [{ports: [{port: '443', protocol: TCP}],"
                + " serverNames: [foo.bar.com], terminatingTLS: {secret: {name: s}},"
                + " rules: {http: [{}]}}]}]"),
        accepted("a listener on egress", "egress: [{toPorts: [{ports: [{port: '443',"
            + " protocol: TCP}], listener: {envoyConfig: {name: e}, name: myCustomListener}}]}]"),
        rejected("a listener on ingress", "ingress: [{toPorts: [{ports: [{port: '443',"
                + " protocol: TCP}], listener: {envoyConfig: {name: e},"
                + " name: myCustomListener}}]}]",
            RejectionReason.LISTENER_ON_INGRESS, "spec.ingress[0].toPorts[0]"),
        rejected("a listener with HTTP rules", "egress: [{toPorts: [{ports: [{port: '443',"
                + " protocol: TCP}], listener: {envoyConfig: {name: e}, name: myCustomListener},"
                + " rules: {http: [{}]}}]}]",
            RejectionReason.LISTENER_WITH_L7, "spec.egress[0].toPorts[0]"),
        rejected("HTTP on port 0 (TestL7RuleRejectsEmptyPort)",
            "ingress: [{toPorts: [{ports: [{port: '0', protocol: TCP}], rules: {http: [{}]}}]}]",
            RejectionReason.L7_ON_PORT_ZERO, "spec.ingress[0].toPorts[0]"),
        // TestL7RuleDirectionalitySupport: Kafka on egress is accepted while Kafka exists.
        until(20, accepted("Kafka on egress (TestL7RuleDirectionalitySupport)",
            "egress: [{toEndpoints: [{}], toPorts: [{ports: [{port: '80', protocol: TCP},"
                + " {port: '81', protocol: TCP}], rules: {kafka: [{role: consume,"
                + " topic: deathstar-plans}]}}]}]")),
        until(20, rejected("Kafka and HTTP in one port rule (L7Rules.Validate)",
            "egress: [{toPorts: [{ports: [{port: '80', protocol: TCP}],"
                + " rules: {http: [{}], kafka: [{topic: t}]}}]}]",
            RejectionReason.L7_TYPES_COMBINED, "spec.egress[0].toPorts[0].rules")),
        // 1.20 removed Kafka and the generic l7proto/l7 rules (cilium/cilium#43557, #44610: no
        // such fields in the 1.20 CRD or PortRule): dropped, they no longer count as L7 rules.
        until(20, rejected("l7proto and HTTP in one port rule (L7Rules.Validate)",
            "egress: [{toPorts: [{ports: [{port: '80', protocol: TCP}],"
                + " rules: {http: [{}], l7proto: test.lineparser, l7: [{}]}}]}]",
            RejectionReason.L7_TYPES_COMBINED, "spec.egress[0].toPorts[0].rules")),
        until(20, rejected("Kafka on a UDP port (L7 rules only on TCP)",
            "ingress: [{toPorts: [{ports: [{port: '9092', protocol: UDP}],"
                + " rules: {kafka: [{topic: t}]}}]}]",
            RejectionReason.L7_NOT_TCP, "spec.ingress[0].toPorts[0].ports[0]")),
        until(20, rejected("l7proto on a UDP port (L7 rules only on TCP)",
            "ingress: [{toPorts: [{ports: [{port: '53', protocol: UDP}],"
                + " rules: {l7proto: test.lineparser}}]}]",
            RejectionReason.L7_NOT_TCP, "spec.ingress[0].toPorts[0].ports[0]")),
        // TestTooManyPortsRule, TestTooManyIcmpFields, TestWrongICMPFieldFamily,
        // TestICMPRuleWithOtherRuleFailed.
        rejected("41 ports (TestTooManyPortsRule)",
            "ingress: [{toPorts: [{ports: [" + ports41 + "]}]}]",
            RejectionReason.TOO_MANY_PORTS, "spec.ingress[0].toPorts[0].ports"),
        accepted("40 ports", "ingress: [{toPorts: [{ports: [" + ports40 + "]}]}]"),
        rejected("41 ICMP fields (TestTooManyIcmpFields)",
            "ingress: [{icmps: [{fields: [" + icmp41 + "]}]}]",
            RejectionReason.TOO_MANY_ICMP_FIELDS, "spec.ingress[0].icmps[0]"),
        rejected("ICMP family hoge (TestWrongICMPFieldFamily)",
            "ingress: [{icmps: [{fields: [{family: hoge, type: 8}]}]}]",
            RejectionReason.ICMP_FAMILY, "spec.ingress[0].icmps[0]"),
        rejected("ICMP with toPorts on egress (TestICMPRuleWithOtherRuleFailed)",
            "egress: [{icmps: [{fields: [{type: 8}]}], toPorts: [{ports: [{port: '80'}]}]}]",
            RejectionReason.ICMP_WITH_PORTS, "spec.egress[0]"),
        rejected("a port without a number (PortProtocol.Validate)",
            "ingress: [{toPorts: [{ports: [{protocol: TCP}]}]}]",
            RejectionReason.PORT_MISSING, "spec.ingress[0].toPorts[0].ports[0]"),
        rejected("port 08: strconv.ParseUint(port, 0, 16) reads a leading 0 as octal",
            "ingress: [{toPorts: [{ports: [{port: '08'}]}]}]",
            RejectionReason.PORT_UNPARSABLE, "spec.ingress[0].toPorts[0].ports[0].port"),
        accepted("port 010 (octal 8) and an upper-case port name (pkg/iana IsSvcName)",
            "ingress: [{toPorts: [{ports: [{port: '010'}, {port: HTTP}]}]}]"),
        // Port ranges from 1.16 (cilium/cilium#32389); "DNS rules do not support port ranges".
        from(16, rejected("DNS on a port range",
            "egress: [{toPorts: [{ports: [{port: '53', endPort: 54, protocol: UDP}],"
                + " rules: {dns: [{matchName: a.example}]}}]}]",
            RejectionReason.DNS_PORT_RANGE, "spec.egress[0].toPorts[0].ports[0]")),
        // pkg/k8s/apis/cilium.io/v2 cnp_types_test.go: a namespaced policy may not select nodes,
        // a clusterwide one may.
        rejected("a CiliumNetworkPolicy with nodeSelector (cnp_types_test.go)",
            "{nodeSelector: {}, ingress: [{fromEntities: [cluster]}]}",
            RejectionReason.NODE_SELECTOR_IN_NAMESPACED, "spec"),
        clusterwide(accepted("a clusterwide host policy (cnp_types_test.go)",
            "{nodeSelector: {}, ingress: [{fromEndpoints: [{}]}]}")),
        clusterwide(rejected("both selectors (TestNodeSelector)",
            "{nodeSelector: {}, endpointSelector: {}, ingress: [{}]}",
            RejectionReason.BOTH_SELECTORS, "spec")),
        clusterwide(rejected("HTTP on host ingress (TestL7Rules host policy)",
            "{nodeSelector: {}, ingress: [{" + HTTP_80_81 + "}]}",
            RejectionReason.HOST_L7_INGRESS, "spec.ingress[0]")),
        clusterwide(rejected("HTTP on host egress", "{nodeSelector: {}, egress: [{"
                + HTTP_80_81 + "}]}",
            RejectionReason.HOST_HTTP_EGRESS, "spec.egress[0]")),
        clusterwide(accepted("DNS on host egress",
            "{nodeSelector: {}, egress: [{toPorts: [{ports: [{port: '53', protocol: UDP}],"
                + " rules: {dns: [{matchName: a.example}]}}]}]}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void theAgentRejectsWhatCiliumsTestsReject(Row row) throws Exception {
    RawObject policy = object(row.kind(), row.spec());
    assertAll(row.toString(), IntStream.rangeClosed(14, NEWEST_MINOR).mapToObj(minor -> () -> {
      Optional<Rejection> r = PolicyValidation.of(policy, new CiliumVersion(1, minor, -1));
      boolean rejects = row.reason() != null && minor >= row.since() && minor < row.until();
      assertThat(r.map(Rejection::reason)).as("1.%d", minor)
          .isEqualTo(rejects ? Optional.of(row.reason()) : Optional.empty());
      if (rejects) {
        assertThat(r.get().path()).as("1.%d path", minor).isEqualTo(row.path());
      }
    }));
  }

  @Test
  void theAgentsLogNamesTheObjectTheSpecAndTheError() throws Exception {
    Rejection spec = PolicyValidation.of(object("CiliumNetworkPolicy",
        "egress: [{toEndpoints: [{}], toEntities: [world]}]"), CiliumVersion.NEWEST).orElseThrow();
    assertThat(spec.agentLog()).isEqualTo("Invalid CiliumNetworkPolicy spec: combining"
        + " ToEndpoints and ToEntities is not supported yet");
    RawObject specs = raw("CiliumClusterwideNetworkPolicy",
        "specs: [{endpointSelector: {}, ingress: [{}]},"
            + " {endpointSelector: {}, ingress: [{fromEndpoints: [{}], fromEntities: [world]}]}]");
    Rejection second = PolicyValidation.of(specs, CiliumVersion.NEWEST).orElseThrow();
    assertThat(second.path()).isEqualTo("specs[1].ingress[0]");
    assertThat(second.agentLog()).isEqualTo("Invalid CiliumClusterwideNetworkPolicy specs:"
        + " combining FromEndpoints and FromEntities is not supported yet");
  }

  @Test
  void networkPoliciesAreNotTheAgentsToReject() throws Exception {
    // The API server validates a NetworkPolicy in full; nodeipam reads the rest as bad input.
    RawObject np = raw("NetworkPolicy", "spec: {podSelector: {}}");
    assertThat(PolicyValidation.of(np, CiliumVersion.NEWEST)).isEmpty();
  }

  private static RawObject object(String kind, String spec) throws Exception {
    String withSelector = spec.contains("Selector") ? spec
        : spec.equals("{}") ? "{endpointSelector: {}}"
        : spec.startsWith("{") ? "{endpointSelector: {}, " + spec.substring(1)
        : "{endpointSelector: {}, " + spec + "}";
    return raw(kind, "spec: " + withSelector);
  }

  @SuppressWarnings("unchecked")
  private static RawObject raw(String kind, String body) throws Exception {
    boolean namespaced = !kind.equals("CiliumClusterwideNetworkPolicy");
    String yaml = "apiVersion: cilium.io/v2\nkind: " + kind + "\nmetadata: {name: p"
        + (namespaced ? ", namespace: app" : "") + "}\n" + body + "\n";
    Map<String, Object> map = YAML.readValue(yaml, Map.class);
    return new RawObject("cilium.io/v2", kind, namespaced ? "app" : null, "p",
        Collections.unmodifiableMap(map), "test.yaml:1");
  }
}

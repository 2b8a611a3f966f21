package dev.nodeipam.ipam;

import static dev.nodeipam.testing.Objects.lb;
import static dev.nodeipam.testing.Objects.node;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.snapshot.AnnotatedAddresses;
import dev.nodeipam.snapshot.IpFamily;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * E13: the {@code nodeipam.dev/external-ips} node annotation, parsed once, and its addresses as
 * ExternalIPs in every address policy (E6). Cilium's Node IPAM reads only {@code status.addresses}
 * (operator/pkg/nodeipam/nodesvclb.go, the address loop over {@code node.Status.Addresses}), which
 * is why {@code fromAnnotation} names what only nodeipam publishes.
 */
class AnnotatedAddressesTest {
  private static final NodeIpamOptions REFERENCE = NodeIpamOptions.reference();

  static Stream<Arguments> values() {
    return Stream.of(
        Arguments.of("one IPv4", "203.0.113.7", List.of("203.0.113.7"), null),
        Arguments.of(
            "both families, blanks around",
            " 203.0.113.7 , 2001:db8::7 ",
            List.of("203.0.113.7", "2001:db8::7"),
            null),
        Arguments.of("empty value: no address", "", List.of(), null),
        Arguments.of(
            "a CIDR", "203.0.113.0/24", List.of(), "\"203.0.113.0/24\" is not an IP address"),
        Arguments.of(
            "one bad entry spoils the value",
            "203.0.113.7,edge.example.com",
            List.of(),
            "\"edge.example.com\" is not an IP address"),
        Arguments.of("a trailing comma", "203.0.113.7,", List.of(), "an empty entry"),
        Arguments.of(
            "leading zeros", "203.0.113.07", List.of(), "\"203.0.113.07\" is not an IP address"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  void theValueIsReadOnceWithATypedResult(
      String name, String value, List<String> addresses, String invalid) {
    AnnotatedAddresses a = AnnotatedAddresses.parse(value);
    assertThat(a.addresses()).isEqualTo(addresses);
    assertThat(a.invalid()).isEqualTo(invalid);
    assertThat(a.isInvalid()).isEqualTo(invalid != null);
    assertThat(a.value()).isEqualTo(value);
  }

  private static Node annotated(String name, String internal, String external, String value) {
    var b = node(name).internal(internal);
    if (external != null) {
      b.external(external);
    }
    return b.build().toBuilder().annotatedAddresses(AnnotatedAddresses.parse(value)).build();
  }

  static Stream<Arguments> policies() {
    Node nat = annotated("n1", "10.0.0.1", null, "203.0.113.7,2001:db8::7");
    Node plain = node("n2").internal("10.0.0.2").build();
    Node carried = annotated("n3", "10.0.0.3", "198.51.100.3", "198.51.100.3");
    Node bad = annotated("n4", "10.0.0.4", null, "203.0.113.9,nope");
    List<IpFamily> v4 = List.of(IpFamily.IPV4);
    List<IpFamily> dual = List.of(IpFamily.IPV4, IpFamily.IPV6);
    return Stream.of(
        Arguments.of("ExternalThenInternal: the annotation hides InternalIPs",
            AddressPolicy.EXTERNAL_THEN_INTERNAL, List.of(nat, plain), v4,
            List.of("203.0.113.7"), List.of("203.0.113.7")),
        Arguments.of("ExternalThenInternal, dual stack",
            AddressPolicy.EXTERNAL_THEN_INTERNAL, List.of(nat), dual,
            List.of("2001:db8::7", "203.0.113.7"), List.of("2001:db8::7", "203.0.113.7")),
        Arguments.of("PerNodeFallback: the annotated node publishes its public address",
            AddressPolicy.PER_NODE_FALLBACK, List.of(nat, plain), v4,
            List.of("10.0.0.2", "203.0.113.7"), List.of("203.0.113.7")),
        Arguments.of("ExternalOnly", AddressPolicy.EXTERNAL_ONLY, List.of(nat, plain), v4,
            List.of("203.0.113.7"), List.of("203.0.113.7")),
        Arguments.of("InternalOnly ignores it", AddressPolicy.INTERNAL_ONLY, List.of(nat), v4,
            List.of("10.0.0.1"), List.of()),
        Arguments.of("an address the node carries is not from the annotation",
            AddressPolicy.EXTERNAL_THEN_INTERNAL, List.of(carried), v4,
            List.of("198.51.100.3"), List.of()),
        Arguments.of("an invalid value is ignored whole",
            AddressPolicy.EXTERNAL_THEN_INTERNAL, List.of(bad), v4,
            List.of("10.0.0.4"), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void annotatedAddressesAreExternalIpsInEveryPolicy(
      String name,
      AddressPolicy policy,
      List<Node> nodes,
      List<IpFamily> families,
      List<String> ingress,
      List<String> fromAnnotation) {
    Service s = lb("web").families(families.toArray(IpFamily[]::new)).build();
    IngressDecision cluster =
        new NodeIpam(REFERENCE.withAddressPolicy(policy)).decide(s, NodePool.of(nodes), List.of());
    assertThat(cluster.ingress()).isEqualTo(ingress);
    assertThat(cluster.fromAnnotation()).isEqualTo(fromAnnotation);
  }
}

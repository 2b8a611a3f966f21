package dev.nodeipam.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.ipam.ClasslessDefault.Source;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who owns LoadBalancers without a class (docs/spec/node-ipam.md#R2): the flag, else Cilium's
 * {@code enable-node-ipam} with {@code default-lb-service-ipam: nodeipam} (cilium/cilium#33282;
 * the key and its values {@code lbipam}, {@code nodeipam}, {@code none} as reported in #40888) for
 * Cilium's own class only.
 */
class ClasslessDefaultTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no cilium-config", false, "io.cilium/node", null, null, false,
            Source.NOT_OWNED),
        Arguments.of("Cilium's default lbipam", false, "io.cilium/node", "true", "lbipam", false,
            Source.NOT_OWNED),
        Arguments.of("none", false, "io.cilium/node", "true", "none", false, Source.NOT_OWNED),
        Arguments.of("nodeipam and Node IPAM on", false, "io.cilium/node", "true", "nodeipam",
            true, Source.CILIUM_CONFIG),
        Arguments.of("quoted values as a ConfigMap may hold them", false, "io.cilium/node",
            "\"true\"", "\"nodeipam\"", true, Source.CILIUM_CONFIG),
        Arguments.of("nodeipam but Node IPAM off", false, "io.cilium/node", "false", "nodeipam",
            false, Source.CILIUM_CONFIG_NODE_IPAM_OFF),
        Arguments.of("nodeipam, enable-node-ipam absent", false, "io.cilium/node", null,
            "nodeipam", false, Source.CILIUM_CONFIG_NODE_IPAM_OFF),
        Arguments.of("another class: Cilium's default is not ours", false, "example.com/lb", "true",
            "nodeipam", false, Source.NOT_OWNED),
        Arguments.of("the flag wins", true, "example.com/lb", "true", "lbipam", true, Source.FLAG),
        Arguments.of("the flag without cilium-config", true, "io.cilium/node", null, null, true,
            Source.FLAG));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resolves(String name, boolean flag, String cls, String enable, String value,
      boolean owned, Source source) {
    Map<String, String> data = new HashMap<>();
    if (enable != null) {
      data.put(ClasslessDefault.ENABLE_KEY, enable);
    }
    if (value != null) {
      data.put(ClasslessDefault.KEY, value);
    }
    Optional<Map<String, String>> config =
        enable == null && value == null ? Optional.empty() : Optional.of(data);
    NodeIpamOptions requested =
        NodeIpamOptions.reference().withLoadBalancerClass(cls).withDefaultClass(flag);

    ClasslessDefault d = ClasslessDefault.resolve(requested, config, "cilium.yaml:3");

    assertThat(d.options().defaultClass()).isEqualTo(owned);
    assertThat(d.source()).isEqualTo(source);
    assertThat(d.options().withDefaultClass(requested.defaultClass())).isEqualTo(requested);
    assertThat(ClasslessDefault.ciliumOwnsClassless(config))
        .isEqualTo("true".equals(enable == null ? null : enable.replace("\"", ""))
            && value != null && value.contains("nodeipam"));
  }
}

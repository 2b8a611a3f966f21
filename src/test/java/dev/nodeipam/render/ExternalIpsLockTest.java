package dev.nodeipam.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.nodeipam.labels.LabelSelector;
import dev.nodeipam.labels.Requirement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The externalIPs lock that {@code migrate --out} writes. The test API server (1.24) serves no
 * admission policies, so the CEL rule is evaluated here with cel-java, read back from the written
 * manifests, on Services that must pass and must fail. As the API server binds them
 * (k8s.io/apiserver/pkg/admission/plugin/policy/validating, {@code object} and {@code oldObject},
 * the latter null on CREATE), and Kyverno binds the same names for its {@code validate.cel}.
 * The namespace exemption is a selector, checked with the project's label-selector semantics.
 */
class ExternalIpsLockTest {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static List<JsonNode> policy;
  private static JsonNode kyverno;
  private static CelRuntime.Program program;

  @BeforeAll
  static void read() throws Exception {
    policy = new ArrayList<>();
    YAML.readerFor(JsonNode.class).readValues(ExternalIpsLock.admissionPolicy())
        .forEachRemaining(d -> policy.add((JsonNode) d));
    kyverno = YAML.readTree(ExternalIpsLock.kyverno());
    String expression = policy.get(0).at("/spec/validations/0/expression").asText();
    CelCompiler compiler = CelCompilerFactory.standardCelCompilerBuilder()
        .addVar("object", SimpleType.DYN).addVar("oldObject", SimpleType.DYN)
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS).build();
    program = CelRuntimeFactory.standardCelRuntimeBuilder().build()
        .createProgram(compiler.compile(expression).getAst());
  }

  private static Map<String, Object> service(List<String> externalIps) {
    Map<String, Object> spec = new HashMap<>();
    spec.put("ports", List.of(Map.of("port", 80L)));
    if (externalIps != null) {
      spec.put("externalIPs", externalIps);
    }
    return Map.of("apiVersion", "v1", "kind", "Service",
        "metadata", Map.of("name", "web", "namespace", "shop"), "spec", spec);
  }

  static Stream<Arguments> changes() {
    List<String> none = null;
    return Stream.of(
        Arguments.of("create without externalIPs", null, none, true),
        Arguments.of("create with externalIPs", null, List.of("192.0.2.10"), false),
        Arguments.of("update without externalIPs", none, none, true),
        Arguments.of("first externalIP added", none, List.of("192.0.2.10"), false),
        Arguments.of("another externalIP added", List.of("192.0.2.10"),
            List.of("192.0.2.10", "192.0.2.11"), false),
        Arguments.of("externalIP changed", List.of("192.0.2.10"), List.of("192.0.2.99"), false),
        Arguments.of("unchanged", List.of("192.0.2.10"), List.of("192.0.2.10"), true),
        Arguments.of("reordered", List.of("192.0.2.10", "192.0.2.11"),
            List.of("192.0.2.11", "192.0.2.10"), true),
        Arguments.of("one removed", List.of("192.0.2.10", "192.0.2.11"), List.of("192.0.2.11"),
            true),
        Arguments.of("all removed", List.of("192.0.2.10"), none, true),
        Arguments.of("emptied", List.of("192.0.2.10"), List.of(), true));
  }

  /** {@code old == null} and {@code "create"} in the name: a CREATE, no old object. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void theRuleRefusesNewOrChangedAddressesOnly(String name, List<String> old, List<String> now,
      boolean allowed) throws Exception {
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", service(now));
    // CEL null, not Java null: an unbound variable would make the result unknown.
    vars.put("oldObject", name.startsWith("create") ? NullValue.NULL_VALUE : service(old));
    assertThat(program.eval(vars)).as(name).isEqualTo(allowed);
  }

  @Test
  void theAdmissionPolicyIsParamlessDenyingAndMatchesServiceWrites() {
    assertThat(policy).hasSize(2);
    JsonNode vap = policy.get(0);
    JsonNode binding = policy.get(1);
    assertThat(vap.path("apiVersion").asText()).isEqualTo("admissionregistration.k8s.io/v1");
    assertThat(vap.path("kind").asText()).isEqualTo("ValidatingAdmissionPolicy");
    assertThat(vap.path("spec").has("paramKind")).isFalse();
    JsonNode rule = vap.at("/spec/matchConstraints/resourceRules/0");
    assertThat(vap.at("/spec/matchConstraints/resourceRules").size()).isEqualTo(1);
    assertThat(texts(rule.path("apiGroups"))).containsExactly("");
    assertThat(texts(rule.path("resources"))).containsExactly("services");
    assertThat(texts(rule.path("operations"))).containsExactly("CREATE", "UPDATE");
    assertThat(vap.at("/spec/validations/0/expression").asText()).isEqualTo(ExternalIpsLock.CEL);
    assertThat(binding.path("apiVersion").asText()).isEqualTo("admissionregistration.k8s.io/v1");
    assertThat(binding.path("kind").asText()).isEqualTo("ValidatingAdmissionPolicyBinding");
    assertThat(binding.at("/spec/policyName").asText())
        .isEqualTo(vap.at("/metadata/name").asText());
    assertThat(texts(binding.at("/spec/validationActions"))).containsExactly("Deny");
    assertThat(binding.path("spec").has("paramRef")).isFalse();
  }

  @Test
  void kyvernoEnforcesTheSameRuleOnServiceWrites() {
    assertThat(kyverno.path("apiVersion").asText()).isEqualTo("kyverno.io/v1");
    assertThat(kyverno.path("kind").asText()).isEqualTo("ClusterPolicy");
    assertThat(kyverno.at("/spec/validationFailureAction").asText()).isEqualTo("Enforce");
    JsonNode rule = kyverno.at("/spec/rules/0");
    assertThat(texts(rule.at("/match/any/0/resources/kinds"))).containsExactly("Service");
    assertThat(texts(rule.at("/match/any/0/resources/operations")))
        .containsExactly("CREATE", "UPDATE");
    assertThat(rule.at("/validate/cel/expressions/0/expression").asText())
        .isEqualTo(ExternalIpsLock.CEL);
  }

  /** A namespace labelled exempt is outside both policies; every other namespace is inside. */
  @Test
  void aNamespaceLabelExemptsIt() {
    JsonNode expression = policy.get(1).at("/spec/matchResources/namespaceSelector"
        + "/matchExpressions/0");
    assertThat(expression.path("operator").asText()).isEqualTo("NotIn");
    LabelSelector bound = LabelSelector.of(Map.of(), List.of(new Requirement(
        expression.path("key").asText(), Requirement.Operator.NOT_IN,
        Set.copyOf(texts(expression.path("values"))))));
    Map<String, String> exempt = Map.of(ExternalIpsLock.EXEMPT_LABEL, "exempt");
    assertThat(bound.matches(exempt)).isFalse();
    assertThat(bound.matches(Map.of())).isTrue();
    assertThat(bound.matches(Map.of(ExternalIpsLock.EXEMPT_LABEL, "no"))).isTrue();

    JsonNode excluded = kyverno.at("/spec/rules/0/exclude/any/0/resources/namespaceSelector"
        + "/matchLabels");
    Map<String, String> labels = new HashMap<>();
    excluded.properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    assertThat(LabelSelector.of(labels, List.of()).matches(exempt)).isTrue();
    assertThat(LabelSelector.of(labels, List.of()).matches(Map.of())).isFalse();
  }

  @Test
  void theScriptIsOptionalAndNamesEveryWay() {
    String script = ExternalIpsLock.script();
    assertThat(script.lines().filter(l -> !l.startsWith("#") && !l.isBlank()))
        .as("every command commented out").containsExactly("set -eu");
    assertThat(script).contains("# kubectl apply -f \"$(dirname \"$0\")/"
            + ExternalIpsLock.ADMISSION_POLICY_FILE + "\"")
        .contains("# kubectl apply -f \"$(dirname \"$0\")/" + ExternalIpsLock.KYVERNO_FILE + "\"")
        .contains("DenyServiceExternalIPs");
    assertThat(script.lines()).allMatch(l -> l.length() <= 100);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}

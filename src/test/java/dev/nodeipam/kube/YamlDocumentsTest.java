package dev.nodeipam.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * YAML as Kubernetes reads it. sigs.k8s.io/yaml (yaml.go: YAMLToJSONStrict) decodes with its
 * go-yaml v2 fork: aliases anywhere, merge keys (goyaml.v2/decode.go, {@code merge}), YAML 1.1
 * scalars (goyaml.v2/resolve.go), and a key twice in one mapping refused in strict mode ("mapping
 * key ... already set"). The merge semantics are the YAML 1.1 merge type's (yaml.org/type/merge):
 * the mapping's own keys win over merged ones wherever the merge key stands, and in a list of
 * merged mappings the earlier one wins.
 */
class YamlDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> accepted() {
    return Stream.of(
        Arguments.of("alias to a mapping",
            "labels: &labels {app: web, tier: front}\nselector: *labels\n",
            "{\"labels\":{\"app\":\"web\",\"tier\":\"front\"},"
                + "\"selector\":{\"app\":\"web\",\"tier\":\"front\"}}"),
        Arguments.of("alias to a list",
            "a: &ports [{port: 80}]\nb: *ports\n",
            "{\"a\":[{\"port\":80}],\"b\":[{\"port\":80}]}"),
        Arguments.of("alias to a scalar",
            "name: &n web\nlabels: {app: *n}\n",
            "{\"name\":\"web\",\"labels\":{\"app\":\"web\"}}"),
        Arguments.of("merge key, explicit key overrides the merged one",
            "base: &base {port: 80, protocol: TCP}\nport:\n  <<: *base\n  port: 443\n",
            "{\"base\":{\"port\":80,\"protocol\":\"TCP\"},"
                + "\"port\":{\"port\":443,\"protocol\":\"TCP\"}}"),
        Arguments.of("merge key after the explicit key: the explicit key still wins",
            "base: &base {port: 80, protocol: TCP}\nport:\n  port: 443\n  <<: *base\n",
            "{\"base\":{\"port\":80,\"protocol\":\"TCP\"},"
                + "\"port\":{\"port\":443,\"protocol\":\"TCP\"}}"),
        Arguments.of("merge list: the earlier mapping wins",
            "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n",
            "{\"a\":{\"x\":1,\"y\":1},\"b\":{\"y\":2,\"z\":2},\"c\":{\"x\":1,\"y\":1,\"z\":2}}"),
        Arguments.of("merge of a mapping that merges itself",
            "a: &a {x: 1}\nb: &b {<<: *a, y: 2}\nc: {<<: *b, z: 3}\n",
            "{\"a\":{\"x\":1},\"b\":{\"x\":1,\"y\":2},\"c\":{\"x\":1,\"y\":2,\"z\":3}}"),
        Arguments.of("merge of an inline mapping",
            "c:\n  <<: {x: 1}\n  y: 2\n",
            "{\"c\":{\"x\":1,\"y\":2}}"),
        Arguments.of("a quoted << is a plain key",
            "c: {\"<<\": 1}\n",
            "{\"c\":{\"<<\":1}}"),
        Arguments.of("YAML 1.1 scalars",
            "a: yes\nb: \"yes\"\nc: Off\nd: 0x1F\ne: 010\nf: ~\ng: 1.5\nh: 2024-01-02\ni: 1_000\n",
            "{\"a\":true,\"b\":\"yes\",\"c\":false,\"d\":31,\"e\":8,\"f\":null,\"g\":1.5,"
                + "\"h\":\"2024-01-02\",\"i\":1000}"),
        Arguments.of("a number key is its text",
            "ports: {80: http}\n",
            "{\"ports\":{\"80\":\"http\"}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("accepted")
  void readsAsKubernetesReads(String name, String yaml, String json) throws Exception {
    List<YamlDocuments.Document> docs = YamlDocuments.read(yaml);
    assertThat(docs).hasSize(1);
    assertThat(docs.get(0).node()).isEqualTo(JSON.readTree(json));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("a key twice", "a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (first at line 1)"),
        Arguments.of("two merge keys", "x: &x {a: 1}\nc:\n  <<: *x\n  <<: *x\n", 4,
            "duplicate key '<<' (first at line 3)"),
        Arguments.of("merge of a scalar", "x: &x 1\nc: {<<: *x}\n", 1,
            "a merge key (<<) takes a mapping or a list of mappings, found a scalar"),
        Arguments.of("merge of a list of scalars", "c: {<<: [1]}\n", 1,
            "a merge key (<<) takes a mapping or a list of mappings, found a scalar"),
        Arguments.of("an alias to its own holder", "a: &a [*a]\n", 1,
            "an alias refers to the node that holds it"),
        Arguments.of("a mapping as a key", "? {a: 1}\n: 2\n", 1, "a mapping as a mapping key"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesWithTheLine(String name, String yaml, int line, String message) {
    YamlDocuments.Malformed e =
        catchThrowableOfType(() -> YamlDocuments.read(yaml), YamlDocuments.Malformed.class);
    assertThat(e).as(name).isNotNull();
    assertThat(e.line()).isEqualTo(line);
    assertThat(e.getMessage()).isEqualTo(message);
  }

  @Test
  void anUndefinedAliasIsAPlainSentenceWithItsLine() {
    YamlDocuments.Malformed e = catchThrowableOfType(
        () -> YamlDocuments.read("a: 1\nb: *nowhere\n"), YamlDocuments.Malformed.class);
    assertThat(e.line()).isEqualTo(2);
    assertThat(e.getMessage()).contains("undefined alias").doesNotContain("org.yaml", "Mark");
  }

  @Test
  void anAliasBombIsRefusedNotExpanded() {
    StringBuilder yaml = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 9; i++) {
      yaml.append("a").append(i).append(": &a").append(i).append(" [");
      for (int j = 0; j < 10; j++) {
        yaml.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
      }
      yaml.append("]\n");
    }
    YamlDocuments.Malformed e =
        catchThrowableOfType(() -> YamlDocuments.read(yaml.toString()), YamlDocuments.Malformed.class);
    assertThat(e.getMessage()).startsWith("aliases expand to more than");
  }

  @Test
  void documentsKeepTheLineTheirObjectStartsOn() {
    List<YamlDocuments.Document> docs = YamlDocuments.read("# c\n---\na: 1\n---\n---\n\nb: 2\n");
    assertThat(docs).extracting(YamlDocuments.Document::line).containsExactly(3, 7);
  }

  /** The shape of the report: a Service selecting with an alias to its Deployment's labels. */
  @Test
  void aServiceSelectorAliasedToTheWorkloadLabels(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("app.yaml");
    Files.writeString(file, """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          labels: &labels {app: web, tier: front}
        spec:
          selector: *labels
          ports:
          - &http {name: http, port: 80, protocol: TCP}
          - <<: *http
            name: alt
            port: 8080
        """);
    ClusterSnapshot snapshot = ManifestLoader.load(List.of(file));
    Service web = snapshot.services().get(0);
    assertThat(web.selector()).isEqualTo(Map.of("app", "web", "tier", "front"));
    assertThat(web.ports()).extracting(Service.ServicePort::port).containsExactly(80, 8080);
  }
}

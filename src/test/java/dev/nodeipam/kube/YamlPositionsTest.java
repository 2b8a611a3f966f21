package dev.nodeipam.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.diff.Location;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Positions of the parts of YAML and JSON documents, as the diff's file:line:column. */
class YamlPositionsTest {
  private static final String TWO_DOCUMENTS = """
      # a comment
      apiVersion: v1
      kind: Service
      metadata:
        name: web
      spec:
        externalIPs:
        - 192.0.2.1
        - 192.0.2.2
        ports: [{port: 80}, {port: 443}]
      ---
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p}
      spec:
        egress:
        - to:
          - ipBlock: {cidr: 0.0.0.0/0}
        - ports:
          - port: 443
      """;

  @Test
  void pathsOfEveryDocument_keysForMembers_elementsForLists() {
    YamlPositions p = YamlPositions.of(TWO_DOCUMENTS, false);
    assertThat(p.find(2, "")).isEqualTo(new YamlPositions.Position(2, 1));
    assertThat(p.find(2, "spec.externalIPs")).isEqualTo(new YamlPositions.Position(7, 3));
    assertThat(p.find(2, "spec.externalIPs[1]")).isEqualTo(new YamlPositions.Position(9, 5));
    assertThat(p.find(2, "spec.ports[1]").line()).isEqualTo(10);
    assertThat(p.find(2, "spec.ports[1]").column()).isGreaterThan(p.find(2, "spec.ports[0]").column());
    // An element that is a mapping starts at its first key, after the dash.
    assertThat(p.find(12, "spec.egress[1]")).isEqualTo(new YamlPositions.Position(19, 5));
    assertThat(p.find(12, "spec.egress[0].to[0].ipBlock").line()).isEqualTo(18);
  }

  @Test
  void missingPart_fallsBackToTheClosestEnclosingOne_unknownDocumentIsNull() {
    YamlPositions p = YamlPositions.of(TWO_DOCUMENTS, false);
    assertThat(p.find(2, "spec.externalIPs[7]")).isEqualTo(p.find(2, "spec.externalIPs"));
    assertThat(p.find(2, "spec.type")).isEqualTo(new YamlPositions.Position(6, 1));
    assertThat(p.find(3, "spec")).isNull();
  }

  @Test
  void json_andItemsOfAListDocument_throughTheLocator(@TempDir Path dir) throws Exception {
    Path json = dir.resolve("list.json");
    Files.writeString(json, """
        {"apiVersion": "v1", "kind": "List", "items": [
          {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},
          {"apiVersion": "v1", "kind": "Service",
           "metadata": {"name": "s", "namespace": "a"},
           "spec": {"externalIPs": ["192.0.2.9"]}}
        ]}
        """);
    SourceLocator locator = new SourceLocator(ManifestTree.WORK_TREE);
    Location at = locator.locate(json + ":1 items[1]", "spec.externalIPs[0]").orElseThrow();
    assertThat(at).isEqualTo(new Location(json.toString(), 5, 29));
    assertThat(locator.locate(json + ":1 items[1]", null).orElseThrow().line()).isEqualTo(3);
    assertThat(locator.locate("cluster Service a/s", null)).isEmpty();
  }

  @Test
  void documentLines_areThoseTheLoaderGivesEachObject() {
    var snapshot = ManifestLoader.load(List.of(Path.of("examples/pr-externalip/after")));
    SourceLocator locator = new SourceLocator(ManifestTree.WORK_TREE);
    var svc = snapshot.service("istio-system", "istio-ingressgateway").orElseThrow();
    Location at = locator.locate(svc.source(), "spec.externalIPs[0]").orElseThrow();
    assertThat(at.line()).isEqualTo(20);
    assertThat(at.column()).isEqualTo(5);
    assertThat(locator.locate(svc.source(), "").orElseThrow().line())
        .isEqualTo(Integer.parseInt(svc.source().substring(svc.source().lastIndexOf(':') + 1)));
  }
}

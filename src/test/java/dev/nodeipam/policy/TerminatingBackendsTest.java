package dev.nodeipam.policy;

import static dev.nodeipam.policy.TestCluster.port;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertAll;

import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.render.text.NoteText;
import dev.nodeipam.snapshot.EndpointSlice;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which EndpointSlice endpoints are backends for a new connection, by release: ready ones always;
 * when none is ready, no fallback up to 1.17 (cilium/cilium#37613), every terminating endpoint in
 * 1.18 (cilium/cilium#39743, #40279; {@code convertEndpoints} in {@code
 * pkg/loadbalancer/reflectors/conversions.go}), terminating and serving ones from 1.19
 * (cilium/cilium#40969; {@code pkg/loadbalancer/tests/testdata/graceful-termination.txtar}).
 */
class TerminatingBackendsTest {
  /** Conditions of an endpoint: ready, serving, terminating (null: absent). */
  private record Conditions(Boolean ready, Boolean serving, Boolean terminating) {
    EndpointSlice.Endpoint at(String ip, String pod) {
      return new EndpointSlice.Endpoint(List.of(ip), ready, serving, terminating, null, pod);
    }
  }

  private static final Conditions READY = new Conditions(true, true, false);
  private static final Conditions SERVING_TERMINATING = new Conditions(false, true, true);
  private static final Conditions TERMINATING = new Conditions(false, false, true);
  private static final Conditions TERMINATING_SERVING_ABSENT = new Conditions(false, null, true);
  private static final Conditions UNREADY = new Conditions(false, false, false);

  private record Row(String name, String version, Conditions web1, Conditions web2,
      List<String> backends) {
    @Override
    public String toString() {
      return name + " @" + version + " -> " + backends;
    }
  }

  static Stream<Row> rows() {
    List<String> none = List.of();
    List<String> one = List.of("edge/web-1");
    List<String> two = List.of("edge/web-1", "edge/web-2");
    String ready = "a ready endpoint: the terminating one is not used";
    String noneReady = "no endpoint ready, one serving-terminating, one not serving";
    String absent = "serving absent reads as serving (ParseEndpointConditionsV1)";
    String unready = "unready and not terminating: never a backend";
    return Stream.of(
        new Row(ready, "1.14", READY, SERVING_TERMINATING, one),
        new Row(ready, "1.18", READY, SERVING_TERMINATING, one),
        new Row(ready, "1.19", READY, SERVING_TERMINATING, one),
        new Row(noneReady, "1.14", SERVING_TERMINATING, TERMINATING, none),
        new Row(noneReady, "1.16", SERVING_TERMINATING, TERMINATING, none),
        new Row(noneReady, "1.17", SERVING_TERMINATING, TERMINATING, none),
        new Row(noneReady, "1.18", SERVING_TERMINATING, TERMINATING, two),
        new Row(noneReady, "1.19", SERVING_TERMINATING, TERMINATING, one),
        new Row(absent, "1.19", TERMINATING_SERVING_ABSENT, TERMINATING, one),
        new Row(unready, "1.18", UNREADY, UNREADY, none),
        new Row(unready, "1.19", UNREADY, SERVING_TERMINATING, List.of("edge/web-2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void terminatingEndpointsAreBackendsAsTheReleaseDecides(Row r) {
    TestCluster c = new TestCluster()
        .node("n1", "192.168.0.1")
        .pod("app/client", "n1", "10.0.1.5", Map.of("app", "client"))
        .pod("edge/web-1", "n1", "10.0.2.10", Map.of("app", "web"), port("https", 8443))
        .pod("edge/web-2", "n1", "10.0.2.11", Map.of("app", "web"), port("https", 8443))
        .service("edge/web", "10.96.0.50", Map.of("app", "web"), List.of(), List.of(),
            TestCluster.servicePort(443, 8443))
        .slice("edge/web", 8443, r.web1().at("10.0.2.10", "web-1"),
            r.web2().at("10.0.2.11", "web-2"));
    Verdict v = c.trace("app/client", "10.96.0.50", 443, "cilium-version", r.version());
    // The row heads any failure: the XML report shows only its index.
    assertAll(r.toString(), () -> {
      assertThat(v.translation().translated()).isTrue();
      assertThat(v.destinations()).extracting(DestinationVerdict::endpoint)
          .containsExactlyInAnyOrderElementsOf(r.backends());
      if (r.backends().isEmpty()) {
        assertThat(NoteText.sentences(v.notes())).anySatisfy(n -> assertThat(n).contains("no ready backend"));
      }
      assertThat(v.destinations()).filteredOn(d -> !d.notes().isEmpty())
          .allSatisfy(d -> assertThat(String.join(" ", NoteText.sentences(d.notes())))
              .contains("no endpoint is ready"));
    });
  }
}

package dev.nodeipam.render;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodeipam.diff.ChangeSet;
import dev.nodeipam.diff.Diff;
import dev.nodeipam.diff.Item;
import dev.nodeipam.diff.ItemType;
import dev.nodeipam.diff.Level;
import dev.nodeipam.diff.Location;
import dev.nodeipam.policy.settings.DatapathSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pull-request comment stays short however large the change: "and N more". */
class DiffMarkdownTest {
  private static Item denied(int i) {
    return Item.builder()
        .type(ItemType.NEWLY_DENIED)
        .level(Level.ERROR)
        .service("ns/svc")
        .address("192.0.2.1")
        .port(443)
        .targetPort(8443)
        .protocol("TCP")
        .direction("egress")
        .active(true)
        .sourceKind("Pod")
        .source("ns/client-" + i)
        .sourceCount(1)
        .sources(List.of("ns/client-" + i))
        .reasons(
            List.of("translation appeared: 192.0.2.1 became a frontend (externalIP) of ns/svc"))
        .location(new Location("svc.yaml", 1, 1))
        .cause(new Location("svc.yaml", 9, 5))
        .message("ns/client-" + i + " ... " + "x".repeat(400))
        .state("after")
        .build();
  }

  private static Diff diff(int items) {
    List<Item> list = new ArrayList<>();
    for (int i = 0; i < items; i++) {
      list.add(denied(i));
    }
    ChangeSet changes = new ChangeSet(Set.of(), Set.of("ns/svc"), Set.of(), Set.of(), Set.of(),
        Set.of(), false);
    DatapathSettings settings = DatapathSettings.resolve(Optional.empty(), Map.of(), true, false);
    return new Diff(changes, list, List.of(), settings, new Diff.Evaluated(false, 1, 0));
  }

  private static String markdown(Diff d) {
    StringWriter out = new StringWriter();
    DiffRenderer.writeMarkdown(d, new PrintWriter(out));
    return out.toString();
  }

  @Test
  void manyItems_areCut_withAndNMore_andTheSummaryCountsThemAll() {
    String md = markdown(diff(1_000));
    assertThat(md).contains("| :x: | Flows newly denied | 1000 |");
    assertThat(md).contains("and " + (1_000 - DiffRenderer.MARKDOWN_ITEMS) + " more");
    assertThat(md.length()).isLessThan(65_536);
    long rows = md.lines().filter(l -> l.startsWith("| error |")).count();
    assertThat(rows).isEqualTo(DiffRenderer.MARKDOWN_ITEMS);
  }

  @Test
  void fewItems_areAllShown_withoutAndMore() {
    String md = markdown(diff(3));
    assertThat(md.lines().filter(l -> l.startsWith("| error |")).count()).isEqualTo(3);
    assertThat(md).doesNotContain("more (`nodeipam diff -o json`");
    assertThat(md).contains("`svc.yaml:9:5`");
  }
}

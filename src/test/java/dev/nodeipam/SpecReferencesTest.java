package dev.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every specification item a comment (or a page of docs/) cites is defined in docs/: an R or E item
 * of docs/spec/node-ipam.md ({@code <a id="R12">}), a section of docs/spec/policy-model.md
 * ({@code <a id="section-6">}), and any {@code .md} file named exists in the repository.
 */
class SpecReferencesTest {
  private static final Pattern COMMENT =
      Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);
  /** An item, or a range of items such as {@code R1–R25} (en dash or hyphen). */
  private static final Pattern ITEM =
      Pattern.compile("\\b([RE])(\\d{1,2})\\b(?:\\s*[–-]\\s*\\1(\\d{1,2})\\b)?");
  private static final Pattern SECTION =
      Pattern.compile("(?i)(?:\\bsections?\\s+|§\\s*)(\\d+)");
  private static final Pattern MARKDOWN_FILE = Pattern.compile("([A-Za-z0-9_-]+\\.md)\\b");
  private static final Pattern ANCHOR = Pattern.compile("<a id=\"([^\"]+)\"></a>");

  @Test
  void everyCitedItemSectionAndPageIsDefinedInDocs() throws IOException {
    Set<String> defined = anchors();
    Set<String> pages = markdownFileNames();
    List<String> unresolved = new ArrayList<>();
    for (Path file : javaFiles()) {
      String comments =
          COMMENT.matcher(read(file)).results().map(m -> m.group()).collect(Collectors.joining("\n"));
      unresolved.addAll(unresolved(file, comments, defined, pages));
    }
    for (Path file : markdownFiles()) {
      unresolved.addAll(unresolved(file, read(file), defined, Set.of()));
    }
    assertThat(unresolved).as("references docs/ does not define").isEmpty();
  }

  @Test
  void theSpecDefinesEveryItemAndSectionItNumbers() throws IOException {
    Set<String> defined = anchors();
    for (int r = 1; r <= 30; r++) {
      assertThat(defined).contains("R" + r);
    }
    for (int e = 1; e <= 12; e++) {
      assertThat(defined).contains("E" + e);
    }
    for (int s = 0; s <= 6; s++) {
      assertThat(defined).contains("section-" + s);
    }
  }

  /** The scanner itself: what it counts as a reference, and what it leaves alone. */
  @Test
  void theScannerFindsItemsRangesSectionsAndPages() {
    Set<String> defined = Set.of("R1", "R2", "R3", "E11", "section-6");
    Set<String> pages = Set.of("node-ipam.md");
    Path here = Path.of("X.java");
    assertThat(unresolved(here, "R1, R3, E11, section 6, node-ipam.md", defined, pages)).isEmpty();
    assertThat(unresolved(here, "rules R1–R3", defined, pages)).isEmpty();
    assertThat(unresolved(here, "R1-R4", defined, pages)).containsExactly("X.java: R4");
    assertThat(unresolved(here, "E12 and §2", defined, pages))
        .containsExactly("X.java: E12", "X.java: section 2");
    assertThat(unresolved(here, "see cilium-policy-model.md", defined, pages))
        .containsExactly("X.java: cilium-policy-model.md");
    assertThat(unresolved(here, "E2E, R2D2, 2001:DB8::E1", defined, pages)).isEmpty();
  }

  private static List<String> unresolved(
      Path file, String text, Set<String> defined, Set<String> pages) {
    Set<String> missing = new TreeSet<>();
    Matcher item = ITEM.matcher(text);
    while (item.find()) {
      if (item.start() > 0 && text.charAt(item.start() - 1) == ':') {
        continue; // an IPv6 group such as ::E1, not an item
      }
      int from = Integer.parseInt(item.group(2));
      int to = item.group(3) == null ? from : Integer.parseInt(item.group(3));
      for (int n = from; n <= to; n++) {
        if (!defined.contains(item.group(1) + n)) {
          missing.add(item.group(1) + n);
        }
      }
    }
    Matcher section = SECTION.matcher(text);
    while (section.find()) {
      if (!defined.contains("section-" + section.group(1))) {
        missing.add("section " + section.group(1));
      }
    }
    if (!pages.isEmpty()) {
      Matcher page = MARKDOWN_FILE.matcher(text);
      while (page.find()) {
        if (!pages.contains(page.group(1))) {
          missing.add(page.group(1));
        }
      }
    }
    return missing.stream().map(m -> file + ": " + m).toList();
  }

  private static Set<String> anchors() throws IOException {
    Set<String> ids = new TreeSet<>();
    for (Path file : markdownFiles()) {
      ANCHOR.matcher(read(file)).results().forEach(m -> ids.add(m.group(1)));
    }
    return ids;
  }

  private static Set<String> markdownFileNames() throws IOException {
    try (Stream<Path> all = Files.walk(Path.of("."))) {
      return all.filter(p -> !p.startsWith("./target") && p.toString().endsWith(".md"))
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toSet());
    }
  }

  private static List<Path> javaFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String root : List.of("src/main/java", "src/test/java")) {
      try (Stream<Path> all = Files.walk(Path.of(root))) {
        all.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  private static List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>(List.of(Path.of("README.md")));
    try (Stream<Path> all = Files.walk(Path.of("docs"))) {
      all.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

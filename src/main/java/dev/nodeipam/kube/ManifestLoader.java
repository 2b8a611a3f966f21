package dev.nodeipam.kube;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.ManifestDefaults;
import dev.nodeipam.snapshot.SnapshotValidation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads YAML and JSON manifests (files, or directories searched for {@code .yaml}, {@code .yml} and
 * {@code .json}) into a {@link ClusterSnapshot} with the API server's defaults applied. Multi-document
 * files and {@code List} kinds are read; kinds nodeipam does not use are kept out silently; the same
 * object twice is an error naming both files.
 */
public final class ManifestLoader {
  private final ObjectMapper yaml = new YAMLMapper(yamlFactory());
  private final ObjectMapper json = new ObjectMapper();
  private final SnapshotAssembler assembler = new SnapshotAssembler(new KubernetesSerialization());
  private final Map<String, String> seen = new HashMap<>();
  private final ManifestTree tree;
  private int documents;

  private ManifestLoader(ManifestTree tree) {
    this.tree = tree;
  }

  /**
   * SnakeYAML refuses documents over 3 MB by default, but {@code kubectl get ... -o yaml} of a
   * large cluster is one {@code List} document of many megabytes.
   */
  private static YAMLFactory yamlFactory() {
    org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    return YAMLFactory.builder()
        .loaderOptions(options)
        // As new YAMLFactory() does: an empty document is null (skipped), not the text "".
        .enable(com.fasterxml.jackson.dataformat.yaml.YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .build();
  }

  /** One object of a file, converted, with what duplicate detection needs. */
  private record Document(String identity, String where, SnapshotAssembler.Converted converted) {}

  /** A file's objects in order, or the first problem found in it. */
  private record FileResult(List<Document> documents, BadInputException problem) {}

  /**
   * Loads every path. Files are parsed and converted in parallel (the costly part on large trees),
   * then added in path order, so the result and the problem reported (the first one in path order)
   * are those of a sequential load.
   */
  public static ClusterSnapshot load(List<Path> paths) {
    return load(paths, ManifestTree.WORK_TREE);
  }

  /** {@link #load(List)} from another tree than the file system (a git commit's, say). */
  public static ClusterSnapshot load(List<Path> paths, ManifestTree tree) {
    ManifestLoader loader = new ManifestLoader(tree);
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      files.addAll(filesOf(path, tree));
    }
    List<FileResult> results = files.parallelStream().map(loader::parseFile).toList();
    for (FileResult result : results) {
      if (result.problem() != null) {
        throw result.problem();
      }
      result.documents().forEach(loader::add);
    }
    // Validation is its own stage: the API server's admission checks, which manifests never met.
    return SnapshotValidation.check(ManifestDefaults.apply(loader.assembler.build()));
  }

  private static List<Path> filesOf(Path path, ManifestTree tree) {
    if (!tree.exists(path)) {
      throw new BadInputException(path + ": no such file or directory");
    }
    if (!tree.isDirectory(path)) {
      return List.of(path);
    }
    return tree.filesBelow(path).stream().filter(ManifestLoader::isManifest).sorted().toList();
  }

  private static boolean isManifest(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  private FileResult parseFile(Path file) {
    List<Document> out = new ArrayList<>();
    try {
      readFile(file, out);
      return new FileResult(out, null);
    } catch (BadInputException e) {
      return new FileResult(List.of(), e);
    }
  }

  private void readFile(Path file, List<Document> out) {
    String text = tree.read(file);
    ObjectMapper mapper = file.toString().endsWith(".json") ? json : yaml;
    try (JsonParser parser = mapper.getFactory().createParser(text);
        MappingIterator<JsonNode> docs = mapper.readValues(parser, JsonNode.class)) {
      while (true) {
        JsonLocation start = parser.currentTokenLocation();
        JsonNode doc;
        try {
          if (!docs.hasNextValue()) {
            break;
          }
          start = parser.currentTokenLocation();
          doc = docs.nextValue();
        } catch (RuntimeException e) {
          throw unwrap(file, e);
        }
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue;
        }
        convert(doc, file + ":" + start.getLineNr(), out);
      }
    } catch (JsonProcessingException e) {
      throw syntax(file, e);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    }
  }

  private void convert(JsonNode doc, String where, List<Document> out) {
    if (!doc.isObject()) {
      throw new BadInputException(where + ": expected a Kubernetes object, found " + describe(doc));
    }
    String kind = doc.path("kind").asText("");
    String apiVersion = doc.path("apiVersion").asText("");
    if (kind.isEmpty() || apiVersion.isEmpty()) {
      throw new BadInputException(where + ": object has no " + (kind.isEmpty() ? "kind" : "apiVersion"));
    }
    if (kind.endsWith("List") && doc.path("items").isArray()) {
      for (JsonNode item : doc.path("items")) {
        convert(item, where, out);
      }
      return;
    }
    String name = doc.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      throw new BadInputException(where + ": " + kind + " has no metadata.name");
    }
    SnapshotAssembler.Converted converted = assembler.convert((ObjectNode) doc, where);
    String namespace = converted.namespace();
    String identity = kind + " " + (namespace == null ? "" : namespace + "/") + name;
    out.add(new Document(apiGroup(apiVersion) + " " + identity, where, converted));
  }

  private void add(Document doc) {
    documents++;
    String previous = seen.putIfAbsent(doc.identity(), doc.where());
    if (previous != null) {
      String shown = doc.identity().substring(doc.identity().indexOf(' ') + 1);
      throw new BadInputException(
          doc.where() + ": duplicate " + shown + " (also in " + previous + ")");
    }
    assembler.accept(doc.converted().value());
  }

  private static String apiGroup(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static String describe(JsonNode node) {
    return node.isArray() ? "a list" : node.isTextual() ? "the text \"" + abbreviate(node.asText()) + "\"" : "a " + node.getNodeType().name().toLowerCase();
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private static BadInputException unwrap(Path file, RuntimeException e) {
    Throwable cause = e.getCause();
    if (cause instanceof JsonProcessingException jpe) {
      return syntax(file, jpe);
    }
    return new BadInputException(file + ": " + e.getMessage());
  }

  private static BadInputException syntax(Path file, JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    String message = problem(e.getOriginalMessage());
    String at = location == null || location.getLineNr() < 0 ? "" : ":" + location.getLineNr();
    return new BadInputException(file + at + ": malformed " + (file.toString().endsWith(".json") ? "JSON" : "YAML") + ": " + message);
  }

  /**
   * The parser's explanation on one line: SnakeYAML writes a context line, a location block and a
   * problem line ("while parsing a flow sequence ... expected ',' or ']'"); Jackson appends where
   * an object started. Only the sentences are kept: file and line are given separately.
   */
  static String problem(String message) {
    if (message == null || message.isBlank()) {
      return "malformed";
    }
    StringBuilder out = new StringBuilder();
    for (String line : message.lines().toList()) {
      if (line.isBlank() || Character.isWhitespace(line.charAt(0))) {
        continue;
      }
      int source = line.indexOf(" (start marker at [Source");
      if (source < 0) {
        source = line.indexOf(" at [Source");
      }
      String sentence = (source >= 0 ? line.substring(0, source) : line).trim();
      if (!sentence.isEmpty()) {
        out.append(out.length() == 0 ? "" : ": ").append(sentence);
      }
    }
    return out.length() == 0 ? "malformed" : out.toString();
  }

  /** For benchmarks and progress lines: how many objects were read. */
  public int documents() {
    return documents;
  }

  static List<Path> paths(List<String> texts) {
    List<Path> out = new ArrayList<>();
    texts.forEach(t -> out.add(Path.of(t)));
    return out;
  }
}

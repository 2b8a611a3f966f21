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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads YAML and JSON manifests (files, or directories searched for {@code .yaml}, {@code .yml} and
 * {@code .json}) into a {@link ClusterSnapshot} with the API server's defaults applied. Multi-document
 * files, {@code kind: List} and typed lists ({@code PodList}: items without {@code kind}, as the API
 * server returns them) are read; kinds nodeipam does not use are kept out, with one warning per
 * kind that no API group of Kubernetes or Cilium knows (and the likely typo); the same object twice
 * is an error naming both files. Input with no Kubernetes object at all is an error: an empty tree
 * must not pass a CI gate.
 */
public final class ManifestLoader {
  private final ObjectMapper yaml = new YAMLMapper(yamlFactory());
  private final ObjectMapper json = new ObjectMapper();
  private final SnapshotAssembler assembler = new SnapshotAssembler(new KubernetesSerialization());
  private final Map<String, String> seen = new HashMap<>();
  private final Options options;
  private final ManifestTree tree;
  private int documents;

  /**
   * How to load.
   *
   * @param skipNonManifests skip, with a warning, a file found under a directory that parses but
   *     holds no Kubernetes object (another tool's JSON, a Helm values file); else it is an error
   * @param warnings where warnings go, one line each
   * @param progress counters a progress line may show while loading
   */
  public record Options(boolean skipNonManifests, Consumer<String> warnings, Progress progress) {
    public static Options defaults() {
      return new Options(false, w -> System.err.println("nodeipam: warning: " + w), new Progress());
    }
  }

  /** What a load has done so far; read from another thread by a progress line. */
  public static final class Progress {
    private final AtomicInteger files = new AtomicInteger();
    private final AtomicInteger filesRead = new AtomicInteger();
    private final AtomicLong objects = new AtomicLong();

    public int files() {
      return files.get();
    }

    public int filesRead() {
      return filesRead.get();
    }

    public long objects() {
      return objects.get();
    }
  }

  private ManifestLoader(Options options, ManifestTree tree) {
    this.options = options;
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
  private record Document(
      String identity, String where, String kindKey, SnapshotAssembler.Converted converted) {}

  /**
   * A file's objects in order, or the first problem found in it; {@code notManifest} says why a
   * file holds no Kubernetes object at all (null when it holds some).
   */
  private record FileResult(
      Path file, boolean underDirectory, List<Document> documents, BadInputException problem,
      String notManifest, String notManifestAt) {}

  /** A file to read, and whether it was found under a directory rather than named. */
  private record Input(Path file, boolean underDirectory) {}

  /** A document that is no Kubernetes object: the reason, for a file holding nothing else. */
  private static final class NotAnObject extends RuntimeException {
    NotAnObject(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Loads every path. Files are parsed and converted in parallel (the costly part on large trees),
   * then added in path order, so the result and the problem reported (the first one in path order)
   * are those of a sequential load.
   */
  public static ClusterSnapshot load(List<Path> paths) {
    return load(paths, Options.defaults());
  }

  /** {@link #load(List)} with options: non-manifest files, where warnings go, progress. */
  public static ClusterSnapshot load(List<Path> paths, Options options) {
    return load(paths, options, ManifestTree.WORK_TREE);
  }

  /** {@link #load(List)} from another tree than the file system (a git commit's, say). */
  public static ClusterSnapshot load(List<Path> paths, ManifestTree tree) {
    return load(paths, Options.defaults(), tree);
  }

  /** {@link #load(List, Options)} from a tree. */
  public static ClusterSnapshot load(List<Path> paths, Options options, ManifestTree tree) {
    ManifestLoader loader = new ManifestLoader(options, tree);
    List<Input> files = new ArrayList<>();
    for (Path path : paths) {
      files.addAll(filesOf(path, tree));
    }
    options.progress().files.set(files.size());
    List<FileResult> results = files.parallelStream().map(loader::parseFile).toList();
    UnknownKinds unknown = new UnknownKinds();
    for (FileResult result : results) {
      if (result.problem() != null) {
        throw result.problem();
      }
      if (result.notManifest() != null) {
        if (!result.underDirectory()) {
          // A file named on the command line: the document at fault, as for any bad manifest.
          throw new BadInputException(result.notManifestAt());
        }
        if (!options.skipNonManifests()) {
          throw new BadInputException(result.file() + ": not a Kubernetes manifest ("
              + result.notManifest() + ")" + (result.underDirectory()
                  ? "; --skip-non-manifests skips such files" : ""));
        }
        options.warnings().accept("skipped " + result.file() + ": not a Kubernetes manifest ("
            + result.notManifest() + ")");
        continue;
      }
      for (Document d : result.documents()) {
        loader.add(d);
        if (d.converted().value() == null) {
          unknown.count(d.kindKey());
        }
      }
    }
    if (loader.documents == 0) {
      throw new BadInputException("no Kubernetes objects in " + String.join(", ",
          paths.stream().map(Path::toString).toList()));
    }
    unknown.warnings().forEach(options.warnings());
    // Validation is its own stage: the API server's admission checks, which manifests never met.
    return SnapshotValidation.check(ManifestDefaults.apply(loader.assembler.build()));
  }

  private static List<Input> filesOf(Path path, ManifestTree tree) {
    if (!tree.exists(path)) {
      throw new BadInputException(path + ": no such file or directory");
    }
    if (!tree.isDirectory(path)) {
      return List.of(new Input(path, false));
    }
    return tree.filesBelow(path).stream().filter(ManifestLoader::isManifest).sorted()
        .map(p -> new Input(p, true)).toList();
  }

  private static boolean isManifest(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  private FileResult parseFile(Input input) {
    Path file = input.file();
    List<Document> out = new ArrayList<>();
    try {
      String[] notManifest = readFile(file, out);
      options.progress().objects.addAndGet(out.size());
      return new FileResult(file, input.underDirectory(), out, null,
          notManifest == null ? null : notManifest[0], notManifest == null ? null : notManifest[1]);
    } catch (BadInputException e) {
      return new FileResult(file, input.underDirectory(), List.of(), e, null, null);
    } finally {
      options.progress().filesRead.incrementAndGet();
    }
  }

  /**
   * Reads the file's objects into {@code out}; returns why the file is no manifest at all when
   * its documents parse but none is a Kubernetes object (the reason, and the reason at its file
   * and line), else null.
   */
  private String[] readFile(Path file, List<Document> out) {
    String text = tree.read(file);
    ObjectMapper mapper = file.toString().endsWith(".json") ? json : yaml;
    String firstNonObject = null;
    String firstNonObjectAt = null;
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
        String where = file + ":" + start.getLineNr();
        try {
          convert(doc, where, out);
        } catch (NotAnObject e) {
          if (!out.isEmpty()) {
            throw new BadInputException(where + ": " + e.getMessage());
          }
          if (firstNonObject == null) {
            firstNonObject = "line " + start.getLineNr() + ": " + e.getMessage();
            firstNonObjectAt = where + ": " + e.getMessage();
          }
        }
      }
    } catch (JsonProcessingException e) {
      throw syntax(file, e);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    }
    if (!out.isEmpty() && firstNonObjectAt != null) {
      throw new BadInputException(firstNonObjectAt); // a manifest with a stray document
    }
    return out.isEmpty() && firstNonObject != null
        ? new String[] {firstNonObject, firstNonObjectAt} : null;
  }

  private void convert(JsonNode doc, String where, List<Document> out) {
    if (!doc.isObject()) {
      throw new NotAnObject("expected a Kubernetes object, found " + describe(doc));
    }
    String kind = doc.path("kind").asText("");
    String apiVersion = doc.path("apiVersion").asText("");
    if (kind.isEmpty()) {
      throw new NotAnObject("object has no kind");
    }
    if (apiVersion.isEmpty()) {
      throw new BadInputException(where + ": object has no apiVersion");
    }
    if (kind.endsWith("List") && doc.path("items").isArray()) {
      // A typed list (PodList) leaves its items' kind out, as the API server does.
      String itemKind = kind.equals("List") ? null : kind.substring(0, kind.length() - 4);
      int i = 0;
      for (JsonNode item : doc.path("items")) {
        String at = where + " items[" + i++ + "]";
        if (item.isObject()) {
          ObjectNode o = (ObjectNode) item;
          if (o.path("kind").asText("").isEmpty() && itemKind != null) {
            o.put("kind", itemKind);
          }
          if (o.path("apiVersion").asText("").isEmpty()) {
            o.put("apiVersion", apiVersion);
          }
        }
        try {
          convert(item, at, out);
        } catch (NotAnObject e) {
          throw new BadInputException(at + ": " + e.getMessage());
        }
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
    out.add(new Document(apiGroup(apiVersion) + " " + identity, where,
        SnapshotAssembler.typeKey(apiVersion, kind), converted));
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

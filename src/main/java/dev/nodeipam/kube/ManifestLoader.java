package dev.nodeipam.kube;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import dev.nodeipam.snapshot.ManifestDefaults;
import dev.nodeipam.snapshot.Problems;
import dev.nodeipam.snapshot.SnapshotValidation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Reads YAML and JSON manifests (files, or directories searched for {@code .yaml}, {@code .yml} and
 * {@code .json}) into a {@link ClusterSnapshot} with the API server's defaults applied.
 * Multi-document files, {@code kind: List} and typed lists ({@code PodList}: items without {@code
 * kind}, as the API server returns them) are read; kinds nodeipam does not use are kept out, with
 * one warning per kind that no API group of Kubernetes or Cilium knows (and the likely typo); the
 * same object twice is an error naming both files. Input with no Kubernetes object at all is an
 * error: an empty tree must not pass a CI gate.
 */
public final class ManifestLoader {
  // A key twice in one mapping is refused, as sigs.k8s.io/yaml's strict decoding and the API
  // server's strict field validation refuse it ("mapping key already defined").
  private final ObjectMapper json = new ObjectMapper(JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
  private final SnapshotAssembler assembler = new SnapshotAssembler(new KubernetesSerialization());
  private final Map<String, Document> byIdentity = new LinkedHashMap<>();
  private final List<String> duplicateWarnings = new ArrayList<>();
  private String stdinText = "";
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
  public record Options(boolean skipNonManifests, Consumer<String> warnings, Progress progress,
      String command, String namespace, InputStream stdin, ParsedFiles shared) {
    public Options(boolean skipNonManifests, Consumer<String> warnings, Progress progress) {
      this(skipNonManifests, warnings, progress, "COMMAND", null, System.in, null);
    }

    public static Options defaults() {
      return new Options(false, w -> System.err.println("nodeipam: warning: " + w), new Progress());
    }

    /** The command a hint names ({@code helm template … | nodeipam COMMAND -f -}). */
    public Options withCommand(String command) {
      return new Options(skipNonManifests, warnings, progress, command, namespace, stdin, shared);
    }

    /**
     * The namespace of objects that carry none, as {@code kubectl apply -n NS -f}; an object of
     * another namespace is then an error, as kubectl refuses it. Null: {@code default}, any.
     */
    public Options withNamespace(String namespace) {
      return new Options(skipNonManifests, warnings, progress, command, namespace, stdin, shared);
    }

    /** Where {@code -f -} reads from. */
    public Options withStdin(InputStream stdin) {
      return new Options(skipNonManifests, warnings, progress, command, namespace, stdin, shared);
    }

    /**
     * Files another load of the same command may have parsed already (the other state of a
     * {@code diff}): a file with the same path and text is parsed and converted once.
     */
    public Options withShared(ParsedFiles shared) {
      return new Options(skipNonManifests, warnings, progress, command, namespace, stdin, shared);
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
   * One object of a file: its identity ("group Kind ns/name"), where it starts, its type key, the
   * digest of the object as read (for telling identical duplicates from differing ones), and
   * what it converts to; {@code digest} and {@code converted} are null for a kind nodeipam does
   * not read.
   */
  record Document(String identity, String where, String kindKey, ContentDigest.Digest digest,
      SnapshotAssembler.Converted converted) {}

  /**
   * A file's objects in order, or its problems (one line each); {@code notManifest} says why a
   * file holds no Kubernetes object at all (null when it holds some).
   */
  record FileResult(Path file, boolean underDirectory, List<Document> documents,
      List<String> problems, String notManifest, String notManifestAt) {}

  /** A document that is no Kubernetes object: the reason, for a file holding nothing else. */
  private static final class NotAnObject extends RuntimeException {
    NotAnObject(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Loads every path. Files are parsed and converted in parallel (the costly part on large trees),
   * then added in path order, so the result is that of a sequential load. Every problem of the
   * input is collected and reported at once.
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
    ManifestSources.Resolved resolved = ManifestSources.resolve(paths, tree, options.command());
    List<String> problems = new ArrayList<>(resolved.problems());
    List<ManifestSources.Input> files = resolved.inputs();
    if (files.stream().anyMatch(f -> f.file().equals(ManifestSources.STDIN))) {
      loader.stdinText = ManifestSources.readAll(options.stdin());
    }
    options.progress().files.set(files.size());
    List<FileResult> results = files.parallelStream().map(loader::parseFile).toList();
    UnknownKinds unknown = new UnknownKinds();
    Map<String, Integer> skipped = new TreeMap<>();
    List<String> notManifests = new ArrayList<>();
    for (FileResult result : results) {
      problems.addAll(result.problems());
      if (result.notManifest() != null) {
        if (!result.underDirectory()) {
          // A file named on the command line: the document at fault, as for any bad manifest.
          problems.add(result.notManifestAt());
        } else if (!options.skipNonManifests()) {
          notManifests.add(result.file() + ": not a Kubernetes manifest ("
              + result.notManifest() + "); --skip-non-manifests skips such files");
        } else {
          options.warnings().accept("skipped " + result.file() + ": not a Kubernetes manifest ("
              + result.notManifest() + ")");
        }
        continue;
      }
      for (Document d : result.documents()) {
        loader.documents++;
        if (d.converted() == null) {
          if (!unknown.count(d.kindKey())) { // a likely typo has its own warning
            skipped.merge(kindOf(d.kindKey()), 1, Integer::sum);
          }
        } else {
          loader.add(d);
        }
      }
    }
    problems.addAll(notManifests);
    if (problems.isEmpty() && loader.documents == 0) {
      throw new BadInputException("no Kubernetes objects in " + String.join(", ",
          paths.stream().map(Path::toString).toList()));
    }
    loader.byIdentity.values().forEach(d -> loader.assembler.accept(d.converted().value()));
    // Validation is its own stage: the API server's admission checks, which manifests never met.
    // It runs on the objects that were read even when others were not: every problem at once.
    ClusterSnapshot snapshot = ManifestDefaults.apply(loader.assembler.build());
    for (String problem : SnapshotValidation.problems(snapshot)) {
      problems.add(loader.templateOrAsIs(problem));
    }
    Problems.throwIfAny(problems);
    SkippedKinds.summary(skipped).ifPresent(options.warnings());
    unknown.warnings().forEach(options.warnings());
    loader.duplicateWarnings.forEach(options.warnings());
    return snapshot;
  }

  private static String kindOf(String kindKey) {
    return kindKey.substring(kindKey.indexOf('/') + 1);
  }

  /**
   * A validation problem whose value holds a template marker ({@code name: "web-{{uid}}"}) is a
   * template's, and says so; any other problem is kept as it is.
   */
  private String templateOrAsIs(String problem) {
    int quote = problem.indexOf('"');
    if (quote < 0 || !TemplateMarkers.has(problem.substring(quote))) {
      return problem;
    }
    String where = problem.substring(0, problem.indexOf(": "));
    return TemplateMarkers.sentence(where, problem.substring(quote));
  }

  private FileResult parseFile(ManifestSources.Input input) {
    Path file = input.file();
    try {
      String text;
      try {
        text = file.equals(ManifestSources.STDIN) ? stdinText : tree.read(file);
      } catch (BadInputException e) {
        return new FileResult(file, input.underDirectory(), List.of(), List.of(e.getMessage()),
            null, null);
      }
      FileResult result = options.shared() == null ? parseText(input, text)
          : options.shared().parsed(file, input.underDirectory(), options.namespace(), text,
              () -> parseText(input, text));
      options.progress().objects.addAndGet(result.documents().size());
      return result;
    } finally {
      options.progress().filesRead.incrementAndGet();
    }
  }

  /** A file's objects, or its problems: a function of its path, text and the load's namespace. */
  private FileResult parseText(ManifestSources.Input input, String text) {
    Path file = input.file();
    List<Document> out = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    try {
      String[] notManifest = readFile(file, text, out, problems);
      return new FileResult(file, input.underDirectory(), List.copyOf(out), List.copyOf(problems),
          notManifest == null ? null : notManifest[0], notManifest == null ? null : notManifest[1]);
    } catch (BadInputException e) {
      if (input.underDirectory() && !text.contains("kind")) {
        // Another tool's data that is not even JSON or YAML (mongoimport lines, say): no
        // manifest, as a file that parses but holds no object.
        String why =
            e.getMessage().substring(file.toString().length()).replaceFirst("^:\\d*:? *", "");
        return new FileResult(file, true, List.of(), List.of(), "does not parse: " + why, null);
      }
      problems.add(e.getMessage());
      return new FileResult(file, input.underDirectory(), List.of(), List.copyOf(problems), null,
          null);
    }
  }

  /**
   * Reads the file's objects into {@code out} and its problems into {@code problems}; returns why
   * the file is no manifest at all when its documents parse but none is a Kubernetes object (the
   * reason, and the reason at its file and line), else null. A syntax error ends the file (the
   * parser cannot go on), a bad object only itself.
   */
  private String[] readFile(Path file, String text, List<Document> out, List<String> problems) {
    String firstNonObject = null;
    String firstNonObjectAt = null;
    for (YamlDocuments.Document parsed : documents(file, text)) {
      String where = file + ":" + parsed.line();
      try {
        convert(parsed.node(), where, out);
      } catch (NotAnObject e) {
        if (firstNonObject == null) {
          firstNonObject = "line " + parsed.line() + ": " + e.getMessage();
          firstNonObjectAt = where + ": " + e.getMessage();
        }
      } catch (BadInputException e) {
        problems.add(e.getMessage());
      }
    }
    if ((!out.isEmpty() || !problems.isEmpty()) && firstNonObjectAt != null) {
      problems.add(firstNonObjectAt); // a manifest with a stray document
      return null;
    }
    return out.isEmpty() && problems.isEmpty() && firstNonObject != null
        ? new String[] {firstNonObject, firstNonObjectAt} : null;
  }

  /**
   * The file's documents with the line each starts on: JSON with Jackson (strict about duplicate
   * keys), YAML as Kubernetes reads it ({@link YamlDocuments}). A syntax error ends the file.
   */
  private List<YamlDocuments.Document> documents(Path file, String text) {
    if (!file.toString().endsWith(".json")) {
      try {
        return YamlDocuments.read(text);
      } catch (YamlDocuments.Malformed e) {
        throw malformed(file, text, e.line(), e.getMessage());
      }
    }
    List<YamlDocuments.Document> out = new ArrayList<>();
    try (JsonParser parser = json.getFactory().createParser(text);
        MappingIterator<JsonNode> docs = json.readValues(parser, JsonNode.class)) {
      while (docs.hasNextValue()) {
        JsonLocation start = parser.currentTokenLocation();
        JsonNode doc = docs.nextValue();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          out.add(new YamlDocuments.Document(start.getLineNr(), doc));
        }
      }
    } catch (JsonProcessingException e) {
      throw syntax(file, text, e);
    } catch (IOException e) {
      throw new BadInputException(file + ": cannot read: " + e.getMessage());
    } catch (RuntimeException e) {
      throw unwrap(file, text, e);
    }
    return out;
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
      convertList(doc, kind, apiVersion, where, out);
      return;
    }
    String key = SnapshotAssembler.typeKey(apiVersion, kind);
    if (!SnapshotAssembler.reads(key)) {
      // Only what nodeipam reads must be valid: tool configs (Kustomization, kind's Cluster,
      // IstioOperator) have no name, and other kinds' fields are their API server's business.
      out.add(new Document(null, where, key, null, null));
      return;
    }
    JsonNode metadata = doc.path("metadata");
    for (String field : List.of("name", "namespace")) {
      JsonNode value = metadata.path(field);
      if (!value.isMissingNode() && !value.isNull() && !value.isTextual()) {
        // sigs.k8s.io/yaml turns YAML 1.1's yes/on/123 into JSON non-strings, which
        // encoding/json refuses for ObjectMeta's string fields.
        throw new BadInputException(where + ": " + kind + ": metadata." + field + ": expected a"
            + " string, found " + describe(value) + " (YAML reads yes, on, true and numbers so:"
            + " quote it)");
      }
    }
    String name = metadata.path("name").asText("");
    if (name.isEmpty()) {
      throw new BadInputException(where + ": " + kind + " has no metadata.name");
    }
    String wanted = options.namespace();
    // An object of another namespace stays there: -n scopes the report over a whole-cluster
    // tree (README), so a tree spanning namespaces is not refused as kubectl apply -n would.
    SnapshotAssembler.Converted converted = assembler.convert((ObjectNode) doc, where,
        wanted == null ? "default" : wanted);
    String namespace = converted.namespace();
    String identity = kind + " " + (namespace == null ? "" : namespace + "/") + name;
    out.add(new Document(apiGroup(apiVersion) + " " + identity, where, key,
        ContentDigest.of(doc), converted));
  }

  private void convertList(JsonNode doc, String kind, String apiVersion, String where,
      List<Document> out) {
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
  }

  /**
   * As {@code kubectl apply -f} over the files in order: a later object of the same identity
   * replaces the earlier one; an identical copy silently, a differing one with a warning naming
   * both places.
   */
  private void add(Document doc) {
    Document previous = byIdentity.put(doc.identity(), doc);
    if (previous != null && !previous.digest().equals(doc.digest())) {
      String shown = doc.identity().substring(doc.identity().indexOf(' ') + 1);
      duplicateWarnings.add(doc.where() + ": " + shown + " replaces a different " + shown
          + " from " + previous.where() + " (as kubectl apply -f would)");
    }
  }

  private static String apiGroup(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static String describe(JsonNode node) {
    return node.isArray()
        ? "a list"
        : node.isTextual()
            ? "the text \"" + abbreviate(node.asText()) + "\""
            : "a " + node.getNodeType().name().toLowerCase();
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  private static BadInputException unwrap(Path file, String text, RuntimeException e) {
    Throwable cause = e.getCause();
    if (cause instanceof JsonProcessingException jpe) {
      return syntax(file, text, jpe);
    }
    return new BadInputException(file + ": " + e.getMessage());
  }

  private static BadInputException syntax(Path file, String text, JsonProcessingException e) {
    JsonLocation location = e.getLocation();
    int line = location == null || location.getLineNr() < 0 ? 0 : location.getLineNr();
    return malformed(file, text, line, ParserMessages.problem(e.getOriginalMessage()));
  }

  /** A syntax error at {@code line} (0: unknown), or the template marker that caused it. */
  private static BadInputException malformed(Path file, String text, int line, String message) {
    int marker = TemplateMarkers.blame(text, line);
    if (marker > 0) {
      return new BadInputException(TemplateMarkers.sentence(file + ":" + marker,
          text.lines().skip(marker - 1).findFirst().orElse("")));
    }
    String at = line <= 0 ? "" : ":" + line;
    return new BadInputException(file + at + ": malformed "
        + (file.toString().endsWith(".json") ? "JSON" : "YAML") + ": " + message);
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

package dev.nodeipam.render;

import com.contrastsecurity.sarif.ArtifactChange;
import com.contrastsecurity.sarif.ArtifactContent;
import com.contrastsecurity.sarif.ArtifactLocation;
import com.contrastsecurity.sarif.Fix;
import com.contrastsecurity.sarif.Message;
import com.contrastsecurity.sarif.MultiformatMessageString;
import com.contrastsecurity.sarif.OriginalUriBaseIds;
import com.contrastsecurity.sarif.PropertyBag;
import com.contrastsecurity.sarif.Region;
import com.contrastsecurity.sarif.Replacement;
import com.contrastsecurity.sarif.ReportingConfiguration;
import com.contrastsecurity.sarif.ReportingDescriptor;
import com.contrastsecurity.sarif.Result;
import com.contrastsecurity.sarif.Run;
import com.contrastsecurity.sarif.SarifSchema210;
import com.contrastsecurity.sarif.Tool;
import com.contrastsecurity.sarif.ToolComponent;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.nodeipam.diff.Location;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A SARIF 2.1.0 log for code scanning, built through the typed model of {@code java-sarif}: one
 * rule per finding type with its help text, results with a level, locations relative to the
 * repository root ({@code %SRCROOT%}), related locations for the policy rules, and the companion
 * YAML as a fix that adds a file.
 */
public final class Sarif {
  public static final URI SCHEMA = URI.create(
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json");
  static final String SRCROOT = "%SRCROOT%";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
      .setSerializationInclusion(JsonInclude.Include.NON_EMPTY);

  private final Path root;
  private final Path cwd;
  private final String version;
  private final Map<String, ReportingDescriptor> rules = new LinkedHashMap<>();
  private final List<Result> results = new ArrayList<>();

  /**
   * @param root the repository root locations are made relative to
   * @param cwd the directory relative file names were given from
   * @param version the tool's version
   */
  public Sarif(Path root, Path cwd, String version) {
    this.root = root.toAbsolutePath().normalize();
    this.cwd = cwd.toAbsolutePath().normalize();
    this.version = version;
  }

  /** Declares a rule (once per id): its name, one-line and full description, default level. */
  public void rule(String id, String name, String shortText, String help, String level) {
    rules.computeIfAbsent(id, k -> new ReportingDescriptor()
        .withId(id)
        .withName(name)
        .withShortDescription(new MultiformatMessageString().withText(shortText))
        .withFullDescription(new MultiformatMessageString().withText(help))
        .withHelp(new MultiformatMessageString().withText(help).withMarkdown(help))
        .withDefaultConfiguration(new ReportingConfiguration()
            .withLevel(ReportingConfiguration.Level.fromValue(level))));
  }

  /** A related place: a policy rule, another object. */
  public record Related(Location location, String text) {}

  /** A fix that adds a file: the companion policy's YAML. */
  public record NewFile(Location near, String fileName, String text, String description) {}

  /** Adds a result; {@code primary} null leaves it without location. */
  public void result(String ruleId, String level, String text, Location primary,
      List<Related> related, NewFile fix, Map<String, Object> properties) {
    Result r = new Result().withRuleId(ruleId).withLevel(Result.Level.fromValue(level))
        .withMessage(new Message().withText(text));
    if (primary != null) {
      r.withLocations(List.of(
          SarifLocations.at(uri(primary.file()), primary.line(), primary.column(), null)));
    }
    var rel = SarifLocations.numbered(related.stream()
        .filter(x -> x.location() != null)
        .map(x -> SarifLocations.at(
            uri(x.location().file()), x.location().line(), x.location().column(), x.text()))
        .toList());
    if (!rel.isEmpty()) {
      r.withRelatedLocations(rel);
    }
    if (fix != null && fix.near() != null) {
      String dir = uri(fix.near().file());
      int slash = dir.lastIndexOf('/');
      String uri = (slash < 0 ? "" : dir.substring(0, slash + 1)) + fix.fileName();
      r.withFixes(Set.of(new Fix()
          .withDescription(new Message().withText(fix.description()))
          .withArtifactChanges(Set.of(new ArtifactChange()
              .withArtifactLocation(new ArtifactLocation().withUri(uri).withUriBaseId(SRCROOT))
              .withReplacements(List.of(new Replacement()
                  .withDeletedRegion(new Region().withStartLine(1).withStartColumn(1)
                      .withEndLine(1).withEndColumn(1))
                  .withInsertedContent(new ArtifactContent().withText(fix.text()))))))));
    }
    if (properties != null && !properties.isEmpty()) {
      PropertyBag bag = new PropertyBag();
      properties.forEach(bag::setAdditionalProperty);
      r.withProperties(bag);
    }
    results.add(r);
  }

  /** A file name as given, relative to the repository root, with forward slashes. */
  String uri(String file) {
    Path absolute = cwd.resolve(file).normalize();
    Path relative = absolute.startsWith(root) ? root.relativize(absolute) : absolute;
    return relative.toString().replace('\\', '/');
  }

  public SarifSchema210 log() {
    ToolComponent driver = new ToolComponent().withName("nodeipam")
        .withRules(new LinkedHashSet<>(rules.values()));
    if (version != null) {
      driver.withSemanticVersion(version);
    }
    String rootUri = root.toUri().toString();
    Run run = new Run()
        .withTool(new Tool().withDriver(driver))
        .withOriginalUriBaseIds(new OriginalUriBaseIds().withAdditionalProperty(SRCROOT,
            new ArtifactLocation().withUri(rootUri.endsWith("/") ? rootUri : rootUri + "/")))
        .withResults(results)
        .withColumnKind(Run.ColumnKind.UNICODE_CODE_POINTS);
    return new SarifSchema210().with$schema(SCHEMA)
        .withVersion(SarifSchema210.Version._2_1_0).withRuns(List.of(run));
  }

  public void write(Writer out) throws IOException {
    MAPPER.writeValue(out, log());
    out.write('\n');
    out.flush();
  }
}

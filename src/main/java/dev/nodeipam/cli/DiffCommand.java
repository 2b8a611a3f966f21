package dev.nodeipam.cli;

import dev.nodeipam.audit.AuditOptions;
import dev.nodeipam.audit.CompanionScope;
import dev.nodeipam.audit.Granularity;
import dev.nodeipam.diff.Diff;
import dev.nodeipam.diff.Level;
import dev.nodeipam.diff.StateDiff;
import dev.nodeipam.git.GitTree;
import dev.nodeipam.kube.ManifestLoader;
import dev.nodeipam.kube.ManifestTree;
import dev.nodeipam.kube.ParsedFiles;
import dev.nodeipam.kube.SourceLocator;
import dev.nodeipam.render.DiffRenderer;
import dev.nodeipam.render.HtmlReport;
import dev.nodeipam.render.DiffSarif;
import dev.nodeipam.render.Json;
import dev.nodeipam.render.Sarif;
import dev.nodeipam.snapshot.BadInputException;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nodeipam diff}: what a change to the cluster's YAML breaks, fixes, publishes, withdraws.
 */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Compares two states of the cluster's YAML, as a pull request changes it: the flows whose"
          + " Cilium verdict changes (newly denied, newly allowed), identity traps introduced and"
          + " removed with the companion policy that clears the new ones, addresses Node IPAM"
          + " publishes or withdraws, Services newly on externalIPs, and companions or"
          + " migrations the change makes stale. Each item names the file, line and column of the"
          + " object and of the policy rule behind it. Only what the change can affect is"
          + " evaluated. Read-only: with --base the before state is read from the git commit"
          + " itself (no checkout; the work tree and index are left alone).",
      "",
      "Examples:",
      "  nodeipam diff --base origin/main -f cluster",
      "  nodeipam diff --base HEAD~1 -f cluster -o sarif > nodeipam.sarif",
      "  nodeipam diff --before old/ --after new/ -o markdown --fail-on warning",
      "  nodeipam diff --base origin/main -k overlays/prod",
      "  nodeipam diff -k --before old/overlay --after new/overlay"
    },
    footer = {
      "",
      "Exit codes: 0 nothing at or above --fail-on, 3 items at or above it, 2 bad input or usage."
    })
public final class DiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /**
   * The files both states hold alike, parsed and converted once: a change touches a few files of
   * a tree that is otherwise read twice. Dropped once both states are loaded.
   */
  private ParsedFiles shared;

  @Option(
      names = "--before",
      arity = "1..*",
      paramLabel = "PATH",
      description = "The state before the change: manifest files or directories.")
  List<Path> before = new ArrayList<>();

  @Option(
      names = "--after",
      arity = "1..*",
      paramLabel = "PATH",
      description = "The state after the change: manifest files or directories.")
  List<Path> after = new ArrayList<>();

  @Option(
      names = "--base",
      paramLabel = "REF",
      description = "Read the before state from this git commit (branch, tag, HEAD~1, hash) and"
          + " the after state from the work tree, both at the -f paths.")
  String base;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "PATH",
      description = "With --base: the manifest files or directories, in both states (default: the"
          + " current directory); repeatable.")
  List<Path> files = new ArrayList<>();

  @Option(
      names = {"-k", "--kustomize"},
      arity = "0..1",
      fallbackValue = "",
      paramLabel = "DIR",
      description = "Kustomizations, rendered with 'kubectl kustomize' (or 'kustomize build'):"
          + " with --base, -k DIR renders DIR at REF and in the work tree; with --before/--after,"
          + " -k alone renders the two directories.")
  String kustomize;

  @Option(
      names = "--skip-non-manifests",
      description = "Skip, with a warning each, files under a directory that parse but hold no"
          + " Kubernetes object (another tool's JSON, Helm values), in both states; without it"
          + " they are an error.")
  boolean skipNonManifests;

  @Mixin DatapathFlags datapath;

  @Mixin NodeIpamFlags nodeIpam;

  @Mixin DnsFlags dns;

  @Option(
      names = "--companion-scope",
      paramLabel = "SCOPE",
      description = "Which pods the companions of new traps select, as for audit: cluster or"
          + " sources (default: as audit chooses for the Cilium version and settings).")
  AuditCommand.Scope companionScope;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "text",
      converter = OutputFormat.Diffs.class,
      completionCandidates = OutputFormat.Diffs.class,
      description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}): markdown is a"
          + " pull-request comment, sarif is for code scanning.")
  OutputFormat output;

  @Option(
      names = "--fail-on",
      paramLabel = "LEVEL",
      defaultValue = "error",
      description = "Exit 3 when an item at or above this level exists: error (newly denied"
          + " flows, active traps introduced), warning (also latent traps, withdrawn addresses,"
          + " new externalIPs, stale companions and migrations) or never (default:"
          + " ${DEFAULT-VALUE}).")
  AuditCommand.FailOn failOn;

  @Option(
      names = "--per-address",
      description = "For scripts: flow items one per source workload and Service address (JSON"
          + " version 1), as before audit's findings grouped a Service's addresses; the default"
          + " is one per policy rule, Service, port, direction and state with the address group"
          + " and its sources (JSON version 2). Lists every trapped address: large on big"
          + " clusters.")
  boolean perAddress;

  @Override
  public Integer call() {
    Map<String, String> overrides = datapath.overrides(spec);
    Path cwd = Path.of("").toAbsolutePath();
    StateDiff.Settings settings =
        new StateDiff.Settings(overrides, new AuditOptions(nodeIpam.options(), true,
            companionScope == null ? null : CompanionScope.valueOf(
                companionScope.name().toUpperCase(Locale.ROOT)), dns.answers()),
            perAddress ? Granularity.ADDRESS : Granularity.SERVICE);
    Diff diff;
    Path root;
    shared = new ParsedFiles();
    if (base != null) {
      if (!before.isEmpty() || !after.isEmpty()) {
        throw usage("--base reads the before state from git: give -f, not --before/--after");
      }
      if (kustomize != null && (kustomize.isEmpty() || !files.isEmpty())) {
        throw usage("with --base, -k takes the kustomization's directory (and no -f)");
      }
      List<Path> paths = kustomize != null ? List.of(Path.of(kustomize))
          : files.isEmpty() ? List.of(Path.of(".")) : files;
      // The repository is the one holding the manifests, wherever the command runs from.
      Path first = cwd.resolve(paths.get(0)).normalize();
      try (GitTree tree = GitTree.open(Files.isDirectory(first) || first.getParent() == null
          ? first : first.getParent(), cwd, base)) {
        String state = base + " (" + tree.commit().substring(0, 12) + ")";
        ClusterSnapshot old = kustomize == null ? load(paths, tree, state)
            : renderedAt(tree, state);
        ClusterSnapshot now = kustomize == null ? load(paths, ManifestTree.WORK_TREE, null)
            : rendered(Path.of(kustomize), null);
        shared = null;
        diff = StateDiff.run(
            new StateDiff.State("before", old, new SourceLocator(tree)),
            new StateDiff.State("after", now, new SourceLocator(ManifestTree.WORK_TREE)),
            settings);
        root = tree.root();
      }
    } else {
      if (before.isEmpty() || after.isEmpty()) {
        throw usage("give --before PATH... and --after PATH..., or --base REF [-f PATH...]");
      }
      if (!files.isEmpty()) {
        throw usage("-f goes with --base; with --before/--after the paths are theirs");
      }
      if (kustomize != null && (!kustomize.isEmpty() || before.size() != 1 || after.size() != 1)) {
        throw usage("with --before/--after, -k takes no value and one directory each");
      }
      ClusterSnapshot old = kustomize != null ? rendered(before.get(0), "--before")
          : load(before, ManifestTree.WORK_TREE, "--before");
      ClusterSnapshot now = kustomize != null ? rendered(after.get(0), "--after")
          : load(after, ManifestTree.WORK_TREE, "--after");
      shared = null;
      SourceLocator locator = new SourceLocator(ManifestTree.WORK_TREE);
      diff = StateDiff.run(new StateDiff.State("before", old, locator),
          new StateDiff.State("after", now, locator), settings);
      root = GitTree.rootOf(cwd.resolve(after.get(0)).normalize()).orElse(cwd);
    }
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case json -> Json.writeJson(DiffRenderer.toMap(diff), out);
      case markdown -> DiffRenderer.writeMarkdown(diff, out);
      case html -> HtmlReport.writeDiff(diff, out);
      case sarif -> writeSarif(diff, root, cwd, out);
      default -> DiffRenderer.writeText(diff, out);
    }
    out.flush();
    return switch (failOn) {
      case never -> 0;
      case warning -> diff.hasAtLeast(Level.WARNING) ? AuditCommand.EXIT_FINDINGS : 0;
      case error -> diff.hasAtLeast(Level.ERROR) ? AuditCommand.EXIT_FINDINGS : 0;
    };
  }

  static void writeSarif(Diff diff, Path root, Path cwd, PrintWriter out) {
    try {
      DiffSarif.of(diff, new Sarif(root, cwd, Version.number())).write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The kustomization at the commit: its files written out, then rendered as in the work tree. */
  private ClusterSnapshot renderedAt(GitTree tree, String state) {
    Path checkout = null;
    try {
      checkout = Files.createTempDirectory("nodeipam-diff-base");
      return rendered(tree.extract(Path.of(kustomize), checkout), state);
    } catch (IOException e) {
      throw new BadInputException(state + ": cannot write the commit's files: " + e.getMessage());
    } finally {
      deleteTree(checkout);
    }
  }

  /** One state rendered by kustomize; a problem in it names the state it is in. */
  private ClusterSnapshot rendered(Path dir, String state) {
    try {
      return load(List.of(Path.of("-")), ManifestTree.WORK_TREE, state,
          Kustomize.render(dir, System.getenv()));
    } catch (BadInputException e) {
      throw state == null || e.getMessage().startsWith(state) ? e
          : new BadInputException(state + ": " + e.getMessage());
    }
  }

  private static void deleteTree(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is no reason to fail the diff.
    }
  }

  private ClusterSnapshot load(List<Path> paths, ManifestTree tree, String state) {
    return load(paths, tree, state, System.in);
  }

  /** Loads one state; a problem in it names the state it is in. */
  private ClusterSnapshot load(List<Path> paths, ManifestTree tree, String state,
      InputStream stdin) {
    PrintWriter err = spec.commandLine().getErr();
    ManifestLoader.Options options = new ManifestLoader.Options(skipNonManifests,
        w -> {
          err.println("nodeipam: warning: " + (state == null ? "" : state + ": ") + w);
          err.flush();
        }, new ManifestLoader.Progress()).withCommand("diff").withStdin(stdin).withShared(shared);
    try {
      ClusterSnapshot snapshot = ManifestLoader.load(paths, options, tree);
      ClasslessNote.print(err, nodeIpam.options(), snapshot, state);
      return snapshot;
    } catch (BadInputException e) {
      throw state == null ? e : new BadInputException(state + ": " + e.getMessage());
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}

package dev.nodeipam.cli;

import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.git.GitTree;
import dev.nodeipam.kube.ManifestTree;
import dev.nodeipam.kube.SourceLocator;
import dev.nodeipam.render.AuditSarif;
import dev.nodeipam.render.Sarif;
import dev.nodeipam.snapshot.ClusterSnapshot;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** {@code audit -o sarif}: locations read from the manifests, relative to the git work tree. */
final class AuditSarifOutput {
  private AuditSarifOutput() {}

  static void write(AuditReport report, ClusterSnapshot snapshot, PrintWriter out) {
    Path cwd = Path.of("").toAbsolutePath();
    Sarif sarif = new Sarif(GitTree.rootOf(cwd).orElse(cwd), cwd, Version.number());
    try {
      AuditSarif.of(report, snapshot, new SourceLocator(ManifestTree.WORK_TREE), sarif).write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

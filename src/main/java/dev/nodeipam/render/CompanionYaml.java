package dev.nodeipam.render;

import dev.nodeipam.audit.Companion;
import java.util.List;

/** Companion policies as YAML documents, each preceded by its caveats as comments. */
public final class CompanionYaml {
  private CompanionYaml() {}

  /** One document, with its {@code ---} line. */
  public static String of(Companion c) {
    StringBuilder out = new StringBuilder("---\n");
    out.append("# ").append(c.name()).append(": ").append(c.direction())
        .append(" companion for ").append(c.service()).append('\n');
    for (String caveat : c.caveats()) {
      out.append("# - ").append(caveat).append('\n');
    }
    return out.append(Json.yaml(c.object())).toString();
  }

  /** A stream of documents for {@code kubectl apply -f -}. */
  public static String of(List<Companion> companions) {
    StringBuilder out = new StringBuilder();
    companions.forEach(c -> out.append(of(c)));
    return out.toString();
  }
}

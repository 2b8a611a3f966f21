package dev.nodeipam.render;

import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.ServiceFindings;
import dev.nodeipam.audit.SourceNames;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.audit.TrapGroups;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the audit's text, Markdown and HTML reports open with, from one pass over the groups: the
 * headline ("7 policies in 3 namespaces stop matching for 24.85.233.58:443 — 1 active, 6
 * latent"), the counts, and one line per address group when there are several.
 *
 * @param blocks the blocks the lines summarise (grouped once, read twice)
 */
record AuditOverview(String headline, String counts, List<String> lines,
    List<ServiceFindings.Block> blocks) {

  static AuditOverview of(AuditReport r, TrapGroups groups) {
    List<String> lines = new ArrayList<>();
    TrapGroups.Tally all = new TrapGroups.Tally();
    Trap[] last = new Trap[1];
    String[] lastText = new String[1];
    int addresses = 0;
    List<ServiceFindings.Block> blocks = ServiceFindings.blocks(ServiceFindings.of(groups));
    for (ServiceFindings.Block b : blocks) {
      TrapGroups.Target t = b.target();
      addresses += b.addresses().size();
      TrapGroups.Summary s = t.summary();
      t.groups().forEach(all::add);
      last[0] = t.first();
      lastText[0] = b.addressText();
      lines.add(b.addressText() + " (" + t.first().address().frontend() + " of "
          + t.first().address().service().key() + "): " + stopMatching(s) + " — " + s.active()
          + " active, " + s.latent() + " latent; " + s.sources() + " source"
          + (s.sources() == 1 ? "" : "s") + " (" + s.pods() + " pod" + (s.pods() == 1 ? "" : "s")
          + ")");
    }
    TrapGroups.Summary s = all.summary();
    String headline;
    if (r.traps().isEmpty()) {
      headline = "No trapped flow at " + Plural.of(r.addresses(), "Service address") + ".";
    } else {
      // Counted per address; an address group a rule cannot tell apart is one block.
      String where = lines.size() == 1 && addresses == 1 ? lastText[0]
          : addresses + " Service addresses and ports"
              + (lines.size() < addresses ? " in " + Plural.of(lines.size(), "group") : "");
      headline = stopMatching(s) + " for " + where + " — " + s.active()
          + " active, " + s.latent() + " latent.";
    }
    String counts = Plural.of(r.addresses(), "Service address") + " audited; "
        + distinctSources(blocks) + "; "
        + Plural.of(r.others().size(), "other finding") + "; "
        + Plural.of(r.companions().size(), "companion policy") + ".";
    return new AuditOverview(headline, counts, lines.size() > 1 ? lines : List.of(), blocks);
  }

  /**
   * "15196 trapped sources (83594 pods)": each source once however many addresses it is trapped
   * at (a class's list of sources is read once).
   */
  private static String distinctSources(List<ServiceFindings.Block> blocks) {
    Map<String, Integer> pods = new HashMap<>();
    Set<List<SourceNames.Named>> read = Collections.newSetFromMap(new IdentityHashMap<>());
    for (ServiceFindings.Block b : blocks) {
      for (TrapGroups.Group g : b.target().groups()) {
        if (read.add(g.members())) {
          g.members().forEach(m -> pods.putIfAbsent(m.source().name(), m.count()));
        }
      }
    }
    long n = pods.values().stream().mapToLong(Integer::longValue).sum();
    return Plural.of(pods.size(), "trapped source") + " (" + Plural.of(n, "pod") + ")";
  }

  private static String stopMatching(TrapGroups.Summary s) {
    return Plural.of(s.policies(), "policy")
        + (s.namespaces() == 0 ? "" : " in " + Plural.of(s.namespaces(), "namespace"))
        + " stop" + (s.policies() == 1 ? "s" : "") + " matching";
  }
}

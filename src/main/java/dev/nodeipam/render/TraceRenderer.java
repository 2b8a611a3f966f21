package dev.nodeipam.render;

import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.IdentityTrap;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.explanation.DestinationVerdict;
import dev.nodeipam.policy.explanation.DropReason;
import dev.nodeipam.policy.explanation.Match;
import dev.nodeipam.policy.explanation.NotMatching;
import dev.nodeipam.policy.explanation.SideVerdict;
import dev.nodeipam.policy.explanation.Translation;
import dev.nodeipam.policy.explanation.Verdict;
import dev.nodeipam.policy.model.Identity;
import dev.nodeipam.policy.model.PolicyRef;
import dev.nodeipam.policy.model.Rejection;
import dev.nodeipam.policy.settings.Setting;
import dev.nodeipam.render.text.NoteText;
import dev.nodeipam.render.text.TranslationText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code nodeipam trace} output: the JSON contract, and a text that reads like a diagnosis. */
public final class TraceRenderer {
  private static final int MAX_NOT_MATCHING = 8;

  private TraceRenderer() {}

  /**
   * The JSON document (field names are a contract).
   *
   * @param trap the flow's identity trap ({@link IdentityTrap#of}): {@code identityTrap} is
   *     whether it is active
   */
  public static Map<String, Object> document(
      Verdict v, Verdict asAddress, IdentityTrap trap, String named) {
    return document(v, asAddress, trap, named, null);
  }

  /**
   * The JSON document of a destination named by identity, no address dialled ({@link
   * PolicyEngine#verdictTo}): {@code to} is {@code ns/pod:port/proto}
   * and {@code dialled} is false.
   */
  public static Map<String, Object> identityDocument(Verdict v, String to, String named) {
    return document(v, null, IdentityTrap.NONE, named, to);
  }

  private static Map<String, Object> document(
      Verdict v, Verdict asAddress, IdentityTrap trap, String named, String identityTo) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("from", v.flow().source().key());
    doc.put("to", identityTo != null ? identityTo : v.flow().destinationText());
    doc.put("dialled", identityTo == null);
    if (named != null) {
      doc.put("toNamed", named);
    }
    doc.put("verdict", v.outcome().name());
    doc.put("dropReason", v.dropReason());
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("translated", v.translation().translated());
    t.put("service", v.translation().service());
    t.put(
        "frontend", v.translation().frontend() == null ? null : v.translation().frontend().wire());
    t.put("servicePort", v.translation().servicePort());
    t.put("reason", TranslationText.sentence(v.translation().reason()));
    t.put("reasonCode", v.translation().reason().kind().code());
    doc.put("translation", t);
    doc.put("settings", v.settings().values());
    doc.put("ciliumVersion", AuditReport.versionMap(v.settings()));
    doc.put("assumedSettings", v.settings().assumed().stream().map(Setting::key).toList());
    Map<String, Object> src = new LinkedHashMap<>();
    src.put("endpoint", v.flow().source().key());
    src.put("identity", v.source().name());
    src.put("node", v.flow().source().nodeName());
    src.put("template", v.flow().source().isTemplate());
    doc.put("source", src);
    List<Object> ds = new ArrayList<>();
    for (DestinationVerdict d : v.destinations()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("endpoint", d.endpoint());
      m.put("identity", d.identity().name());
      m.put(
          "address",
          d.identity().address() == null ? null : d.identity().address().toCanonicalString());
      m.put("port", d.port());
      m.put("protocol", d.protocol().name());
      m.put("verdict", d.outcome().name());
      m.put("dropReason", d.dropReason());
      m.put("egress", side(d.egress()));
      m.put("ingress", side(d.ingress()));
      m.put("notes", NoteText.sentences(d.notes()));
      if (d.delivery() != null) {
        Map<String, Object> dl = new LinkedHashMap<>();
        dl.put("by", d.delivery().by());
        dl.put("addressIdentity", d.delivery().addressIdentity().name());
        dl.put("dialledPort", d.delivery().dialledPort());
        dl.put("arrivingSource", d.delivery().arrivingSource().name());
        m.put("deliveredBy", dl);
      }
      ds.add(m);
    }
    doc.put("destinations", ds);
    if (asAddress != null) {
      Map<String, Object> a = new LinkedHashMap<>();
      a.put("verdict", asAddress.outcome().name());
      a.put("dropReason", asAddress.dropReason());
      a.put("identity", asAddress.destinations().get(0).identity().name());
      a.put("allowedBy", refs(asAddress.destinations().get(0).egress().allowedBy()));
      doc.put("asAddress", a);
      doc.put("identityTrap", trap.active());
    }
    doc.put("notes", NoteText.sentences(v.notes()));
    return doc;
  }

  private static Map<String, Object> side(SideVerdict s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("verdict", s.outcome().name());
    m.put("dropReason", s.dropReason());
    m.put("enforced", s.enforced());
    m.put("defaultDeny", s.defaultDeny());
    m.put("allowedBy", refs(s.allowedBy()));
    m.put("deniedBy", refs(s.deniedBy()));
    m.put("defaultDenyBy", refs(s.defaultDenyBy()));
    List<Object> matched = new ArrayList<>();
    for (Match x : s.matches()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("policy", ref(x.policy()));
      e.put("entry", x.entry());
      e.put("peer", x.peer());
      e.put("ports", x.ports());
      e.put("deny", x.deny());
      matched.add(e);
    }
    m.put("matchedEntries", matched);
    List<Object> nm = new ArrayList<>();
    for (NotMatching n : s.notMatching()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("policy", ref(n.policy()));
      x.put("why", n.why());
      nm.add(x);
    }
    m.put("notMatching", nm);
    m.put("notModelled", s.notModelled());
    m.put("rejected", s.rejected().stream().map(r -> (Object) rejected(r)).toList());
    m.put("reason", s.reason());
    return m;
  }

  private static Map<String, Object> rejected(Rejection r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("policy", ref(r.policy()));
    m.put("path", r.path());
    m.put("reason", r.reason().name());
    m.put("agentError", r.agentLog());
    return m;
  }

  private static List<Object> refs(List<PolicyRef> refs) {
    return refs.stream().map(r -> (Object) ref(r)).toList();
  }

  private static Map<String, Object> ref(PolicyRef r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", r.kind());
    m.put("namespace", r.namespace());
    m.put("name", r.name());
    m.put("source", r.source());
    return m;
  }

  /** The diagnosis. */
  public static String text(Verdict v, Verdict asAddress, IdentityTrap trap, String named) {
    return text(v, asAddress, trap, named, false);
  }

  /** The diagnosis; {@code verbose} lists every datapath setting, the defaults assumed too. */
  public static String text(Verdict v, Verdict asAddress, IdentityTrap trap, String named,
      boolean verbose) {
    return text(v, asAddress, trap, named, null, verbose);
  }

  /** The diagnosis for a destination named by identity: no address was dialled. */
  public static String identityText(Verdict v, String to, String named) {
    return identityText(v, to, named, false);
  }

  /** {@link #identityText(Verdict, String, String)}, every setting listed when verbose. */
  public static String identityText(Verdict v, String to, String named, boolean verbose) {
    return text(v, null, IdentityTrap.NONE, named, to, verbose);
  }

  private static String text(Verdict v, Verdict asAddress, IdentityTrap trap, String named,
      String identityTo, boolean verbose) {
    StringBuilder b = new StringBuilder();
    flowAndVerdict(b, v, named, identityTo);
    if (asAddress != null && trap.active()) {
      identityTrap(b, v, asAddress, trap);
    }
    translation(b, v);
    destinations(b, v);
    notModelledAndNotes(b, v);
    datapathSettings(b, v, verbose);
    // Prose throughout: every line wrapped to the text width.
    return TextWrap.lines(b.toString());
  }

  /** The flow as dialled (or named by identity) and its verdict. */
  private static void flowAndVerdict(
      StringBuilder b, Verdict v, String named, String identityTo) {
    Identity src = v.source();
    b.append("Flow:    ")
        .append(v.flow().source().key())
        .append(
            v.flow().source().isTemplate()
                ? " (pod template of " + v.flow().source().workload() + ")"
                : "")
        .append(src.isPod() ? "" : " [" + src.name() + "]")
        .append(
            v.flow().source().nodeName() == null ? "" : " on node " + v.flow().source().nodeName())
        .append(" -> ")
        .append(identityTo != null ? identityTo : v.flow().destinationText())
        .append(named == null ? "" : " (" + named + ")")
        .append(identityTo != null ? ", no address dialled: judged by identity and port" : "")
        .append('\n');
    b.append("Verdict: ").append(v.outcome());
    if (v.dropReason() != null) {
      b.append(" (drop reason ")
          .append(v.dropReason())
          .append(": ")
          .append(DropReason.text(v.dropReason()))
          .append(")");
    }
    b.append('\n');
  }

  /** The active identity trap: what the address reading allows, what Cilium does, the fix. */
  private static void identityTrap(
      StringBuilder b, Verdict v, Verdict asAddress, IdentityTrap trap) {
    b.append("\nThis is the identity trap: read as the address it looks like (")
        .append(asAddress.destinations().get(0).identity().name())
        .append(' ')
        .append(v.flow().address().toCanonicalString())
        .append(':')
        .append(v.flow().port())
        .append("), the rules ALLOW it");
    List<PolicyRef> by = asAddress.destinations().get(0).egress().allowedBy();
    if (!by.isEmpty()) {
      b.append(" (").append(labels(by)).append(")");
    }
    b.append(", but Cilium ")
        .append(
            v.translation().translated()
                ? "translates it and judges the backend pods' identity on the targetPort"
                : "sees " + v.destinations().get(0).egressPeer().describe())
        .append(". Nothing in the YAML hints at it; the client just times out.\n")
        .append(!trap.companionFixes()
            ? "Fix: no additive policy can: a deny rule drops the flow, and deny wins over every"
                + " allow; narrow the deny rule so that it no longer matches this flow.\n"
            : v.settings().honoursDefaultDenyOptOut()
            ? "Fix: an additive companion policy (enableDefaultDeny false) allowing the backends"
                + " by identity on their targetPort; `nodeipam audit` writes it.\n"
            : "Fix: an additive policy selecting only the trapped pods (they are in default deny"
                + " already; " + v.settings().defaultDenyOptOutReason() + ") that allows the"
                + " backends by identity on their targetPort; `nodeipam audit` writes it.\n");
  }

  /** Step 1: whether the service translation rewrote the destination, and why. */
  private static void translation(StringBuilder b, Verdict v) {
    Translation t = v.translation();
    b.append("\n1. Translation: ")
        .append(t.translated() ? "yes" : "no")
        .append(" — ")
        .append(TranslationText.sentence(t.reason()))
        .append('\n');
    if (t.translated()) {
      b.append("   Policy sees each backend pod and its targetPort, not ")
          .append(v.flow().destinationText())
          .append(".\n");
    }
  }

  /**
   * Step 2: each destination's verdict and both sides' reasoning; a destination reasoned exactly
   * as the one before it says so instead of repeating it.
   */
  private static void destinations(StringBuilder b, Verdict v) {
    b.append("\n2. Destination")
        .append(v.destinations().size() == 1 ? "" : "s (" + v.destinations().size() + ")")
        .append(":\n");
    if (v.destinations().isEmpty()) {
      b.append("   none\n");
    }
    String previous = null;
    String previousName = null;
    for (DestinationVerdict d : v.destinations()) {
      destinationLine(b, d);
      String sides =
          side(d.egress(), "egress of " + v.flow().source().key())
              + side(d.ingress(), "ingress of " + d.endpoint());
      String shape = sides.replace(d.endpoint(), "<backend>");
      if (shape.equals(previous)) {
        b.append("     same reasoning as for ").append(previousName).append('\n');
      } else {
        b.append(sides);
        previous = shape;
        previousName = d.endpoint();
      }
    }
  }

  /** One destination's endpoint, identity, port and verdict, its delivery and its notes. */
  private static void destinationLine(StringBuilder b, DestinationVerdict d) {
    b.append("   ")
        .append(d.endpoint())
        .append("  identity ")
        .append(d.identity().name())
        .append("  port ")
        .append(d.port())
        .append('/')
        .append(d.protocol())
        .append("  ")
        .append(d.outcome());
    if (d.dropReason() != null) {
      b.append(" (").append(d.dropReason()).append(")");
    }
    b.append('\n');
    if (d.delivery() != null) {
      b.append("     delivered by ").append(d.delivery().by()).append(": egress judged on ")
          .append(d.delivery().addressIdentity().describe()).append(':')
          .append(d.delivery().dialledPort()).append(", ingress from ")
          .append(d.delivery().arrivingSource().describe()).append('\n');
    }
    d.notes().forEach(n -> b.append("     note: ").append(NoteText.sentence(n)).append('\n'));
  }

  /** What the verdict does not model, then the flow's notes. */
  private static void notModelledAndNotes(StringBuilder b, Verdict v) {
    Set<String> notModelled = new LinkedHashSet<>();
    v.destinations()
        .forEach(
            d -> {
              notModelled.addAll(d.egress().notModelled());
              notModelled.addAll(d.ingress().notModelled());
            });
    if (!notModelled.isEmpty()) {
      b.append("\nNot modelled (read the verdict with these in mind):\n");
      notModelled.forEach(n -> b.append("   - ").append(n).append('\n'));
    }
    if (!v.notes().isEmpty()) {
      b.append("\nNotes:\n");
      v.notes().forEach(n -> b.append("   - ").append(NoteText.sentence(n)).append('\n'));
    }
  }

  /** The Cilium version and the datapath settings; assumed defaults listed only when verbose. */
  private static void datapathSettings(StringBuilder b, Verdict v, boolean verbose) {
    Setting version = v.settings().versionSetting();
    b.append("\nCilium version: ").append(version.value()).append("  (").append(version.from())
        .append(")").append(version.isAssumed() ? "; give --cilium-version if yours differs" : "")
        .append('\n');
    b.append("\nDatapath settings:\n");
    List<Setting> assumed = v.settings().assumed().stream().filter(s -> s != version).toList();
    for (Setting s : v.settings().settings().values()) {
      if (s == version || (!verbose && assumed.contains(s))) {
        continue;
      }
      b.append("   ")
          .append(s.key())
          .append('=')
          .append(s.value().isEmpty() ? "\"\"" : s.value())
          .append("  (")
          .append(s.from())
          .append(")\n");
    }
    if (!assumed.isEmpty() && verbose) {
      b.append("   Assumed (not in cilium-config nor --set): ")
          .append(String.join(", ", assumed.stream().map(Setting::key).toList()))
          .append(". Give them with --set KEY=VALUE if your cluster differs.\n");
    } else if (!assumed.isEmpty()) {
      b.append("   ").append(DatapathText.assumed(assumed.size())).append('\n');
    }
  }

  private static String side(SideVerdict s, String title) {
    StringBuilder b = new StringBuilder();
    b.append("     ").append(title).append(": ").append(s.outcome());
    if (s.dropReason() != null) {
      b.append(" (").append(s.dropReason()).append(")");
    }
    b.append(" — ").append(s.reason()).append('\n');
    if (!s.enforced()) {
      return b.toString();
    }
    b.append("       default deny: ").append(s.defaultDeny() ? "on" : "off");
    if (!s.defaultDenyBy().isEmpty()) {
      b.append(", by ").append(labels(s.defaultDenyBy()));
    }
    b.append('\n');
    for (Rejection r : s.rejected()) {
      b.append("       not enforced: ").append(r.policy().label())
          .append(r.policy().source() == null ? "" : " [" + r.policy().source() + "]")
          .append(": the agent rejects it: ").append(r.agentLog()).append(" (at ")
          .append(r.path()).append(")\n");
    }
    for (Match x : s.matches()) {
      b.append("       ")
          .append(x.deny() ? "denied by: " : "allowed by: ")
          .append(x.policy().label())
          .append(' ')
          .append(x.entry())
          .append(" (")
          .append(x.peer())
          .append(", ")
          .append(x.ports())
          .append(")")
          .append(x.policy().source() == null ? "" : " [" + x.policy().source() + "]")
          .append('\n');
    }
    if (!s.notMatching().isEmpty()) {
      b.append("       rules that do not match:\n");
      int shown = 0;
      for (NotMatching n : s.notMatching()) {
        if (shown++ == MAX_NOT_MATCHING) {
          b.append("         ... and ")
              .append(s.notMatching().size() - MAX_NOT_MATCHING)
              .append(" more (all of them in -o json)\n");
          break;
        }
        b.append("         ").append(n.policy().label()).append(": ").append(n.why()).append('\n');
      }
    }
    return b.toString();
  }

  private static String labels(List<PolicyRef> refs) {
    List<String> out = new ArrayList<>();
    refs.forEach(r -> out.add(r.label() + (r.source() == null ? "" : " [" + r.source() + "]")));
    return String.join(", ", out);
  }
}

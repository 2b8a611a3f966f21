package dev.nodeipam.audit;

import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Pod;
import java.util.AbstractList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the audit found. Traps are kept per group of source pods sharing an identity; {@link
 * #findings()} expands them into one finding per source pod on demand, so a cluster where
 * thousands of replicas share one trap costs one trap in memory.
 *
 * @param traps the trapped flows, by Service, address, port and direction
 * @param others EXTERNAL_IPS, CIDR_COVERS_PODS and CIDR_COVERS_NODES findings
 * @param companions the policies that clear the traps
 * @param settings the datapath settings the audit ran under
 * @param addresses how many Service addresses were audited
 * @param sourceGroups how many groups of source pods (identities) were judged
 * @param companionScope which pods the companions select, and why
 */
public record AuditReport(
    List<Trap> traps,
    List<Finding> others,
    List<Companion> companions,
    DatapathSettings settings,
    int addresses,
    int sourceGroups,
    CompanionScope.Choice companionScope) {

  public AuditReport {
    traps = List.copyOf(traps);
    others = List.copyOf(others);
    companions = List.copyOf(companions);
  }

  /** Every finding: one per (source pod, address, port, direction) for traps, then the others. */
  public List<Finding> findings() {
    int[] starts = new int[traps.size() + 1];
    for (int i = 0; i < traps.size(); i++) {
      starts[i + 1] = Math.addExact(starts[i], traps.get(i).sources().size());
    }
    int trapFindings = starts[traps.size()];
    int size = trapFindings + others.size();
    return new AbstractList<>() {
      // Replicas of a trap come one after the other: explain each trap once, not once per pod.
      private Trap explained;
      private String detail;

      @Override
      public synchronized Finding get(int index) {
        if (index >= trapFindings) {
          return others.get(index - trapFindings);
        }
        int t = java.util.Arrays.binarySearch(starts, index);
        t = t >= 0 ? t : -t - 2;
        while (t + 1 < starts.length && starts[t + 1] == index && starts[t] == index) {
          t++;
        }
        Trap trap = traps.get(t);
        if (trap != explained) {
          detail = trap.detail();
          explained = trap;
        }
        return finding(trap, trap.sources().get(index - starts[t]), detail);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /** How many findings of each severity. */
  public Map<String, Integer> counts() {
    int errors = 0;
    int warnings = 0;
    for (Trap t : traps) {
      if (t.severity() == Severity.ERROR) {
        errors += t.sources().size();
      } else {
        warnings += t.sources().size();
      }
    }
    warnings += others.size();
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("error", errors);
    m.put("warning", warnings);
    return m;
  }

  /** Whether a finding at or above the severity exists. */
  public boolean hasAtLeast(Severity severity) {
    return traps.stream().anyMatch(t -> t.severity().atLeast(severity))
        || others.stream().anyMatch(f -> f.severity().atLeast(severity));
  }

  /** The report as plain maps: the JSON contract, and a few extra fields. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Finding> findings = findings();
    m.put("findings", new AbstractList<Map<String, Object>>() {
      @Override
      public Map<String, Object> get(int index) {
        return findings.get(index).toMap();
      }

      @Override
      public int size() {
        return findings.size();
      }
    });
    m.put("companionPolicies", companions.stream().map(Companion::object).toList());
    m.put("companionNotes", companions.stream().map(c -> {
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("name", c.name());
      n.put("direction", c.direction());
      n.put("service", c.service());
      n.put("caveats", c.caveats());
      return n;
    }).toList());
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("addresses", addresses);
    summary.put("sourceGroups", sourceGroups);
    summary.put("traps", traps.size());
    summary.putAll(counts());
    m.put("summary", summary);
    m.put("settings", settings.values());
    m.put("ciliumVersion", versionMap(settings));
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("scope", companionScope.scope().name().toLowerCase(java.util.Locale.ROOT));
    scope.put("why", companionScope.why());
    m.put("companionScope", scope);
    return m;
  }

  /** The Cilium version assumed and where it came from, for the JSON of every command. */
  public static Map<String, Object> versionMap(DatapathSettings settings) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("version", settings.versionSetting().value());
    v.put("from", settings.versionSetting().from());
    v.put("assumed", settings.versionSetting().isAssumed());
    return v;
  }

  /** The finding of one source pod of a trap. */
  static Finding finding(Trap t, Pod source, String detail) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("frontend", t.address().frontend());
    List<Integer> targets = t.targetPorts();
    if (targets.size() > 1) {
      extra.put("targetPorts", targets);
    }
    extra.put("destinations", t.destinations().stream()
        .map(d -> (d.identity().isNode() ? d.identity().name() : d.identity().describe()) + ":"
            + d.port()).toList());
    if (t.denyRule()) {
      extra.put("denyRule", true);
    }
    String message = source.key() + " -> " + t.address().hostText() + ":" + t.servicePort().port()
        + "/" + t.protocol() + ": " + detail;
    return new Finding(FindingType.IDENTITY_TRAP, t.severity(), t.active(),
        t.direction() == Direction.EGRESS ? "egress" : "ingress", t.address().service().key(),
        t.address().address().toCanonicalString(), t.servicePort().port(), targets.get(0),
        t.protocol().name(), source.key(), t.policies(), message, extra);
  }
}

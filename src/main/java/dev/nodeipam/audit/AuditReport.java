package dev.nodeipam.audit;

import dev.nodeipam.policy.model.Direction;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Pod;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the audit found. Traps are kept per group of source pods sharing an identity; {@link
 * #groupedFindings()} gives one finding per (source workload or identity, address, port,
 * direction), {@link #findings()} one per source pod, both built on demand, so a cluster where
 * thousands of replicas share one trap costs one trap in memory.
 *
 * @param traps the trapped flows, by Service, address, port and direction
 * @param others EXTERNAL_IPS, CIDR_COVERS_PODS and CIDR_COVERS_NODES findings
 * @param companions the policies that clear the traps
 * @param settings the datapath settings the audit ran under
 * @param addresses how many Service addresses were audited
 * @param sourceGroups how many groups of source pods (identities) were judged
 * @param companionScope which pods the companions select, and why
 * @param names how sources are named in the grouped report
 */
public record AuditReport(
    List<Trap> traps,
    List<Finding> others,
    List<Companion> companions,
    DatapathSettings settings,
    int addresses,
    int sourceGroups,
    CompanionScope.Choice companionScope,
    SourceNames names) {

  /**
   * The report's {@code version}: 3 groups findings by policy rule and Service (see {@link
   * ServiceFindings}); 2 is one finding per source and address; 1 one per pod ({@link
   * Granularity}).
   */
  public static final int VERSION = Granularity.SERVICE.version();

  public AuditReport {
    // The view of an audit's classes is not copied: it builds each address's traps on reading.
    traps = traps instanceof TrapView ? traps : List.copyOf(traps);
    others = List.copyOf(others);
    companions = List.copyOf(companions);
  }

  /** The traps grouped as the report shows them (see {@link TrapGroups}). */
  public TrapGroups groups() {
    return new TrapGroups(traps, names);
  }

  /**
   * Some traps (in the report's order, e.g. the part of each that a change touches) grouped and
   * named as the report groups its own: what {@code diff} reports its flows by.
   */
  public TrapGroups groupsOf(List<Trap> some) {
    return new TrapGroups(some, names);
  }

  /**
   * Every finding of the report a person acts on (version 3): one per (policy rule, Service,
   * port, direction, active) with its address group and sources, then the others.
   */
  public List<Finding> serviceFindings() {
    List<ServiceFindings.Group> groups = serviceGroups();
    List<Finding> out = new ArrayList<>(groups.size() + others.size());
    groups.forEach(g -> out.add(ServiceFindings.finding(g)));
    out.addAll(others);
    return out;
  }

  /**
   * The findings of version 3 as values: what {@link #serviceFindings()} renders, and what {@code
   * diff} compares two states by.
   */
  public List<ServiceFindings.Group> serviceGroups() {
    return ServiceFindings.of(groups());
  }

  /**
   * Every finding of the per-address report (version 2): one per (source workload or identity,
   * address, port, direction) for traps, then the others.
   */
  public List<Finding> groupedFindings() {
    List<TrapGroups.Group> groups = groups().bySource();
    int size = groups.size() + others.size();
    return new AbstractList<>() {
      @Override
      public Finding get(int index) {
        return index < groups.size()
            ? finding(groups.get(index))
            : others.get(index - groups.size());
      }

      @Override
      public int size() {
        return size;
      }
    };
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
        int t = Arrays.binarySearch(starts, index);
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
    int[] pods = new int[2];
    // Per run of addresses with the same traps: an address class is counted once, times its size.
    groups().forEachRun(run -> {
      for (TrapGroups.Group g : run.target().groups()) {
        for (Trap t : g.traps()) {
          pods[t.severity() == Severity.ERROR ? 0 : 1] += Math.multiplyExact(
              t.sources().size(), run.positions().length);
        }
      }
    });
    int errors = pods[0];
    int warnings = pods[1];
    int otherErrors = otherErrors();
    errors += otherErrors;
    warnings += others.size() - otherErrors;
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("error", errors);
    m.put("warning", warnings);
    return m;
  }

  /** The findings besides traps that are errors ({@code POLICY_REJECTED}). */
  private int otherErrors() {
    return (int) others.stream().filter(f -> f.severity() == Severity.ERROR).count();
  }

  /** Whether a finding at or above the severity exists. */
  public boolean hasAtLeast(Severity severity) {
    return traps.stream().anyMatch(t -> t.severity().atLeast(severity))
        || others.stream().anyMatch(f -> f.severity().atLeast(severity));
  }

  /** The report as plain maps: the JSON contract (version 3), and a few extra fields. */
  public Map<String, Object> toMap() {
    return toMap(Granularity.SERVICE);
  }

  /**
   * The report as plain maps in the given form; the finer forms (versions 2 and 1) keep every
   * field they had.
   */
  public Map<String, Object> toMap(Granularity granularity) {
    boolean perPod = granularity == Granularity.POD;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", granularity.version());
    List<Finding> findings = switch (granularity) {
      case SERVICE -> serviceFindings();
      case ADDRESS -> groupedFindings();
      case POD -> findings();
    };
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
    if (perPod) {
      summary.putAll(counts());
    } else {
      // error and warning count the findings of this document; pods counts the flows per pod.
      int errors = granularity == Granularity.ADDRESS ? groups().activeCount() + otherErrors()
          : (int) findings.stream()
              .filter(f -> f.type() == FindingType.IDENTITY_TRAP ? f.active()
                  : f.severity() == Severity.ERROR).count();
      summary.put("findings", findings.size());
      summary.put("error", errors);
      summary.put("warning", findings.size() - errors);
      summary.put("pods", counts());
    }
    m.put("summary", summary);
    m.put("settings", settings.values());
    m.put("ciliumVersion", versionMap(settings));
    Map<String, Object> scope = new LinkedHashMap<>();
    scope.put("scope", companionScope.scope().name().toLowerCase(Locale.ROOT));
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

  /** The finding of a group of traps: one source workload or identity. */
  static Finding finding(TrapGroups.Group g) {
    Trap t = g.first();
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("sourceKind", g.source().kind());
    extra.put("sources", g.sources(TrapGroups.MAX_SOURCES).stream().map(Pod::key).toList());
    extra.put("sourceCount", g.pods());
    extraOf(t, extra);
    String message = g.source().name() + " -> " + t.address().hostText() + ":"
        + t.servicePort().port() + "/" + t.protocol() + ": " + t.detail();
    List<Integer> targets = t.targetPorts();
    return Finding.builder()
        .type(FindingType.IDENTITY_TRAP)
        .severity(t.severity())
        .active(t.active())
        .direction(TrapGroups.direction(t))
        .service(t.address().service().key())
        .address(t.address().address().toCanonicalString())
        .port(t.servicePort().port())
        .targetPort(targets.get(0))
        .protocol(t.protocol().name())
        .source(g.source().name())
        .policies(t.policies())
        .message(message)
        .extra(extra)
        .build();
  }

  static void extraOf(Trap t, Map<String, Object> extra) {
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
  }

  /** The finding of one source pod of a trap. */
  static Finding finding(Trap t, Pod source, String detail) {
    Map<String, Object> extra = new LinkedHashMap<>();
    extraOf(t, extra);
    List<Integer> targets = t.targetPorts();
    String message = source.key() + " -> " + t.address().hostText() + ":" + t.servicePort().port()
        + "/" + t.protocol() + ": " + detail;
    return Finding.builder()
        .type(FindingType.IDENTITY_TRAP)
        .severity(t.severity())
        .active(t.active())
        .direction(t.direction() == Direction.EGRESS ? "egress" : "ingress")
        .service(t.address().service().key())
        .address(t.address().address().toCanonicalString())
        .port(t.servicePort().port())
        .targetPort(targets.get(0))
        .protocol(t.protocol().name())
        .source(source.key())
        .policies(t.policies())
        .message(message)
        .extra(extra)
        .build();
  }
}

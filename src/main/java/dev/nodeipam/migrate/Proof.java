package dev.nodeipam.migrate;

import dev.nodeipam.net.IpText;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The comparison of old and published addresses, by value, keeping each side's own text. */
record Proof(List<String> added, List<String> lost) {

  static Proof compare(List<String> old, List<String> published) {
    Set<String> oldValues = values(old);
    Set<String> publishedValues = values(published);
    List<String> added = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String p : published) {
      String v = valueOf(p);
      if (!oldValues.contains(v) && seen.add(v)) {
        added.add(p);
      }
    }
    List<String> lost = new ArrayList<>();
    seen.clear();
    for (String o : old) {
      String v = valueOf(o);
      if (!publishedValues.contains(v) && seen.add(v)) {
        lost.add(o);
      }
    }
    return new Proof(List.copyOf(added), List.copyOf(lost));
  }

  boolean exact() {
    return added.isEmpty() && lost.isEmpty();
  }

  /** Canonical text for addresses; anything else is compared as it is written. */
  static String valueOf(String text) {
    String canonical = IpText.canonical(text);
    return canonical == null ? "text:" + text : canonical;
  }

  private static Set<String> values(List<String> texts) {
    Set<String> values = new LinkedHashSet<>();
    texts.forEach(t -> values.add(valueOf(t)));
    return values;
  }
}

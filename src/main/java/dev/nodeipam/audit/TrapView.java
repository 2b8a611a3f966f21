package dev.nodeipam.audit;

import dev.nodeipam.audit.TrapSearch.Entry;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The traps of every address class, address by address in the report's order, each address's
 * built when it is read: what the per-address forms (versions 2 and 1, {@code diff}) read, while
 * only the classes' shared traps and each address's own are kept.
 */
final class TrapView extends AbstractList<Trap> {
  private final List<ClassTraps> classes;
  private final int[] classOf;
  private final int[] memberOf;
  /** Where each address's traps start in the list, and the size at the end. */
  private final int[] starts;
  private int built = -1;
  private List<Entry> entries;
  private int builtBefore = -1;
  private List<Entry> entriesBefore;

  /**
   * @param classes the classes searched
   * @param classOf by address (in the report's order), its class
   * @param memberOf by address, its index in its class
   */
  TrapView(List<ClassTraps> classes, int[] classOf, int[] memberOf) {
    this.classes = classes;
    int n = 0;
    int[] counts = new int[classOf.length];
    for (int i = 0; i < classOf.length; i++) {
      counts[i] = classes.get(classOf[i]).count(memberOf[i]);
      n += counts[i] > 0 ? 1 : 0;
    }
    // Only the addresses with traps are kept.
    this.classOf = new int[n];
    this.memberOf = new int[n];
    this.starts = new int[n + 1];
    int k = 0;
    for (int i = 0; i < classOf.length; i++) {
      if (counts[i] > 0) {
        this.classOf[k] = classOf[i];
        this.memberOf[k] = memberOf[i];
        starts[k + 1] = Math.addExact(starts[k], counts[i]);
        k++;
      }
    }
  }

  /**
   * Addresses with the same traps but for the address: a class whose members are judged alike
   * (no own groups) once, with all its addresses; any other address on its own.
   *
   * @param positions the addresses' indices among the addresses with traps, ascending
   * @param traps the traps at the first of them
   */
  record Run(int[] positions, List<ServiceAddress> addresses, List<Trap> traps) {}

  /** Each run once, in the order of its first address. */
  void forEachRun(Consumer<Run> each) {
    int n = classOf.length;
    boolean[] alike = new boolean[classes.size()];
    for (int c = 0; c < alike.length; c++) {
      alike[c] = classes.get(c).uniform();
    }
    Map<Integer, int[]> uniform = new HashMap<>();
    int[] counts = new int[classes.size()];
    for (int k = 0; k < n; k++) {
      if (alike[classOf[k]]) {
        counts[classOf[k]]++;
      }
    }
    for (int k = 0; k < n; k++) {
      int c = classOf[k];
      if (alike[c]) {
        int[] at = uniform.computeIfAbsent(c, x -> new int[counts[x] + 1]);
        at[++at[0]] = k; // at[0] counts, the rest are the positions
      }
    }
    boolean[] done = new boolean[classes.size()];
    for (int k = 0; k < n; k++) {
      int c = classOf[k];
      ClassTraps ct = classes.get(c);
      if (!alike[c]) {
        each.accept(new Run(new int[] {k}, List.of(ct.members().get(memberOf[k]).address()),
            traps(ct.entries(memberOf[k]))));
      } else if (!done[c]) {
        done[c] = true;
        int[] at = uniform.get(c);
        int[] positions = Arrays.copyOfRange(at, 1, at.length);
        List<ServiceAddress> addresses = new ArrayList<>(positions.length);
        for (int p : positions) {
          addresses.add(ct.members().get(memberOf[p]).address());
        }
        each.accept(new Run(positions, addresses, traps(ct.entries(memberOf[k]))));
      }
    }
  }

  private static List<Trap> traps(List<Entry> entries) {
    List<Trap> out = new ArrayList<>(entries.size());
    entries.forEach(e -> out.add(e.trap()));
    return out;
  }

  @Override
  public synchronized Trap get(int index) {
    int a = Arrays.binarySearch(starts, index);
    a = a >= 0 ? a : -a - 2;
    // Addresses with no trap are not kept, so starts never repeat: a is the address.
    // Readers compare neighbours: the last two addresses built are kept.
    if (a != built) {
      if (a == builtBefore) {
        List<Entry> e = entries;
        entries = entriesBefore;
        entriesBefore = e;
        builtBefore = built;
      } else {
        entriesBefore = entries;
        builtBefore = built;
        entries = classes.get(classOf[a]).entries(memberOf[a]);
      }
      built = a;
    }
    return entries.get(index - starts[a]).trap();
  }

  @Override
  public int size() {
    return starts[starts.length - 1];
  }
}

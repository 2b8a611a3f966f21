package dev.nodeipam.audit;

import dev.nodeipam.snapshot.Pod;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.ToIntFunction;

/**
 * The pods of a source class but a few (those on an address's own node, or those that are the
 * address's backends, judged apart): a view that costs the few, not the class. A class of
 * identities no rule tells apart can hold every pod of the cluster, and it is split so at each of
 * thousands of addresses; copies would hold the class once per address.
 *
 * @param base the class's pods
 * @param excluded the positions in {@code base} left out, ascending
 */
record PodsExcept(List<Pod> base, int[] excluded) {

  /** The view as a list; immutable. */
  List<Pod> list() {
    return new View(this);
  }

  /**
   * {@code pods} without {@code out}: a view when {@code pods} is a class's list or a view of one
   * ({@code position} gives a pod's place in its class's list), else a copy.
   *
   * @param classPods the class's list
   */
  static List<Pod> of(List<Pod> pods, List<Pod> classPods, Collection<Pod> out,
      ToIntFunction<Pod> position) {
    PodsExcept from = pods instanceof View v ? v.except : pods == classPods
        ? new PodsExcept(classPods, new int[0]) : null;
    if (from == null) {
      return pods.stream().filter(p -> !out.contains(p)).toList();
    }
    int[] more = new int[from.excluded.length + out.size()];
    System.arraycopy(from.excluded, 0, more, 0, from.excluded.length);
    int n = from.excluded.length;
    for (Pod p : out) {
      int at = position.applyAsInt(p);
      if (at >= 0 && at < classPods.size() && classPods.get(at) == p
          && Arrays.binarySearch(from.excluded, at) < 0) {
        more[n++] = at;
      }
    }
    int[] sorted = Arrays.copyOf(more, n);
    Arrays.sort(sorted);
    return new PodsExcept(classPods, distinct(sorted)).list();
  }

  /** The view behind a list, or null when it is a plain list. */
  static PodsExcept of(List<Pod> pods) {
    return pods instanceof View v ? v.except : null;
  }

  private static int[] distinct(int[] sorted) {
    int n = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        sorted[n++] = sorted[i];
      }
    }
    return Arrays.copyOf(sorted, n);
  }

  /** The excluded pods. */
  List<Pod> out() {
    return Arrays.stream(excluded).mapToObj(base::get).toList();
  }

  private static final class View extends AbstractList<Pod> implements RandomAccess {
    private final PodsExcept except;

    View(PodsExcept except) {
      this.except = except;
    }

    @Override
    public Pod get(int index) {
      if (index < 0 || index >= size()) {
        throw new IndexOutOfBoundsException(index);
      }
      int at = index;
      for (int e : except.excluded) {
        if (e <= at) {
          at++;
        } else {
          break;
        }
      }
      return except.base.get(at);
    }

    @Override
    public int size() {
      return except.base.size() - except.excluded.length;
    }
  }
}

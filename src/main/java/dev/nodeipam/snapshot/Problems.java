package dev.nodeipam.snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * Every problem of an input in one run: the first {@value #SHOWN} lines, one problem each
 * ({@code file:line: object: field: problem}), and a count of the rest, so that a tree with many
 * faults is fixed in one pass rather than one run per fault.
 */
public final class Problems {
  /** How many problems are printed; the rest are counted. */
  public static final int SHOWN = 50;

  private Problems() {}

  /** The lines shown for these problems (at most {@value #SHOWN} and a count of the rest). */
  public static List<String> lines(List<String> problems) {
    if (problems.size() <= SHOWN) {
      return List.copyOf(problems);
    }
    int more = problems.size() - SHOWN;
    List<String> out = new ArrayList<>(problems.subList(0, SHOWN));
    out.add("… and " + more + " more " + (more == 1 ? "problem" : "problems")
        + " (" + problems.size() + " in all)");
    return out;
  }

  /** Throws one exception whose message is every problem's line, when there is any. */
  public static void throwIfAny(List<String> problems) {
    if (!problems.isEmpty()) {
      throw new BadInputException(String.join("\n", lines(problems)));
    }
  }
}

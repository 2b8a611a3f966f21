package dev.nodeipam.audit;

import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Addresses sorted by value, per family, with who owns each: counts the addresses inside a range
 * in logarithmic time, so that checking thousands of CIDR rules against tens of thousands of pods
 * stays cheap.
 */
final class AddressIndex {
  private final BigInteger[][] values = new BigInteger[2][];
  private final String[][] owners = new String[2][];

  /** An address and the name of what has it ({@code ns/pod}, a node name). */
  record Owned(IPAddress address, String owner) {}

  AddressIndex(List<Owned> addresses) {
    for (int f = 0; f < 2; f++) {
      boolean v4 = f == 0;
      // Each address's value made once, not once per comparison of the sort.
      List<Map.Entry<BigInteger, Owned>> mine = new ArrayList<>();
      for (Owned o : addresses) {
        if (o.address().isIPv4() == v4) {
          mine.add(Map.entry(o.address().getValue(), o));
        }
      }
      mine.sort(Map.Entry.comparingByKey());
      values[f] = mine.stream().map(Map.Entry::getKey).toArray(BigInteger[]::new);
      owners[f] = mine.stream().map(Map.Entry::getValue)
          .map(o -> o.owner() + " " + o.address()).toArray(String[]::new);
    }
  }

  /** How many indexed addresses lie in the range (network address to broadcast). */
  int count(IPAddress range) {
    int f = range.isIPv4() ? 0 : 1;
    return upper(f, range.getUpper().getValue()) - lower(f, range.getLower().getValue());
  }

  /** The indexed addresses in {@code range} and outside every {@code except}, up to {@code max}. */
  List<String> sample(IPAddress range, List<IPAddress> except, int max) {
    int f = range.isIPv4() ? 0 : 1;
    int from = lower(f, range.getLower().getValue());
    int to = upper(f, range.getUpper().getValue());
    List<String> out = new ArrayList<>();
    for (int i = from; i < to && out.size() < max; i++) {
      BigInteger v = values[f][i];
      boolean excepted = false;
      for (IPAddress e : except) {
        if (e.isIPv4() == range.isIPv4() && e.getLower().getValue().compareTo(v) <= 0
            && e.getUpper().getValue().compareTo(v) >= 0) {
          excepted = true;
          break;
        }
      }
      if (!excepted) {
        out.add(owners[f][i]);
      }
    }
    return out;
  }

  /** How many indexed addresses are in the range and outside every except. */
  int countOutside(IPAddress range, List<IPAddress> except) {
    int n = count(range);
    for (IPAddress e : except) {
      if (e.isIPv4() == range.isIPv4() && range.contains(e)) {
        n -= count(e);
      }
    }
    return Math.max(0, n);
  }

  private int lower(int f, BigInteger v) {
    int i = Arrays.binarySearch(values[f], v);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && values[f][i - 1].equals(v)) {
      i--;
    }
    return i;
  }

  private int upper(int f, BigInteger v) {
    int i = Arrays.binarySearch(values[f], v);
    if (i < 0) {
      return -i - 1;
    }
    while (i + 1 < values[f].length && values[f][i + 1].equals(v)) {
      i++;
    }
    return i + 1;
  }
}

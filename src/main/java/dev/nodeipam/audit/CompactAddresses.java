package dev.nodeipam.audit;

import dev.nodeipam.snapshot.Service;
import inet.ipaddr.IPAddress;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Published Service addresses held compactly: one shared array of the distinct addresses, an
 * index into it per published address, and per run of one Service and kind of frontend where
 * the run starts. A Node IPAM Service publishes its nodes' addresses, so on a cluster where
 * thousands of such Services share a few thousand node addresses this holds four bytes per
 * published address; each {@link ServiceAddress} is built when it is read.
 */
final class CompactAddresses extends AbstractList<ServiceAddress> implements RandomAccess {
  private final IPAddress[] distinct;
  private final int[] index;
  private final Service[] services;
  private final String[] frontends;
  /** Where each run starts, ascending. */
  private final int[] starts;

  private CompactAddresses(IPAddress[] distinct, int[] index, Service[] services,
      String[] frontends, int[] starts) {
    this.distinct = distinct;
    this.index = index;
    this.services = services;
    this.frontends = frontends;
    this.starts = starts;
  }

  @Override
  public ServiceAddress get(int i) {
    if (i < 0 || i >= index.length) {
      throw new IndexOutOfBoundsException(i);
    }
    int run = Arrays.binarySearch(starts, i);
    // Runs are never empty, so starts never repeat.
    run = run >= 0 ? run : -run - 2;
    return new ServiceAddress(services[run], distinct[index[i]], frontends[run]);
  }

  @Override
  public int size() {
    return index.length;
  }

  /** How many distinct addresses the published ones are. */
  int distinctCount() {
    return distinct.length;
  }

  /** Adds addresses in order; {@link #build} freezes them. */
  static final class Builder {
    // By the parsed object: each distinct text parsed once, kept as it was parsed.
    private final Map<IPAddress, Integer> ids = new IdentityHashMap<>();
    private final List<IPAddress> distinct = new ArrayList<>();
    private int[] index = new int[16];
    private int size;
    private final List<Service> services = new ArrayList<>();
    private final List<String> frontends = new ArrayList<>();
    private final List<Integer> starts = new ArrayList<>();

    void add(Service service, IPAddress address, String frontend) {
      int last = services.size() - 1;
      if (last < 0 || services.get(last) != service || !frontends.get(last).equals(frontend)) {
        services.add(service);
        frontends.add(frontend);
        starts.add(size);
      }
      Integer id = ids.get(address);
      if (id == null) {
        id = distinct.size();
        ids.put(address, id);
        distinct.add(address);
      }
      if (size == index.length) {
        index = Arrays.copyOf(index, size * 2);
      }
      index[size++] = id;
    }

    CompactAddresses build() {
      return new CompactAddresses(distinct.toArray(IPAddress[]::new), Arrays.copyOf(index, size),
          services.toArray(Service[]::new), frontends.toArray(String[]::new),
          starts.stream().mapToInt(Integer::intValue).toArray());
    }
  }
}

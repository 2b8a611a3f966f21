package dev.nodeipam.tools.generate;

import java.util.Random;

/**
 * The sizes and mix of a synthetic cluster. Fractions are of the Services (or nodes) they qualify;
 * the defaults give the target cluster (5,000 nodes, 10,000 Services) with a mix that
 * resembles a real one: most Services are Node IPAM LoadBalancers, a third of those with {@code
 * externalTrafficPolicy: Local}, ten distinct node selectors, a few excluded nodes.
 *
 * @param nodes how many nodes
 * @param services how many Services
 * @param podsPerService pods (and endpoints) behind every Service that has a pod selector
 * @param namespaces how many namespaces the Services and pods are spread over
 * @param seed the seed of the one {@link Random} the generator draws from
 * @param localFraction fraction of the Node IPAM LoadBalancers with {@code externalTrafficPolicy:
 *     Local}
 * @param clusterIpFraction fraction of the Services that are plain ClusterIP Services
 * @param externalIpsFraction fraction of the Services that list node addresses in {@code
 *     spec.externalIPs} (the ones {@code nodeipam migrate} moves)
 * @param otherClassFraction fraction of the Services that are LoadBalancers of another class
 * @param excludedNodeFraction fraction of the nodes that Node IPAM never uses (deleting, exclude
 *     label, autoscaler taint, in equal parts)
 */
public record ClusterShape(
    int nodes,
    int services,
    int podsPerService,
    int namespaces,
    long seed,
    double localFraction,
    double clusterIpFraction,
    double externalIpsFraction,
    double otherClassFraction,
    double excludedNodeFraction) {

  public static final int DEFAULT_NODES = 5_000;
  public static final int DEFAULT_SERVICES = 10_000;
  public static final int DEFAULT_PODS_PER_SERVICE = 8;
  public static final int DEFAULT_NAMESPACES = 50;
  public static final long DEFAULT_SEED = 42;

  public ClusterShape {
    if (nodes < 0 || services < 0 || podsPerService < 0) {
      throw new IllegalArgumentException("sizes must not be negative");
    }
    if (namespaces < 1) {
      throw new IllegalArgumentException("at least one namespace is needed");
    }
    for (double f :
        new double[] {
          localFraction,
          clusterIpFraction,
          externalIpsFraction,
          otherClassFraction,
          excludedNodeFraction
        }) {
      if (f < 0 || f > 1) {
        throw new IllegalArgumentException("fractions must lie between 0 and 1");
      }
    }
    if (clusterIpFraction + externalIpsFraction + otherClassFraction > 1) {
      throw new IllegalArgumentException("the Service fractions add up to more than 1");
    }
  }

  /** The target: 5,000 nodes, 10,000 Services, 8 pods each, 50 namespaces. */
  public static ClusterShape defaults() {
    return new ClusterShape(
        DEFAULT_NODES,
        DEFAULT_SERVICES,
        DEFAULT_PODS_PER_SERVICE,
        DEFAULT_NAMESPACES,
        DEFAULT_SEED,
        1.0 / 3,
        0.10,
        0.05,
        0.05,
        0.03);
  }

  /**
   * A shape with about {@code objects} Kubernetes objects in all, keeping the default ratio of two
   * Services per node: every Service brings its pods and one EndpointSlice per family.
   */
  public static ClusterShape ofObjects(int objects) {
    ClusterShape d = defaults();
    // objects ~ nodes + services * (1 + ~1.2 slices + podsPerService), services = 2 * nodes.
    double perNode = 1 + 2 * (2.2 + d.podsPerService());
    int nodes = Math.max(1, (int) Math.round(objects / perNode));
    int namespaces = Math.max(1, Math.min(d.namespaces(), nodes / 10));
    return d.withNodes(nodes).withServices(2 * nodes).withNamespaces(namespaces);
  }

  /** How many objects the generated tree holds, roughly (for progress lines and sizing). */
  public long approximateObjects() {
    return nodes + namespaces + (long) services * (2L + podsPerService);
  }

  public ClusterShape withNodes(int value) {
    return toBuilder().nodes(value).build();
  }

  public ClusterShape withServices(int value) {
    return toBuilder().services(value).build();
  }

  public ClusterShape withPodsPerService(int value) {
    return toBuilder().podsPerService(value).build();
  }

  public ClusterShape withNamespaces(int value) {
    return toBuilder().namespaces(value).build();
  }

  public ClusterShape withSeed(long value) {
    return toBuilder().seed(value).build();
  }

  public ClusterShape withLocalFraction(double value) {
    return toBuilder().localFraction(value).build();
  }

  public ClusterShape withServiceMix(double clusterIp, double externalIps, double otherClass) {
    return toBuilder()
        .clusterIpFraction(clusterIp)
        .externalIpsFraction(externalIps)
        .otherClassFraction(otherClass)
        .build();
  }

  public ClusterShape withExcludedNodeFraction(double value) {
    return toBuilder().excludedNodeFraction(value).build();
  }

  /** A builder, every component named; lists and maps start empty. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .nodes(nodes)
        .services(services)
        .podsPerService(podsPerService)
        .namespaces(namespaces)
        .seed(seed)
        .localFraction(localFraction)
        .clusterIpFraction(clusterIpFraction)
        .externalIpsFraction(externalIpsFraction)
        .otherClassFraction(otherClassFraction)
        .excludedNodeFraction(excludedNodeFraction);
  }

  /** Builds a {@link ClusterShape} component by component. */
  public static final class Builder {
    private int nodes;
    private int services;
    private int podsPerService;
    private int namespaces;
    private long seed;
    private double localFraction;
    private double clusterIpFraction;
    private double externalIpsFraction;
    private double otherClassFraction;
    private double excludedNodeFraction;

    private Builder() {}

    public Builder nodes(int nodes) {
      this.nodes = nodes;
      return this;
    }

    public Builder services(int services) {
      this.services = services;
      return this;
    }

    public Builder podsPerService(int podsPerService) {
      this.podsPerService = podsPerService;
      return this;
    }

    public Builder namespaces(int namespaces) {
      this.namespaces = namespaces;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder localFraction(double localFraction) {
      this.localFraction = localFraction;
      return this;
    }

    public Builder clusterIpFraction(double clusterIpFraction) {
      this.clusterIpFraction = clusterIpFraction;
      return this;
    }

    public Builder externalIpsFraction(double externalIpsFraction) {
      this.externalIpsFraction = externalIpsFraction;
      return this;
    }

    public Builder otherClassFraction(double otherClassFraction) {
      this.otherClassFraction = otherClassFraction;
      return this;
    }

    public Builder excludedNodeFraction(double excludedNodeFraction) {
      this.excludedNodeFraction = excludedNodeFraction;
      return this;
    }

    public ClusterShape build() {
      return new ClusterShape(
          nodes,
          services,
          podsPerService,
          namespaces,
          seed,
          localFraction,
          clusterIpFraction,
          externalIpsFraction,
          otherClassFraction,
          excludedNodeFraction);
    }
  }
}

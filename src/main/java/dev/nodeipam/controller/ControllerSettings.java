package dev.nodeipam.controller;

import dev.nodeipam.ipam.NodeIpamOptions;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How one controller instance runs.
 *
 * @param options the Node IPAM decision's options (class, default class, E6–E10)
 * @param clearReleasedStatus E11: clear the ingress of a Service that leaves our ownership
 * @param dryRun log what would be written, write nothing (no status, no events)
 * @param leaderElect take part in leader election on a Lease; only the leader writes
 * @param identity this replica's name in the Lease
 * @param httpAddress where /healthz, /readyz and /metrics are served; null for nowhere
 * @param workers reconcile threads, each writing the status of the Service it decided: the pool of
 *     status writers (never two on one Service)
 * @param retryBase first delay before a failed Service is retried; doubles up to {@code retryCap}
 * @param settleDelay how long a Service that node or EndpointSlice events queue waits before it is
 *     reconciled, so that a burst of events costs one write of the final state (zero: at once)
 */
public record ControllerSettings(
    NodeIpamOptions options,
    boolean clearReleasedStatus,
    boolean dryRun,
    boolean leaderElect,
    String leaseNamespace,
    String leaseName,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    InetSocketAddress httpAddress,
    int workers,
    Duration retryBase,
    Duration retryCap,
    Duration settleDelay) {

  public static final String COMPONENT = "nodeipam";

  /**
   * Status writers by default: a burst of N changed Services drains in about N × one reconcile
   * with its PATCH ÷ workers; on the real API server 8 rather than 4 took the p99 of a 210-Service
   * burst from 3.25 s to 2.65 s (medians; docs/controller.md, "On the real API server"), with a
   * handful of concurrent requests.
   */
  public static final int DEFAULT_WORKERS = 8;

  /** A bounded pool: more concurrent status patches than this would only crowd the API server. */
  public static final int MAX_WORKERS = 64;

  /** The default settle delay: bounded by 1 s, long enough for one kubectl label of many nodes. */
  public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(1);

  /** Defaults for a replica: leader election on nodeipam-system/nodeipam, no HTTP endpoint. */
  public static ControllerSettings defaults(NodeIpamOptions options, String identity) {
    return new ControllerSettings(
        options,
        false,
        false,
        true,
        "nodeipam-system",
        "nodeipam",
        identity,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        null,
        DEFAULT_WORKERS,
        Duration.ofMillis(100),
        Duration.ofMinutes(2),
        DEFAULT_SETTLE);
  }

  public ControllerSettings withOptions(NodeIpamOptions value) {
    return toBuilder().options(value).build();
  }

  public ControllerSettings withClearReleasedStatus(boolean value) {
    return toBuilder().clearReleasedStatus(value).build();
  }

  public ControllerSettings withDryRun(boolean value) {
    return toBuilder().dryRun(value).build();
  }

  public ControllerSettings withLeaderElection(
      boolean enabled,
      String namespace,
      String name,
      Duration lease,
      Duration renew,
      Duration retry) {
    return toBuilder()
        .leaderElect(enabled)
        .leaseNamespace(namespace)
        .leaseName(name)
        .leaseDuration(lease)
        .renewDeadline(renew)
        .retryPeriod(retry)
        .build();
  }

  public ControllerSettings withHttpAddress(InetSocketAddress value) {
    return toBuilder().httpAddress(value).build();
  }

  public ControllerSettings withWorkers(int value) {
    return toBuilder().workers(value).build();
  }

  public ControllerSettings withRetry(Duration base, Duration cap) {
    return toBuilder().retryBase(base).retryCap(cap).build();
  }

  public ControllerSettings withSettleDelay(Duration value) {
    return toBuilder().settleDelay(value).build();
  }

  /** A builder holding this value's components, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.options = options;
    b.clearReleasedStatus = clearReleasedStatus;
    b.dryRun = dryRun;
    b.leaderElect = leaderElect;
    b.leaseNamespace = leaseNamespace;
    b.leaseName = leaseName;
    b.identity = identity;
    b.leaseDuration = leaseDuration;
    b.renewDeadline = renewDeadline;
    b.retryPeriod = retryPeriod;
    b.httpAddress = httpAddress;
    b.workers = workers;
    b.retryBase = retryBase;
    b.retryCap = retryCap;
    b.settleDelay = settleDelay;
    return b;
  }

  /** Builds a {@link ControllerSettings} component by component (from {@link #toBuilder}). */
  public static final class Builder {
    private NodeIpamOptions options;
    private boolean clearReleasedStatus;
    private boolean dryRun;
    private boolean leaderElect;
    private String leaseNamespace;
    private String leaseName;
    private String identity;
    private Duration leaseDuration;
    private Duration renewDeadline;
    private Duration retryPeriod;
    private InetSocketAddress httpAddress;
    private int workers;
    private Duration retryBase;
    private Duration retryCap;
    private Duration settleDelay;

    private Builder() {}

    public Builder options(NodeIpamOptions value) {
      options = value;
      return this;
    }

    public Builder clearReleasedStatus(boolean value) {
      clearReleasedStatus = value;
      return this;
    }

    public Builder dryRun(boolean value) {
      dryRun = value;
      return this;
    }

    public Builder leaderElect(boolean value) {
      leaderElect = value;
      return this;
    }

    public Builder leaseNamespace(String value) {
      leaseNamespace = value;
      return this;
    }

    public Builder leaseName(String value) {
      leaseName = value;
      return this;
    }

    public Builder identity(String value) {
      identity = value;
      return this;
    }

    public Builder leaseDuration(Duration value) {
      leaseDuration = value;
      return this;
    }

    public Builder renewDeadline(Duration value) {
      renewDeadline = value;
      return this;
    }

    public Builder retryPeriod(Duration value) {
      retryPeriod = value;
      return this;
    }

    public Builder httpAddress(InetSocketAddress value) {
      httpAddress = value;
      return this;
    }

    public Builder workers(int value) {
      workers = value;
      return this;
    }

    public Builder retryBase(Duration value) {
      retryBase = value;
      return this;
    }

    public Builder retryCap(Duration value) {
      retryCap = value;
      return this;
    }

    public Builder settleDelay(Duration value) {
      settleDelay = value;
      return this;
    }

    public ControllerSettings build() {
      return new ControllerSettings(
          options,
          clearReleasedStatus,
          dryRun,
          leaderElect,
          leaseNamespace,
          leaseName,
          identity,
          leaseDuration,
          renewDeadline,
          retryPeriod,
          httpAddress,
          workers,
          retryBase,
          retryCap,
          settleDelay);
    }
  }
}

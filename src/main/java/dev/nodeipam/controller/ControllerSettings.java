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
    return new ControllerSettings(
        value,
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

  public ControllerSettings withClearReleasedStatus(boolean value) {
    return new ControllerSettings(
        options,
        value,
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

  public ControllerSettings withDryRun(boolean value) {
    return new ControllerSettings(
        options,
        clearReleasedStatus,
        value,
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

  public ControllerSettings withLeaderElection(
      boolean enabled,
      String namespace,
      String name,
      Duration lease,
      Duration renew,
      Duration retry) {
    return new ControllerSettings(
        options,
        clearReleasedStatus,
        dryRun,
        enabled,
        namespace,
        name,
        identity,
        lease,
        renew,
        retry,
        httpAddress,
        workers,
        retryBase,
        retryCap,
        settleDelay);
  }

  public ControllerSettings withHttpAddress(InetSocketAddress value) {
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
        value,
        workers,
        retryBase,
        retryCap,
        settleDelay);
  }

  public ControllerSettings withWorkers(int value) {
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
        value,
        retryBase,
        retryCap,
        settleDelay);
  }

  public ControllerSettings withRetry(Duration base, Duration cap) {
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
        base,
        cap,
        settleDelay);
  }

  public ControllerSettings withSettleDelay(Duration value) {
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
        value);
  }
}

package dev.nodeipam.controller;

import dev.nodeipam.controller.ControllerState.Leadership;
import dev.nodeipam.controller.ControllerState.Phase;
import dev.nodeipam.ipam.ExclusionReason;
import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.reconcile.Notice;
import dev.nodeipam.reconcile.Outcome;
import dev.nodeipam.render.AnnotatedAddressText;
import dev.nodeipam.snapshot.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Node IPAM LoadBalancer controller: informers on Services, Nodes and EndpointSlices keep a
 * cache of records; their events put Service keys on a work queue (E1, E3); workers reconcile one
 * Service at a time with the pure decision and write the status only on change (E2). Only the
 * leader's workers run; a standby keeps its caches warm and its queue filled.
 */
public final class NodeIpamController implements AutoCloseable {
  static final String SOURCE = "cluster";
  private static final Logger LOG = LoggerFactory.getLogger("dev.nodeipam.controller");

  private final KubernetesClient client;
  private final ControllerSettings settings;
  private final ControllerMetrics metrics;
  private final RecordCache cache = new RecordCache();
  private final WorkQueue queue;
  private final Reconciler reconciler;
  private final EventRecorder recorder;
  private final ClusterEvents events;
  private final Informers informers = new Informers();
  private final LeaderElection election;
  private final ExecutorService workers;
  private final AtomicReference<ControllerState> state =
      new AtomicReference<>(ControllerState.INITIAL);
  private HealthServer http;
  private volatile Consumer<String> reconcileObserver = key -> {};

  public NodeIpamController(KubernetesClient client, ControllerSettings settings) {
    this(client, settings, new ControllerMetrics(new PrometheusRegistry()), change -> {});
  }

  public NodeIpamController(
      KubernetesClient client,
      ControllerSettings settings,
      ControllerMetrics metrics,
      Consumer<PublishedChange> listener) {
    this.client = client;
    this.settings = settings;
    this.metrics = metrics;
    this.queue = new WorkQueue(settings.retryBase(), settings.retryCap(), settings.settleDelay());
    this.recorder = new EventRecorder(client, settings.identity(), metrics);
    this.reconciler =
        new Reconciler(
            settings,
            cache,
            new StatusWriter(client),
            recorder,
            metrics,
            this::isLeader,
            listener);
    this.events =
        new ClusterEvents(
            cache, queue, settings, () -> state.get().routing(), this::warnInvalidAddresses);
    this.election =
        new LeaderElection(
            client,
            settings,
            new LeaderCallbacks(this::becomeLeader, this::stopLeading, this::newLeader));
    metrics.nodeStates(this::nodeStates);
    AtomicInteger n = new AtomicInteger();
    this.workers =
        Executors.newFixedThreadPool(
            Math.max(1, settings.workers()),
            r -> {
              Thread t = new Thread(r, "nodeipam-worker-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts the HTTP endpoint and the informers, waits for their caches to sync, then takes part in
   * leader election (or, without it, starts working at once).
   */
  public void start() {
    serveHttp();
    informers.start(client, events);
    // From here on node events route to the Services they can affect; everything that happened
    // before is covered by queueing every Service once.
    advance(Phase.ROUTING);
    if (settings.clearReleasedStatus()) {
      events.markReleasedWhileDown();
    }
    advance(Phase.SYNCED);
    cache.serviceKeys().forEach(queue::add);
    LOG.info(
        "caches synced services={} nodes={} identity={}",
        cache.serviceKeys().size(),
        cache.nodes().size(),
        settings.identity());
    for (int i = 0; i < Math.max(1, settings.workers()); i++) {
      workers.submit(this::work);
    }
    if (electing()) {
      update(s -> s.leadership() == Leadership.NONE ? s.withLeadership(Leadership.STANDING_BY) : s);
      election.elect();
    } else {
      if (settings.dryRun()) {
        LOG.info("dry run: not taking part in leader election, writing nothing");
      }
      becomeLeader();
    }
  }

  private boolean electing() {
    return settings.leaderElect() && !settings.dryRun();
  }

  private ControllerState update(UnaryOperator<ControllerState> change) {
    return state.updateAndGet(s -> s.closed() ? s : change.apply(s));
  }

  private void advance(Phase phase) {
    update(s -> s.withPhase(phase));
  }

  /**
   * Serves {@code /healthz}, {@code /readyz} (false until the caches synced) and {@code /metrics}
   * from now on, before the API server may even answer; {@link #start()} does it when not done.
   */
  public synchronized void serveHttp() {
    if (http != null || settings.httpAddress() == null) {
      return;
    }
    try {
      http = new HealthServer(settings.httpAddress(), this::isReady, metrics);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve on " + settings.httpAddress(), e);
    }
  }

  private void work() {
    while (!state.get().closed()) {
      String key;
      try {
        key = queue.take(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        continue;
      }
      try {
        reconcileObserver.accept(key);
        Outcome result = reconciler.reconcile(key);
        if (result.retry()) {
          queue.addRateLimited(key);
        } else {
          queue.forget(key);
        }
      } catch (RuntimeException e) {
        LOG.error("reconcile failed service={}: {}", key, e.toString(), e);
        queue.addRateLimited(key);
      } finally {
        queue.done(key);
        metrics.queueDepth(queue.depth());
      }
    }
  }

  private void becomeLeader() {
    ControllerState now =
        update(s -> s.withLeadership(Leadership.LEADING).withLeader(settings.identity()));
    if (now.closed()) {
      return;
    }
    metrics.leader(true);
    LOG.info("leading identity={}", settings.identity());
    // Whatever happened while standing by, every Service is checked once (writes only on change).
    cache.serviceKeys().forEach(queue::add);
    queue.setActive(true);
    cache.nodes().stream()
        .filter(n -> n.annotatedAddresses().isInvalid())
        .forEach(this::warnInvalidAddresses);
  }

  /** E13: the leader says on the Node that its annotation is ignored (a standby says nothing). */
  private void warnInvalidAddresses(Node node) {
    if (!isLeader() || settings.dryRun()) {
      return;
    }
    String message = AnnotatedAddressText.ignored(node.annotatedAddresses());
    LOG.warn("node={} {}", node.name(), message);
    recorder.nodeWarning(node.name(), Notice.INVALID_NODE_ADDRESSES, message);
  }

  private void stopLeading() {
    ControllerState before =
        state.getAndUpdate(s -> s.closed() ? s : s.withLeadership(Leadership.STANDING_BY));
    queue.setActive(false);
    metrics.leader(false);
    if (before.leading()) {
      LOG.info("stopped leading identity={}", settings.identity());
    }
    if (electing()) {
      election.restart();
    }
  }

  private void newLeader(String identity) {
    update(s -> s.withLeader(identity));
    LOG.info("leader identity={}", identity);
  }

  /** Sees the key of every reconcile about to run (for tests of E3). */
  void observeReconciles(Consumer<String> observer) {
    reconcileObserver = observer;
  }

  /** Ready once the caches synced and, with leader election, the replica leads or stands by. */
  public boolean isReady() {
    ControllerState s = state.get();
    return s.phase() == Phase.SYNCED && (!electing() || s.leadership() != Leadership.NONE);
  }

  public boolean isLeader() {
    return state.get().leading();
  }

  /** The identity of the current leader as last observed, or null. */
  public String leader() {
    return state.get().leader();
  }

  /** No Service waiting, settling, in progress or waiting for a retry, and no Event unwritten. */
  public boolean isIdle() {
    return queue.isIdle() && recorder.isIdle();
  }

  public ControllerMetrics metrics() {
    return metrics;
  }

  /** Where the HTTP endpoint listens (useful with port 0), or null. */
  public InetSocketAddress httpAddress() {
    return http == null ? null : http.address();
  }

  private Map<String, Integer> nodeStates() {
    Map<String, Integer> states = new TreeMap<>();
    states.put("eligible", 0);
    for (ExclusionReason reason : ExclusionReason.values()) {
      if (reason.ordinal() <= ExclusionReason.CORDONED.ordinal()) {
        states.put(reason.text(), 0);
      }
    }
    for (Node node : cache.nodes()) {
      ExclusionReason reason = NodeEligibility.exclusion(node, settings.options());
      states.merge(reason == null ? "eligible" : reason.text(), 1, Integer::sum);
    }
    return states;
  }

  /** Stops working, releases the lease if held, stops the informers. */
  @Override
  public void close() {
    ControllerState before =
        state.getAndUpdate(s -> s.withPhase(Phase.CLOSED).withLeadership(Leadership.NONE));
    if (before.closed()) {
      return;
    }
    queue.setActive(false);
    election.close();
    queue.close();
    workers.shutdown();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    recorder.close();
    informers.close();
    if (http != null) {
      http.close();
    }
    metrics.leader(false);
  }
}

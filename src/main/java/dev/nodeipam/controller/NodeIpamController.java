package dev.nodeipam.controller;

import dev.nodeipam.ipam.ExclusionReason;
import dev.nodeipam.ipam.NodeEligibility;
import dev.nodeipam.ipam.NodeIpam;
import dev.nodeipam.ipam.ServiceOwnership;
import dev.nodeipam.kube.KubeConverters;
import dev.nodeipam.snapshot.EndpointSlice;
import dev.nodeipam.snapshot.Node;
import dev.nodeipam.snapshot.Service;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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
  private final NodeIpam ipam;
  private final Reconciler reconciler;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final Map<SharedIndexInformer<?>, AtomicLong> added = new ConcurrentHashMap<>();
  private final ExecutorService workers;
  private final ExecutorService electionExecutor;
  private volatile boolean synced;
  private volatile boolean routing;
  private volatile boolean leading;
  private volatile boolean electing;
  private volatile boolean closed;
  private volatile String leader;
  private volatile CompletableFuture<?> election;
  private final AtomicInteger electionRound = new AtomicInteger();
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
    this.queue = new WorkQueue(settings.retryBase(), settings.retryCap());
    this.ipam = new NodeIpam(settings.options());
    this.reconciler =
        new Reconciler(
            settings,
            cache,
            new StatusWriter(client),
            new EventRecorder(client, settings.identity(), metrics),
            metrics,
            () -> leading,
            listener);
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
    this.electionExecutor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "nodeipam-leader-election");
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
    informers.add(
        inform(
            client.services().inAnyNamespace().runnableInformer(0),
            this::onService,
            this::onServiceDeleted));
    informers.add(
        inform(
            client.nodes().runnableInformer(0),
            n -> onNode(KubeConverters.node(n, SOURCE)),
            this::onNodeDeleted));
    informers.add(
        inform(
            client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(0),
            e -> onSlice(KubeConverters.endpointSlice(e, SOURCE)),
            this::onSliceDeleted));
    CompletableFuture<?>[] starts =
        informers.stream()
            .map(i -> i.start().toCompletableFuture())
            .toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(starts).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the caches synced", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("informers failed to start: " + e.getCause(), e.getCause());
    }
    awaitHandlersCaughtUp();
    // From here on node events route to the Services they can affect; everything that happened
    // before is covered by queueing every Service once.
    routing = true;
    if (settings.clearReleasedStatus()) {
      markReleasedWhileDown();
    }
    synced = true;
    cache.serviceKeys().forEach(queue::add);
    LOG.info(
        "caches synced services={} nodes={} identity={}",
        cache.serviceKeys().size(),
        cache.nodes().size(),
        settings.identity());
    for (int i = 0; i < Math.max(1, settings.workers()); i++) {
      workers.submit(this::work);
    }
    if (settings.leaderElect() && !settings.dryRun()) {
      elect();
    } else {
      if (settings.dryRun()) {
        LOG.info("dry run: not taking part in leader election, writing nothing");
      }
      becomeLeader();
    }
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

  /**
   * E11 across a restart: a LoadBalancer that is no longer ours but whose status lists only
   * addresses of this cluster's nodes is taken for one this controller published before its
   * ownership changed while no replica ran (another class configured, --default-class turned off).
   * A status with any other address or a hostname belongs to another implementation.
   */
  private void markReleasedWhileDown() {
    java.util.Set<String> nodeAddresses = new java.util.HashSet<>();
    for (Node node : cache.nodes()) {
      node.addresses().forEach(a -> nodeAddresses.add(a.address()));
    }
    for (Service service : cache.services()) {
      if (!"LoadBalancer".equals(service.type())
          || service.deleting()
          || service.ingress().isEmpty()
          || ServiceOwnership.handles(service, settings.options())) {
        continue;
      }
      boolean nodeAddressesOnly =
          service.ingress().stream()
              .allMatch(e -> e.hostname() == null && nodeAddresses.contains(e.ip()));
      if (nodeAddressesOnly) {
        LOG.info(
            "released service={} class={} ingress={}: node addresses of a Service no longer owned,"
                + " to be cleared (--clear-released-status)",
            service.key(),
            service.loadBalancerClass(),
            service.ingressAddresses());
        cache.markReleased(service.key());
      }
    }
  }

  private <T extends HasMetadata> SharedIndexInformer<T> inform(
      SharedIndexInformer<T> informer, Consumer<T> upsert, Consumer<T> delete) {
    AtomicLong adds = new AtomicLong();
    added.put(informer, adds);
    informer.itemStore(new SlimItemStore<>());
    informer.addEventHandler(
        new ResourceEventHandler<T>() {
          @Override
          public void onAdd(T obj) {
            handle(() -> upsert.accept(obj));
            adds.incrementAndGet();
          }

          @Override
          public void onUpdate(T oldObj, T newObj) {
            handle(() -> upsert.accept(newObj));
          }

          @Override
          public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            handle(() -> delete.accept(obj));
          }
        });
    return informer;
  }

  /**
   * An informer's start completes when its store holds the initial list, but the handlers receive
   * those objects a little later. Reconciling before they have would decide with part of the nodes
   * and write a Service twice; so wait until every listed object went through a handler.
   */
  private void awaitHandlersCaughtUp() {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (SharedIndexInformer<?> informer : informers) {
      int listed = informer.getStore().list().size();
      while (added.get(informer).get() < listed && System.nanoTime() < deadline) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void handle(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.error("event handling failed: {}", e.toString(), e);
    }
  }

  private void onService(io.fabric8.kubernetes.api.model.Service s) {
    Service service = KubeConverters.service(s, SOURCE);
    Service previous =
        cache.putService(
            service, RecordCache.resourceVersion(s.getMetadata().getResourceVersion()));
    if (previous == service || service.equals(previous)) {
      // Older than what the controller itself wrote, or nothing the decision reads changed.
      return;
    }
    if (settings.clearReleasedStatus()
        && previous != null
        && !service.deleting()
        && ServiceOwnership.handles(previous, settings.options())
        && !ServiceOwnership.handles(service, settings.options())) {
      cache.markReleased(service.key());
    }
    queue.add(service.key());
  }

  private void onServiceDeleted(io.fabric8.kubernetes.api.model.Service s) {
    String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
    cache.removeService(key);
    cache.clearReleased(key);
    queue.add(key);
  }

  private void onNode(Node node) {
    Node old = cache.putNode(node);
    route(old, node);
  }

  private void onNodeDeleted(io.fabric8.kubernetes.api.model.Node n) {
    Node old = cache.removeNode(n.getMetadata().getName());
    route(old, null);
  }

  /**
   * E1 and E3: queue the Services whose candidates can contain the node before or after the change.
   * A change the records do not see (a heartbeat, a condition timestamp) queues nothing.
   */
  private void route(Node before, Node after) {
    if (!routing || Objects.equals(before, after)) {
      return;
    }
    for (Service service : cache.services()) {
      if (ipam.nodeEventMayAffect(service, before, after, () -> cache.slicesOf(service.key()))) {
        queue.add(service.key());
      }
    }
  }

  private void onSlice(EndpointSlice slice) {
    EndpointSlice old = cache.putSlice(slice);
    if (Objects.equals(old, slice)) {
      return;
    }
    if (old != null
        && old.serviceName() != null
        && !old.serviceName().equals(slice.serviceName())) {
      queue.add(old.namespace() + "/" + old.serviceName());
    }
    if (slice.serviceName() != null) {
      queue.add(slice.namespace() + "/" + slice.serviceName());
    }
  }

  private void onSliceDeleted(io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice e) {
    EndpointSlice slice = KubeConverters.endpointSlice(e, SOURCE);
    cache.removeSlice(slice);
    if (slice.serviceName() != null) {
      queue.add(slice.namespace() + "/" + slice.serviceName());
    }
  }

  private void work() {
    while (!closed) {
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
        Reconciler.Result result = reconciler.reconcile(key);
        if (result.retry) {
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

  private void elect() {
    if (closed) {
      return;
    }
    int round = electionRound.incrementAndGet();
    var config =
        new LeaderElectionConfigBuilder()
            .withName(settings.leaseName())
            .withLock(
                new LeaseLock(settings.leaseNamespace(), settings.leaseName(), settings.identity()))
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.renewDeadline())
            .withRetryPeriod(settings.retryPeriod())
            .withReleaseOnCancel(true)
            .withLeaderCallbacks(
                new LeaderCallbacks(this::becomeLeader, this::stopLeading, this::newLeader))
            .build();
    electing = true;
    CompletableFuture<?> running = client.leaderElector().withConfig(config).build().start();
    election = running;
    // Lost the lease (or the election loop ended): stand by and try again.
    running.whenComplete((ok, error) -> reelect(round));
  }

  /**
   * Starts a new election round unless {@code round} is no longer the current one. Also called when
   * leadership stops: fabric8's elector reports the loss but, when the server cannot be reached at
   * that moment, its own loop never completes, and this replica would never stand for election
   * again.
   */
  private void reelect(int round) {
    if (closed || electionRound.get() != round) {
      return;
    }
    electionExecutor.execute(
        () -> {
          if (closed || electionRound.get() != round) {
            return;
          }
          CompletableFuture<?> old = election;
          if (old != null) {
            old.cancel(true);
          }
          elect();
        });
  }

  private void becomeLeader() {
    leading = true;
    leader = settings.identity();
    metrics.leader(true);
    LOG.info("leading identity={}", settings.identity());
    // Whatever happened while standing by, every Service is checked once (writes only on change).
    cache.serviceKeys().forEach(queue::add);
    queue.setActive(true);
  }

  private void stopLeading() {
    boolean was = leading;
    leading = false;
    queue.setActive(false);
    metrics.leader(false);
    if (was) {
      LOG.info("stopped leading identity={}", settings.identity());
    }
    if (settings.leaderElect() && !settings.dryRun()) {
      reelect(electionRound.get());
    }
  }

  private void newLeader(String identity) {
    leader = identity;
    LOG.info("leader identity={}", identity);
  }

  /** Sees the key of every reconcile about to run (for tests of E3). */
  void observeReconciles(Consumer<String> observer) {
    reconcileObserver = observer;
  }

  /** Ready once the caches synced and, with leader election, the replica leads or stands by. */
  public boolean isReady() {
    return synced && (!settings.leaderElect() || settings.dryRun() || leading || electing);
  }

  public boolean isLeader() {
    return leading;
  }

  /** The identity of the current leader as last observed, or null. */
  public String leader() {
    return leader;
  }

  /** No Service waiting, in progress or waiting for a retry. */
  public boolean isIdle() {
    return queue.isIdle();
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
    if (closed) {
      return;
    }
    closed = true;
    leading = false;
    queue.setActive(false);
    CompletableFuture<?> running = election;
    if (running != null) {
      running.cancel(true);
    }
    electionExecutor.shutdownNow();
    queue.close();
    workers.shutdown();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdownNow();
    informers.forEach(SharedIndexInformer::stop);
    if (http != null) {
      http.close();
    }
    metrics.leader(false);
  }
}

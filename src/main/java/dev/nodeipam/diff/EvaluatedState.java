package dev.nodeipam.diff;

import dev.nodeipam.audit.Audit;
import dev.nodeipam.audit.AuditReport;
import dev.nodeipam.audit.AuditScope;
import dev.nodeipam.audit.PublishedAddresses;
import dev.nodeipam.audit.ServiceAddress;
import dev.nodeipam.audit.Trap;
import dev.nodeipam.policy.engine.PolicyEngine;
import dev.nodeipam.policy.model.Flow;
import dev.nodeipam.policy.settings.DatapathSettings;
import dev.nodeipam.snapshot.Pod;
import dev.nodeipam.snapshot.Service;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A state once evaluated: its audit over the scope, its engine for single verdicts. */
final class EvaluatedState {
  final StateDiff.State state;
  final AuditReport report;
  final Map<FlowKey, Boolean> active = new HashMap<>();
  final PublishedAddresses published;
  final PolicyEngine engine;
  final DatapathSettings now;
  final Map<String, ServiceAddress> frontends = new HashMap<>();

  EvaluatedState(StateDiff.State state, StateDiff.Settings settings, DiffScope scope) {
    this.state = state;
    this.report = Audit.run(state.snapshot(), settings.overrides(), settings.audit(),
        scope.audit());
    for (Trap t : report.traps()) {
      for (Pod p : t.sources()) {
        active.put(FlowKey.of(t, p), t.active());
      }
    }
    AuditScope audit = scope.audit();
    boolean all = audit.everything() || !audit.sourcePods().isEmpty();
    this.published = PublishedAddresses.of(state.snapshot(), settings.audit().nodeIpam(),
        s -> all || audit.coversService(s.key()));
    // Lazy: only the namespaces of the flows asked about have their policies read.
    this.engine = PolicyEngine.lazy(published.snapshot());
    this.now = engine.settings(settings.overrides());
    for (ServiceAddress a : published.addresses()) {
      frontends.putIfAbsent(a.service().key() + " " + a.address().toCanonicalString(), a);
    }
  }

  Optional<Pod> pod(String key) {
    int slash = key.indexOf('/');
    String ns = key.substring(0, slash);
    String name = key.substring(slash + 1);
    return state.snapshot().podsIn(ns).stream().filter(p -> p.name().equals(name)).findFirst();
  }

  boolean allows(Trap t, Pod source) {
    Optional<Pod> here = pod(source.key());
    if (here.isEmpty()) {
      return false;
    }
    return engine.allows(
        new Flow(here.get(), t.address().address(), t.servicePort().port(), t.protocol()), now);
  }

  boolean isFrontend(Trap t) {
    return frontends.containsKey(
        t.address().service().key() + " " + t.address().address().toCanonicalString());
  }

  Optional<Service> service(String key) {
    int slash = key.indexOf('/');
    return state.snapshot().service(key.substring(0, slash), key.substring(slash + 1));
  }
}

package dev.nodeipam.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import dev.nodeipam.snapshot.ServiceCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Writes {@code status.loadBalancer.ingress} and nothing else (R26), on the {@code status}
 * subresource; the main Service object is never written.
 *
 * <p>The write is a JSON Patch (RFC 6902) {@code add} of that one path, which replaces the list
 * whole and keeps every other status field. A JSON merge patch means the same on a real API server,
 * but fabric8's in-process API server merges lists element by element in a merge patch (an old
 * address would survive), and the tests and {@code nodeipam demo} run against it. The API server
 * always serializes {@code status.loadBalancer} (a struct, never omitted), so the parent path
 * exists.
 */
final class StatusWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PatchContext JSON_PATCH = PatchContext.of(PatchType.JSON);
  static final String PATH = "/status/loadBalancer/ingress";
  static final String CONDITIONS = "/status/conditions";

  private final KubernetesClient client;

  StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The patch that sets the ingress list; null (clear) sets it empty. Never a {@code remove}: the
   * API server omits an empty list, and removing a path that is not there is refused with 422.
   */
  static String patch(List<LoadBalancerIngress> ingress) {
    ArrayNode ops = JSON.createArrayNode();
    addIngress(ops, ingress);
    return ops.toString();
  }

  private static void addIngress(ArrayNode ops, List<LoadBalancerIngress> ingress) {
    ObjectNode op = ops.addObject();
    op.put("op", "add").put("path", PATH);
    ArrayNode list = op.putArray("value");
    if (ingress != null) {
      for (LoadBalancerIngress entry : ingress) {
        ObjectNode item = list.addObject();
        item.put("ip", entry.ip());
        if (entry.ipMode() != null) {
          item.put("ipMode", entry.ipMode());
        }
      }
    }
  }

  /**
   * The patch that sets the ingress list (when not null) and the whole conditions list (when not
   * null), in one request. The conditions list is replaced whole: on Kubernetes 1.24 {@code
   * status.conditions} of a Service is a list of {@code metav1.Condition} whose validation needs
   * type, status, reason, message and lastTransitionTime; an entry without a time gets {@code now}.
   */
  static String patch(
      List<LoadBalancerIngress> ingress, List<ServiceCondition> conditions, Instant now) {
    ArrayNode ops = JSON.createArrayNode();
    if (ingress != null) {
      addIngress(ops, ingress);
    }
    if (conditions != null) {
      ObjectNode op = ops.addObject();
      op.put("op", "add").put("path", CONDITIONS);
      ArrayNode list = op.putArray("value");
      String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
      for (ServiceCondition c : conditions) {
        ObjectNode item = list.addObject();
        item.put("type", c.type());
        item.put("status", c.status());
        item.put("observedGeneration", c.observedGeneration());
        item.put(
            "lastTransitionTime",
            c.lastTransitionTime() == null ? stamp : c.lastTransitionTime());
        item.put("reason", c.reason());
        item.put("message", c.message());
      }
    }
    return ops.toString();
  }

  /**
   * Writes the ingress list and the conditions, each when not null, and returns the Service as the
   * API server now has it.
   */
  Service write(
      String namespace,
      String name,
      List<LoadBalancerIngress> ingress,
      List<ServiceCondition> conditions) {
    if (conditions == null) {
      return write(namespace, name, ingress);
    }
    return client
        .services()
        .inNamespace(namespace)
        .resource(target(namespace, name))
        .subresource("status")
        .patch(JSON_PATCH, patch(ingress, conditions, Instant.now()));
  }

  private static Service target(String namespace, String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .endMetadata()
        .build();
  }

  /**
   * Writes the list (null clears it) and returns the Service as the API server now has it. The
   * Service is named by a bare object rather than by name, which spares the GET that fabric8 would
   * otherwise make before the patch; without a resourceVersion the patch is not a conditional one.
   */
  Service write(String namespace, String name, List<LoadBalancerIngress> ingress) {
    return client
        .services()
        .inNamespace(namespace)
        .resource(target(namespace, name))
        .subresource("status")
        .patch(JSON_PATCH, patch(ingress));
  }
}

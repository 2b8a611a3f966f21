package dev.nodeipam.controller;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodeipam.snapshot.Service.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
    return ops.toString();
  }

  /**
   * Writes the list (null clears it) and returns the Service as the API server now has it. The
   * Service is named by a bare object rather than by name, which spares the GET that fabric8 would
   * otherwise make before the patch; without a resourceVersion the patch is not a conditional one.
   */
  Service write(String namespace, String name, List<LoadBalancerIngress> ingress) {
    Service target =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(name)
            .endMetadata()
            .build();
    return client
        .services()
        .inNamespace(namespace)
        .resource(target)
        .subresource("status")
        .patch(JSON_PATCH, patch(ingress));
  }
}

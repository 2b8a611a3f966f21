package dev.nodeipam.policy.explanation;

import java.util.Arrays;
import java.util.List;

/**
 * A fact about a flow or one of its destinations worth saying beside the verdict (how a named port
 * was resolved, why a backend is missing, how the next hop delivers the flow). The engine decides
 * it; {@code render.text.NoteText} writes it as a sentence.
 *
 * @param kind what the note says
 * @param values the values its sentence names, in the order {@link Kind} lists them
 * @param also a second note about the same backend, written after this one, or null
 */
public record Note(Kind kind, List<String> values, Note also) {

  /** What a note says, with the values it names. */
  public enum Kind {
    /** The source is a workload's pod template: workload, namespace. */
    TEMPLATE_SOURCE,
    /** The source's node is unknown. */
    SOURCE_NODE_UNKNOWN,
    /** No address was dialled: destination, and its workload when it is a pod template, or "". */
    NOT_DIALLED,
    /** An address in a node's podCIDR that no pod has: address, node. */
    PODCIDR_WITHOUT_POD,
    /** internalTrafficPolicy: Local without a backend on the client's node: service, node. */
    INTERNAL_LOCAL_NO_BACKEND,
    /** No ready backend for the translated port: service, port. */
    NO_READY_BACKEND,
    /** A backend port read from its EndpointSlice: slice, "selectorless" or "". */
    PORT_FROM_SLICE,
    /** An endpoint without the target port: address, service, targetPort. */
    ENDPOINT_WITHOUT_PORT,
    /** A selectorless Service without EndpointSlices: service. */
    NO_SELECTOR_NO_SLICES,
    /** A selected pod without the named container port: pod, port name, service port. */
    NO_NAMED_PORT,
    /** A named targetPort resolved on a pod: name, number, pod, workload if a template, or "". */
    NAMED_PORT_RESOLVED,
    /** A terminating endpoint used by the fallback: "not serving" or "", major, minor. */
    TERMINATING_FALLBACK,
    /** A pod behind a hostPort: containerPort, hostPort, node. */
    HOST_PORT_EXPOSED,
    /** Another node's hostPort delivery: node, address, port, pod, containerPort. */
    HOST_PORT_DELIVERY,
    /** kube-proxy delivers without a known delivering node: address, service. */
    KUBE_PROXY_NODE_UNKNOWN,
    /** An untranslated address no node owns: address. */
    UNOWNED_ADDRESS,
    /**
     * The next hop finds no ready backend: service, port, delivering node, "kube-proxy" or "",
     * "local" or "".
     */
    NEXT_HOP_NO_BACKEND,
    /**
     * The next hop delivers to the backends: address, port, service, delivering node,
     * "kube-proxy" or "", "local" or "".
     */
    NEXT_HOP_DELIVERS,
    /**
     * An externalIP frontend of a LoadBalancer Service with loadBalancerSourceRanges: service,
     * address, ranges, Cilium version, "enforced" (1.20+) or "".
     */
    SOURCE_RANGES_ON_EXTERNAL_IP
  }

  public Note {
    values = List.copyOf(values);
  }

  /** A note of the kind naming the values (a flag is its name when set, "" when not). */
  public static Note of(Kind kind, Object... values) {
    return new Note(kind, Arrays.stream(values).map(String::valueOf).toList(), null);
  }

  /** The flag value for {@link #of}: {@code name} when set, "" when not. */
  public static String flag(boolean set, String name) {
    return set ? name : "";
  }

  /** This note followed by {@code next} about the same backend. */
  public Note then(Note next) {
    return next == null ? this : new Note(kind, values, also == null ? next : also.then(next));
  }

  /** The value at {@code i}. */
  public String value(int i) {
    return values.get(i);
  }

  /** Whether the flag value at {@code i} is set. */
  public boolean set(int i) {
    return !values.get(i).isEmpty();
  }
}
